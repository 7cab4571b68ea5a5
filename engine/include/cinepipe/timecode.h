#pragma once
// SMPTE ST 12 timecode. A Timecode is a frame counter plus the rate that turns it into
// HH:MM:SS:FF; drop-frame (29.97/59.94) labels skip frame numbers 0/1 (0-3 at 59.94) at
// the start of every minute except each tenth, so the label tracks wall-clock time.

#include <cstdint>
#include <optional>
#include <string>

#include "cinepipe/rational.h"

namespace cinepipe {

class Timecode {
  public:
    // `rate` is the video frame rate; `drop_frame` is only honoured for 30000/1001 and
    // 60000/1001. `frames` is the count since 00:00:00:00 in timecode frames.
    Timecode(Rational rate, bool drop_frame, std::int64_t frames = 0);

    // Parse "HH:MM:SS:FF" or "HH:MM:SS;FF" (';' or '.' as the last separator means drop
    // frame). Throws InputError naming `what` if the text is not a valid timecode at `rate`.
    static Timecode parse(const std::string& text, Rational rate,
                          const std::string& what = "timecode");

    [[nodiscard]] std::int64_t frames() const { return frames_; }
    [[nodiscard]] Rational rate() const { return rate_; }
    [[nodiscard]] bool drop_frame() const { return drop_; }
    // Timecode frames per second, rounded: 24 for 23.976, 30 for 29.97.
    [[nodiscard]] int nominal_fps() const { return nominal_; }

    // The timecode `n` frames later (n may be negative). Wraps at 24 hours.
    [[nodiscard]] Timecode advanced(std::int64_t n) const;
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const Timecode& a, const Timecode& b) {
        return a.frames_ == b.frames_ && a.nominal_ == b.nominal_ && a.drop_ == b.drop_;
    }

  private:
    Rational rate_;
    int nominal_;
    bool drop_;
    std::int64_t frames_;
};

// True for the rates where drop-frame timecode is defined (29.97 and 59.94).
bool drop_frame_allowed(Rational rate);

}  // namespace cinepipe
