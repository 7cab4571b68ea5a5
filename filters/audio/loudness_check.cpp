// `loudness`: EBU R128 / ITU-R BS.1770-4 programme loudness of one audio stream (the first by
// default), against a target with a tolerance, and its true peak against a maximum. Reports
// the figures in `measurements`, and `loudness` / `true_peak` events over the whole clip.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "channels.h"
#include "loudness_meter.h"
#include "qc/qc_check.h"

namespace cinepipe::qc {

namespace {

class LoudnessCheck final : public AudioCheck {
  public:
    LoudnessCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          true_peak_severity_(parse_severity(p.get_string("true_peak_severity"))),
          target_(p.get_float("target")),
          tolerance_(p.get_float("tolerance")),
          max_true_peak_(p.get_float("max_true_peak")),
          stream_(static_cast<int>(p.get_int("stream")) - 1),
          clip_(clip) {}

    void observe_audio(const AudioBlock& block, std::vector<QcEvent>&) override {
        if (block.stream != stream_) return;
        const AudioBuffer& a = block.audio;
        if (!meter_) {
            std::uint64_t mask = 0;
            if (clip_.source && stream_ < static_cast<int>(clip_.source->audio.size()))
                mask = assumed_channel_mask(clip_.source->audio[static_cast<std::size_t>(stream_)]);
            meter_.emplace(a.channels, a.sample_rate, mask);
            sample_rate_ = a.sample_rate;
        }
        block.for_each_frame([&](std::int64_t frame, std::int64_t begin, std::int64_t end) {
            const float* samples = a.samples.data() + begin * a.channels;
            meter_->add(samples, end - begin, frame, a.pts + begin);
            record(frame, samples, (end - begin) * a.channels);
        });
    }

    void audio_series(std::vector<AudioFrameStats>& out) override { out = std::move(series_); }

    void finish(std::int64_t frames, std::vector<QcEvent>& events) override {
        if (!meter_) return;
        result_ = meter_->result();
        const std::int64_t last = std::max<std::int64_t>(frames - 1, 0);
        const auto& r = *result_;
        if (r.integrated) {
            const double off = *r.integrated - target_;
            if (std::abs(off) > tolerance_ + 1e-9)
                events.push_back({"loudness", severity_, 0, last, *r.integrated,
                                  fmt::format("integrated loudness {:.1f} LUFS is {:.1f} LU {} the "
                                              "target {:.1f} LUFS (±{:.1f} LU)",
                                              *r.integrated, std::abs(off),
                                              off > 0 ? "above" : "below", target_, tolerance_)});
        } else if (meter_->samples() >= sample_rate_ * 4 / 10) {
            // Long enough for a gating block, but none rose above the absolute gate.
            events.push_back({"loudness", severity_, 0, last, -70,
                              fmt::format("integrated loudness below -70 LUFS (the absolute gate): "
                                          "no programme sound, target {:.1f} LUFS",
                                          target_)});
        }
        if (true_peak_severity_ != Severity::Off && r.true_peak && *r.true_peak > max_true_peak_)
            events.push_back(
                {"true_peak", true_peak_severity_, 0, last, *r.true_peak,
                 fmt::format("true peak {:.2f} dBTP is above the maximum {:.1f} dBTP (highest on "
                             "{} at {}, frame {})",
                             *r.true_peak, max_true_peak_,
                             describe_channels(clip_, stream_, {r.true_peak_channel}),
                             seconds_label(r.true_peak_position, sample_rate_),
                             std::min(r.true_peak_frame, last))});
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        if (!result_) return;
        const auto put = [&](const char* name, const std::optional<double>& v) {
            if (v) out.emplace_back(name, *v);
        };
        put("integrated_lufs", result_->integrated);
        put("loudness_range_lu", result_->range);
        put("momentary_max_lufs", result_->momentary_max);
        put("short_term_max_lufs", result_->short_term_max);
        put("true_peak_dbtp", result_->true_peak);
        put("sample_peak_dbfs", result_->sample_peak);
    }

  private:
    // The frame's levels for the plots: its own sample peak, and the meter's latest windows.
    void record(std::int64_t frame, const float* samples, std::int64_t count) {
        if (frame < 0) return;
        const auto i = static_cast<std::size_t>(frame);
        if (series_.size() <= i) series_.resize(i + 1);
        float peak = 0;
        for (std::int64_t k = 0; k < count; ++k) peak = std::max(peak, std::abs(samples[k]));
        AudioFrameStats& s = series_[i];
        const float db = peak > 0 ? 20 * std::log10(peak) : -HUGE_VALF;
        s.peak = std::isnan(s.peak) ? db : std::max(s.peak, db);
        if (const auto m = meter_->momentary()) s.momentary = static_cast<float>(*m);
        if (const auto st = meter_->short_term()) s.short_term = static_cast<float>(*st);
    }

    Severity severity_;
    Severity true_peak_severity_;
    double target_;
    double tolerance_;
    double max_true_peak_;
    int stream_;
    const ClipFacts& clip_;
    int sample_rate_ = 0;
    std::optional<LoudnessMeter> meter_;
    std::optional<LoudnessMeter::Result> result_;
    std::vector<AudioFrameStats> series_;  // 12 bytes a frame, like the picture's per_frame
};

}  // namespace

CheckInfo loudness_check() {
    CheckInfo c;
    c.name = "loudness";
    c.help =
        "EBU R128 / BS.1770-4 integrated loudness against target ± tolerance, true peak "
        "against max_true_peak (events `loudness`, `true_peak`); loudness range, momentary "
        "and short-term maxima in the measurements";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("target", -23, -70, 0, "Integrated loudness target, LUFS"),
        float_param("tolerance", 0.5, 0, 30, "Allowed distance from the target, LU"),
        float_param("max_true_peak", -1, -30, 6, "Highest true peak allowed, dBTP"),
        severity_param(Severity::Error, "true_peak_severity"),
        int_param("stream", 1, 1, 64, "Audio stream measured (1: the first)"),
    };
    c.params[3].help = "Severity of a true peak above max_true_peak (off: not checked)";
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<LoudnessCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
