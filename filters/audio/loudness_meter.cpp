#include "loudness_meter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "channels.h"

namespace cinepipe::qc {

namespace {

// libebur128's weight for a speaker position, as FFmpeg's ebur128 filter weighs the same
// channel: LFE not counted, back/side/surround channels 1.41, everything else 1.
int channel_weight(std::uint64_t position) {
    if (position & (speaker::kLowFrequency | speaker::kLowFrequency2)) return EBUR128_UNUSED;
    if (position & speaker::kSurround) return EBUR128_LEFT_SURROUND;
    return EBUR128_CENTER;
}

void check(int err, const char* what) {
    if (err != EBUR128_SUCCESS)
        throw std::runtime_error(
            fmt::format("loudness meter: {} failed (libebur128 error {})", what, err));
}

double db(double linear) {
    return 20.0 * std::log10(linear);
}

}  // namespace

void LoudnessMeter::Destroy::operator()(ebur128_state* st) const {
    ebur128_destroy(&st);
}

LoudnessMeter::LoudnessMeter(int channels, int sample_rate, std::uint64_t channel_mask)
    : channels_(channels), sample_rate_(sample_rate), step_((sample_rate + 5) / 10) {
    if (channels <= 0 || sample_rate <= 0)
        throw std::invalid_argument(fmt::format(
            "loudness meter: cannot measure {} channels at {} Hz", channels, sample_rate));
    // Not EBUR128_MODE_LRA: the range comes from LoudnessRange, at FFmpeg's 10 Hz.
    state_.reset(ebur128_init(static_cast<unsigned>(channels),
                              static_cast<unsigned long>(sample_rate),
                              EBUR128_MODE_I | EBUR128_MODE_S | EBUR128_MODE_TRUE_PEAK));
    if (!state_)
        throw std::runtime_error(
            fmt::format("loudness meter: libebur128 cannot measure {} channels at {} Hz", channels,
                        sample_rate));
    for (int c = 0; c < channels; ++c)
        check(ebur128_set_channel(state_.get(), static_cast<unsigned>(c),
                                  channel_weight(channel_position(channel_mask, c))),
              "setting a channel weight");
}

LoudnessMeter::~LoudnessMeter() = default;

void LoudnessMeter::add(const float* samples, std::int64_t count, std::int64_t frame,
                        std::int64_t position) {
    // In chunks that end on the 100 ms grid, where the momentary and short-term windows are
    // read (FFmpeg's grid too, from the first sample).
    while (count > 0) {
        const std::int64_t n = std::min(count, step_ - fed_ % step_);
        add_chunk(samples, n, frame, position);
        samples += n * channels_;
        count -= n;
        position += n;
        if (fed_ % step_ == 0) poll();
    }
}

void LoudnessMeter::add_chunk(const float* samples, std::int64_t count, std::int64_t frame,
                              std::int64_t position) {
    check(ebur128_add_frames_float(state_.get(), samples, static_cast<std::size_t>(count)),
          "adding samples");
    fed_ += count;
    for (int c = 0; c < channels_; ++c) {
        double peak = 0;
        check(ebur128_prev_true_peak(state_.get(), static_cast<unsigned>(c), &peak),
              "reading the true peak");
        if (peak > true_peak_) {
            true_peak_ = peak;
            true_peak_channel_ = c;
            true_peak_frame_ = frame;
            true_peak_position_ = position;
        }
    }
}

void LoudnessMeter::poll() {
    double value = 0;
    // Only whole windows: before 400 ms (3 s) of sound libebur128 would count silence in.
    if (fed_ >= 4 * step_ && ebur128_loudness_momentary(state_.get(), &value) == EBUR128_SUCCESS) {
        momentary_ = value;
        if (std::isfinite(value)) momentary_max_ = std::max(momentary_max_.value_or(value), value);
    }
    if (fed_ >= 30 * step_ && ebur128_loudness_shortterm(state_.get(), &value) == EBUR128_SUCCESS) {
        short_term_ = value;
        range_.add(value);
        if (std::isfinite(value))
            short_term_max_ = std::max(short_term_max_.value_or(value), value);
    }
}

LoudnessMeter::Result LoudnessMeter::result() const {
    Result r;
    double value = 0;
    if (ebur128_loudness_global(state_.get(), &value) == EBUR128_SUCCESS && std::isfinite(value))
        r.integrated = value;
    if (const auto range = range_.range()) r.range = range->lu();
    r.momentary_max = momentary_max_;
    r.short_term_max = short_term_max_;
    double sample_peak = 0;
    for (int c = 0; c < channels_; ++c) {
        double p = 0;
        if (ebur128_sample_peak(state_.get(), static_cast<unsigned>(c), &p) == EBUR128_SUCCESS)
            sample_peak = std::max(sample_peak, p);
    }
    if (sample_peak > 0) r.sample_peak = db(sample_peak);
    if (true_peak_ > 0) r.true_peak = db(true_peak_);
    r.true_peak_channel = true_peak_channel_;
    r.true_peak_frame = true_peak_frame_;
    r.true_peak_position = true_peak_position_;
    return r;
}

}  // namespace cinepipe::qc
