#pragma once
// Dual-system sound: where a camera clip's scratch audio sits in a separate recorder's file,
// found by GCC-PHAT cross-correlation (robust to level, noise and the camera mic's colour),
// refined to the sample, with the recorder's clock drift against the camera's; timecode
// (BWF bext / iXML against the clip's) as a cross-check, and as the method when the clip has
// no usable sound. Also the batch form: a folder of sound rolls matched to many clips.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cinepipe/cancel.h"
#include "cinepipe/run_stats.h"

namespace cinepipe {

struct DualSystemOptions {
    int audio_stream = 0;  // the camera clip's scratch track
    // Drift: offsets measured on windows this long, up to 30 of them spread along the clip,
    // and a line fitted through them. Short, so the drift inside one window stays small.
    double drift_window_s = 2;
    // Null, or where the time goes (--stats): "read clip sound", "read recording (8 kHz)",
    // "read recording (full rate)", "correlate" and, for sound rolls, "probe sound rolls".
    StatsRecorder* stats = nullptr;
};

struct DualSystemResult {
    // "sound" (cross-correlation) or "timecode" (the clip has no sound, or its sound is not
    // in the recording, and both carry timecode).
    std::string method = "sound";
    // The time in the external recording at which the clip's first sample occurs; positive
    // when the recorder started earlier.
    double offset_ms = 0;
    std::int64_t offset_samples = 0;  // the same, in the recording's samples (rounded)
    int external_rate = 0;
    double confidence = 0;  // 0..1: how far the correlation peak stands above the next best
    double drift_ppm = 0;   // recorder clock against camera clock (0 when the clip is too short)
    int drift_windows = 0;  // windows that agreed on the drift fit
    // Timecode sync, when the clip has a start timecode and the recording a time of day (BWF
    // bext TimeReference or iXML): the same offset from the two clocks, and whether it agrees
    // with the sound (within one frame).
    bool has_timecode_offset = false;
    double timecode_offset_ms = 0;
    bool timecode_agrees = false;
    std::string timecode_source;  // where the recording's time came from: "bext" or "ixml"
    std::vector<std::string> warnings;
    std::string message;
};

// Throws InputError when either file cannot be read, or the clip's sound is not found in the
// recording (no correlation peak clear of the noise) and timecode cannot stand in for it.
DualSystemResult align_dual_system(const std::string& video, const std::string& external,
                                   const DualSystemOptions& options, const CancelToken& cancel);

// The sound files of a folder (WAV/BWF/RF64/W64/AIFF/FLAC, by extension), sorted by name.
// Throws InputError when the folder cannot be listed or holds none.
std::vector<std::string> list_sound_rolls(const std::string& folder);

struct SoundMatch {
    std::string clip;
    std::string roll;  // empty: no recording matched
    DualSystemResult result;
    std::string problem;      // why nothing matched, or why the clip could not be read
    bool unreadable = false;  // the clip itself could not be read
};

struct SoundRollMatching {
    std::vector<SoundMatch> clips;           // in the order given
    std::vector<std::string> unused_rolls;   // rolls no clip matched
    std::vector<std::string> roll_problems;  // rolls that could not be read (one line each)
};

// Each clip against a set of sound rolls: first the rolls whose time of day overlaps the
// clip's timecode, confirmed by correlation; then, for clips without timecode or whose sound
// is not in those, every roll by correlation alone; timecode alone for a clip without sound.
// `on_clip` is called as each clip is settled (for progress). Memory stays bounded: coarse
// copies of the rolls are cached within a fixed budget.
SoundRollMatching match_sound_rolls(const std::vector<std::string>& clips,
                                    const std::vector<std::string>& rolls,
                                    const DualSystemOptions& options, const CancelToken& cancel,
                                    const std::function<void(const SoundMatch&)>& on_clip = {});

}  // namespace cinepipe
