#pragma once
// ITU-R BS.1770-4 / EBU R128 measurement of one audio stream through libebur128, fed as the
// sound plays: integrated loudness, loudness range, momentary and short-term maxima, true peak
// and where it is. Memory: libebur128 keeps one double per 100 ms gating block (about 1 MB an
// hour, like the report's per_frame rows); the rest is fixed.

#include <ebur128.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "loudness_range.h"

namespace cinepipe::qc {

class LoudnessMeter {
  public:
    // `channel_mask`: speaker positions (see assumed_channel_mask), which set the BS.1770
    // channel weights: LFE left out, surrounds +1.5 dB.
    LoudnessMeter(int channels, int sample_rate, std::uint64_t channel_mask);
    ~LoudnessMeter();
    LoudnessMeter(const LoudnessMeter&) = delete;
    LoudnessMeter& operator=(const LoudnessMeter&) = delete;

    // `count` interleaved sample frames that play with video frame `frame`, the first of them
    // at `position` (samples from the start).
    void add(const float* samples, std::int64_t count, std::int64_t frame, std::int64_t position);

    struct Result {
        std::optional<double> integrated;      // LUFS; none when no block passed the gates
        std::optional<double> range;           // LU
        std::optional<double> momentary_max;   // LUFS, 400 ms windows every 100 ms
        std::optional<double> short_term_max;  // LUFS, 3 s windows every 100 ms
        std::optional<double> true_peak;       // dBTP (4x oversampled at 48 kHz)
        std::optional<double> sample_peak;     // dBFS
        int true_peak_channel = 0;
        std::int64_t true_peak_frame = 0;
        std::int64_t true_peak_position = 0;  // sample position of the chunk that held it
    };
    [[nodiscard]] Result result() const;
    [[nodiscard]] std::int64_t samples() const { return fed_; }
    // The latest momentary (400 ms) and short-term (3 s) readings on the 100 ms grid, for
    // the report's plots; none before the first whole window. -inf: below libebur128's floor.
    [[nodiscard]] std::optional<double> momentary() const { return momentary_; }
    [[nodiscard]] std::optional<double> short_term() const { return short_term_; }

  private:
    void add_chunk(const float* samples, std::int64_t count, std::int64_t frame,
                   std::int64_t position);
    void poll();  // at every 100 ms boundary

    struct Destroy {
        void operator()(ebur128_state* st) const;
    };
    std::unique_ptr<ebur128_state, Destroy> state_;
    int channels_;
    int sample_rate_;
    std::int64_t step_;  // samples in 100 ms, as libebur128 counts them
    std::int64_t fed_ = 0;
    std::optional<double> momentary_;
    std::optional<double> short_term_;
    std::optional<double> momentary_max_;
    std::optional<double> short_term_max_;
    LoudnessRange range_;
    double true_peak_ = 0;  // linear
    int true_peak_channel_ = 0;
    std::int64_t true_peak_frame_ = 0;
    std::int64_t true_peak_position_ = 0;
};

}  // namespace cinepipe::qc
