// `blockiness`: visible compression blocking. Luma gradients across the 8x8 grid's edges
// against those inside the blocks; above `threshold` for min_duration is one event.

#include <fmt/format.h>

#include <algorithm>

#include "qc_check.h"

namespace cinepipe::qc {

namespace {

class BlockinessCheck final : public Check {
  public:
    BlockinessCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          threshold_(p.get_float("threshold")),
          min_frames_(clip.frames_for(p.get_float("min_duration"))) {}

    void observe(const Observation& o, std::vector<QcEvent>& events) override {
        const bool blocky = o.blockiness >= threshold_;
        if (auto run = tracker_.update(o.index, blocky)) report(*run, events);
        if (blocky) worst_ = tracker_.start() == o.index ? o.blockiness : std::max(worst_, o.blockiness);
        peak_ = std::max(peak_, o.blockiness);
        sum_ += o.blockiness;
        ++frames_;
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        if (auto run = tracker_.flush()) report(*run, events);
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("blockiness_max", peak_);
        out.emplace_back("blockiness_avg", frames_ ? sum_ / static_cast<double>(frames_) : 1.0);
    }

  private:
    void report(std::pair<std::int64_t, std::int64_t> run, std::vector<QcEvent>& events) const {
        if (run.second - run.first + 1 < min_frames_) return;
        events.push_back({"blockiness", severity_, run.first, run.second, worst_,
                          fmt::format("compression blocking: block-edge gradients up to {:.2f}x "
                                      "those inside blocks (threshold {:g})",
                                      worst_, threshold_)});
    }

    Severity severity_;
    double threshold_;
    std::int64_t min_frames_;
    RunTracker tracker_;
    double worst_ = 0;
    double peak_ = 1;
    double sum_ = 0;
    std::int64_t frames_ = 0;
};

}  // namespace

CheckInfo blockiness_check() {
    CheckInfo c;
    c.name = "blockiness";
    c.help = "Visible 8x8 compression blocking";
    c.default_severity = Severity::Warning;
    c.params = {
        float_param("threshold", 2.0, 1, 100,
                    "Block-edge to in-block gradient ratio that counts as blocky (1: none)"),
        float_param("min_duration", 1.0, 0, 3600, "Shortest blocky run reported, seconds"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig& m) {
        m.blockiness = true;
        return std::make_unique<BlockinessCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
