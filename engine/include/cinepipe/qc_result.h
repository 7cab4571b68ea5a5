#pragma once
// What a QC analyser finds: events with exact frame ranges, measurements over the whole
// clip, and compact per-frame statistics for plots. Written as JSON by write_qc_report.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cinepipe/timecode.h"

namespace cinepipe {

enum class Severity : std::uint8_t { Off, Info, Warning, Error };
const char* to_string(Severity s);  // "off", "info", "warning", "error"

struct QcEvent {
    std::string check;  // "black", "freeze", ...
    Severity severity = Severity::Error;
    std::int64_t start_frame = 0;  // 0-based decoded-frame indices, inclusive
    std::int64_t end_frame = 0;
    double value = 0;  // the check's measure (see docs/qc.md)
    std::string message;
};

// One row per decoded frame: 16 bytes, so an hour at 24 fps is under 1.4 MB.
struct FrameStats {
    float luma_min = 0;  // code values of the picture's own bit depth
    float luma_avg = 0;
    float luma_max = 0;
    float diff = -1;  // mean absolute luma difference to the previous frame, % of range; -1 first
};

// The sound of one frame (the loudness check's stream): 12 bytes, like FrameStats bounded by
// the frame count. NaN where there is no value: before the first whole 400 ms (3 s) window,
// a frame without sound, and -inf (silence) for levels below the meter's floor.
struct AudioFrameStats {
    static constexpr float kNone = std::numeric_limits<float>::quiet_NaN();
    float momentary = kNone;   // LUFS, the latest 400 ms window read by the end of the frame
    float short_term = kNone;  // LUFS, the latest 3 s window
    float peak = kNone;        // dBFS, highest sample magnitude of the frame, any channel
};

// Where the timecode is not simply the previous frame's plus one (the first frame, and after
// a timestamp gap): frame i's timecode is the last anchor's advanced by the frames since.
struct TimecodeAnchor {
    std::int64_t frame = 0;
    Timecode timecode{Rational{24, 1}, false, 0};
};

struct QcResult {
    std::string node;  // the analyser's id
    std::vector<QcEvent> events;  // sorted by start_frame
    std::vector<std::pair<std::string, double>> measurements;
    std::vector<FrameStats> per_frame;
    // Indexed by frame like per_frame; may run past the last picture by the sound that plays
    // on. Empty when no sound was measured.
    std::vector<AudioFrameStats> per_frame_audio;
    std::int64_t frames = 0;
    std::vector<TimecodeAnchor> timecodes;
    // The timecode of frame `index` (none when the source has none).
    [[nodiscard]] std::optional<Timecode> timecode_of(std::int64_t index) const;
    // Its label ("" when the source has none).
    [[nodiscard]] std::string timecode_at(std::int64_t index) const;
    // Frame `index`'s place on the source's clock, in frames at the nominal rate since the
    // first picture: `index` itself unless the timestamps jump (a dropped_frame gap).
    [[nodiscard]] std::int64_t clock_frame(std::int64_t index) const;
    // Fails when any event has error severity.
    [[nodiscard]] bool passed() const;
};

}  // namespace cinepipe
