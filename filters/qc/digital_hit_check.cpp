// `digital_hit`: one corrupted or out-of-place picture (a garbage block, a frame from
// elsewhere): in some block of the grid it differs strongly from both neighbours while the
// neighbours, two frames apart, agree with each other far better. A picture brighter than both
// neighbours over much of the screen is a flash and left to the flash check.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "qc_check.h"

namespace cinepipe::qc {

namespace {

class DigitalHitCheck final : public Check {
  public:
    DigitalHitCheck(const ParamSet& p, Severity severity)
        : severity_(severity),
          threshold_(p.get_float("threshold") / 100),
          agreement_(p.get_float("agreement")),
          min_blocks_(std::max(1, static_cast<int>(std::ceil(p.get_float("min_area") / 100 * kBlocks)))) {}

    void observe(const Observation& o, std::vector<QcEvent>& events) override {
        // o is frame i+1: its difference to frame i, and (when frame i stood out) to i-1.
        if (have_ >= 2 && o.block_diff_skip && o.diff >= 0) {
            int blocks = 0;
            float worst = 0;
            int brighter = 0;
            int darker = 0;
            for (std::size_t b = 0; b < kBlocks; ++b) {
                const float spike = std::min(prev_diff_[b], o.block_diff[b]);
                if (spike >= threshold_ && spike >= agreement_ * (*o.block_diff_skip)[b]) {
                    ++blocks;
                    worst = std::max(worst, spike);
                }
                if (luma_[0][b] - std::max(luma_[1][b], o.block_luma[b]) >= 0.1) ++brighter;
                if (std::min(luma_[1][b], o.block_luma[b]) - luma_[0][b] >= 0.1) ++darker;
            }
            // Brighter than both neighbours is a flash; darker than both, the picture between
            // two flashes of a strobe: the flash check's events, not hits.
            if (blocks >= min_blocks_ && brighter < kBlocks / 4 && darker < kBlocks / 4) {
                ++hits_;
                events.push_back({"digital_hit", severity_, o.index - 1, o.index - 1, 100 * worst,
                                  fmt::format("one-frame spike in {} of {} blocks ({:.1f}% "
                                              "difference to both neighbours, which agree)",
                                              blocks, kBlocks, 100 * worst)});
            }
        }
        prev_diff_ = o.block_diff;
        luma_[1] = luma_[0];
        luma_[0] = o.block_luma;
        have_ = std::min(have_ + 1, 2);
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("digital_hits", static_cast<double>(hits_));
    }

  private:
    Severity severity_;
    float threshold_;
    float agreement_;
    int min_blocks_;
    std::array<float, kBlocks> prev_diff_{};
    std::array<std::array<float, kBlocks>, 2> luma_{};
    int have_ = 0;
    std::int64_t hits_ = 0;
};

}  // namespace

CheckInfo digital_hit_check() {
    CheckInfo c;
    c.name = "digital_hit";
    c.help = "A single corrupted or out-of-place frame (spike against both neighbours)";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("threshold", 12, 0, 100,
                    "Block difference to each neighbour that makes a spike, % of the range"),
        float_param("agreement", 3, 1, 100,
                    "How many times closer the neighbours must be to each other than to it"),
        float_param("min_area", 1, 0, 100,
                    "% of the picture that must spike (a small fast object passing is not a hit)"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts&, MeasureConfig& m) {
        m.skip_diff_after = std::min(m.skip_diff_after, p.get_float("threshold") / 100);
        return std::make_unique<DigitalHitCheck>(p, s);
    };
    return c;
}

}  // namespace cinepipe::qc
