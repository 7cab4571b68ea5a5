#pragma once
// Dual-system sound: where a camera clip's scratch audio sits in a separate recorder's file,
// found by GCC-PHAT cross-correlation (robust to level, noise and the camera mic's colour),
// refined to the sample, with the recorder's clock drift against the camera's.

#include <cstdint>
#include <string>

#include "cinepipe/cancel.h"

namespace cinepipe {

struct DualSystemOptions {
    int audio_stream = 0;         // the camera clip's scratch track
    // Drift: offsets measured on windows this long, up to 30 of them spread along the clip,
    // and a line fitted through them. Short, so the drift inside one window stays small.
    double drift_window_s = 2;
};

struct DualSystemResult {
    // The time in the external recording at which the clip's first sample occurs; positive
    // when the recorder started earlier.
    double offset_ms = 0;
    std::int64_t offset_samples = 0;  // the same, in the recording's samples (rounded)
    int external_rate = 0;
    double confidence = 0;  // 0..1: how far the correlation peak stands above the next best
    double drift_ppm = 0;   // recorder clock against camera clock (0 when the clip is too short)
    int drift_windows = 0;  // windows that agreed on the drift fit
    // Timecode sync, when the clip has a start timecode and the recording a BWF time
    // reference: the same offset from the two clocks, and whether it agrees with the sound
    // (within one frame).
    bool has_timecode_offset = false;
    double timecode_offset_ms = 0;
    bool timecode_agrees = false;
    std::string message;
};

// Throws InputError when either file has no audio or cannot be read, or the clip's sound is
// not found in the recording (no correlation peak clear of the noise).
DualSystemResult align_dual_system(const std::string& video, const std::string& external,
                                   const DualSystemOptions& options, const CancelToken& cancel);

}  // namespace cinepipe
