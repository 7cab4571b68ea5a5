// Checks on the stream rather than the picture: `decode_error` (the reader's record of damage),
// `dropped_frame` (timestamps against the nominal rate) and `duration_mismatch` (audio against
// video).

#include <fmt/format.h>

#include <cmath>

#include "qc_check.h"

namespace cinepipe::qc {

namespace {

class DecodeErrorCheck final : public Check {
  public:
    DecodeErrorCheck(Severity severity, const ClipFacts& clip) : severity_(severity), clip_(clip) {}

    void observe(const Observation&, std::vector<QcEvent>&) override {}

    // Damage within two frames of the last is one event.
    void finish(std::int64_t frames, std::vector<QcEvent>& events) override {
        if (!clip_.stats) return;
        const auto& damage = clip_.stats->damage;
        total_ = static_cast<std::int64_t>(damage.size());
        for (std::size_t i = 0; i < damage.size();) {
            std::size_t j = i + 1;
            while (j < damage.size() && damage[j].frame_index - damage[j - 1].frame_index <= 2) ++j;
            const std::int64_t last = std::max<std::int64_t>(frames - 1, 0);
            const std::int64_t start = std::min(damage[i].frame_index, last);
            const std::int64_t end = std::min(damage[j - 1].frame_index, last);
            const std::size_t n = j - i;
            events.push_back({"decode_error", severity_, start, end, static_cast<double>(n),
                              n == 1 ? damage[i].what
                                     : fmt::format("{} (and {} more)", damage[i].what, n - 1)});
            i = j;
        }
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("decode_errors", static_cast<double>(total_));
    }

  private:
    Severity severity_;
    const ClipFacts& clip_;
    std::int64_t total_ = 0;
};

class DroppedFrameCheck final : public Check {
  public:
    DroppedFrameCheck(Severity severity, const ClipFacts& clip)
        : severity_(severity), fps_(clip.fps) {}

    void observe(const Observation& o, std::vector<QcEvent>& events) override {
        // One frame in the stream's own time base, at the nominal rate.
        const double frame = 1.0 / (fps_.to_double() * o.time_base.to_double());
        if (have_) {
            const double step = static_cast<double>(o.pts - prev_) / frame;
            if (step < 0.5) {
                ++duplicated_;
                events.push_back({"dropped_frame", severity_, o.index, o.index, 0,
                                  fmt::format("duplicated timestamp: frame {} has the time of the "
                                              "frame before it",
                                              o.index)});
            } else if (step > 1.5) {
                const auto missing = std::llround(step) - 1;
                missing_ += missing;
                events.push_back({"dropped_frame", severity_, o.index, o.index,
                                  static_cast<double>(missing),
                                  fmt::format("{} frame{} missing before this one (timestamp gap "
                                              "of {:.3f} s)",
                                              missing, missing == 1 ? "" : "s",
                                              static_cast<double>(o.pts - prev_) *
                                                  o.time_base.to_double())});
            }
        }
        have_ = true;
        prev_ = o.pts;
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("missing_frames", static_cast<double>(missing_));
        out.emplace_back("duplicated_timestamps", static_cast<double>(duplicated_));
    }

  private:
    Severity severity_;
    Rational fps_;
    bool have_ = false;
    std::int64_t prev_ = 0;
    std::int64_t missing_ = 0;
    std::int64_t duplicated_ = 0;
};

class DurationMismatchCheck final : public Check {
  public:
    DurationMismatchCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity), tolerance_(p.get_float("tolerance")), clip_(clip) {}

    void observe(const Observation&, std::vector<QcEvent>&) override {}

    // Video lasts its frames at the nominal rate (container durations are rounded to their
    // time base: 41 ms a frame in Matroska is not 1/24 s).
    void finish(std::int64_t frames, std::vector<QcEvent>& events) override {
        shown_ = static_cast<double>(frames) / clip_.fps.to_double();
        if (!clip_.stats || !clip_.source || clip_.source->audio.empty() || frames == 0) return;
        const int rate = clip_.source->audio.front().sample_rate;
        if (rate <= 0 || clip_.stats->audio_samples == 0) return;
        audio_ = static_cast<double>(clip_.stats->audio_samples) / rate;
        const double frame = 1.0 / clip_.fps.to_double();
        const double diff = audio_ - shown_;
        if (std::abs(diff) > tolerance_ * frame + 1e-6)
            events.push_back({"duration_mismatch", severity_, frames - 1, frames - 1, diff,
                              fmt::format("audio lasts {:.3f} s, video {:.3f} s: {} by {:.3f} s "
                                          "({:.1f} frames)",
                                          audio_, shown_, diff > 0 ? "audio longer" : "audio shorter",
                                          std::abs(diff), std::abs(diff) / frame)});
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("video_duration", shown_);
        if (audio_ > 0) out.emplace_back("audio_duration", audio_);
    }

  private:
    Severity severity_;
    double tolerance_;
    const ClipFacts& clip_;
    double shown_ = 0;
    double audio_ = 0;
};

}  // namespace

CheckInfo decode_error_check() {
    CheckInfo c;
    c.name = "decode_error";
    c.help = "Packets the decoder rejects, pictures it flags corrupt, a truncated file";
    c.default_severity = Severity::Error;
    c.create = [](const ParamSet&, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<DecodeErrorCheck>(s, clip);
    };
    return c;
}

CheckInfo dropped_frame_check() {
    CheckInfo c;
    c.name = "dropped_frame";
    c.help = "Timestamp gaps (missing frames) and duplicated timestamps against the nominal rate";
    c.default_severity = Severity::Error;
    c.create = [](const ParamSet&, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<DroppedFrameCheck>(s, clip);
    };
    return c;
}

CheckInfo duration_mismatch_check() {
    CheckInfo c;
    c.name = "duration_mismatch";
    c.help = "Audio and video durations differing by more than `tolerance` frames";
    c.default_severity = Severity::Warning;
    c.params = {float_param("tolerance", 1, 0, 100000, "Difference allowed, in frames")};
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<DurationMismatchCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
