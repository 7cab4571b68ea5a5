// `interlace`: combing in content flagged progressive (or unflagged), and a field order flag
// the motion contradicts. Combed pixels: lines standing out from both neighbours while the
// neighbours agree; the field order vote compares each field with the previous frame's
// opposite field (the pair adjacent in time differs less).

#include <fmt/format.h>

#include <algorithm>

#include "qc_check.h"

namespace cinepipe::qc {

namespace {

class InterlaceCheck final : public Check {
  public:
    InterlaceCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          threshold_(p.get_float("threshold") / 100),
          min_frames_(clip.frames_for(p.get_float("min_duration"))),
          flagged_(clip.field_order) {}

    void observe(const Observation& o, std::vector<QcEvent>& events) override {
        const bool combed = o.comb_fraction >= threshold_;
        if (combed) {
            ++combed_frames_;
            if (o.field_vote > 0) ++top_votes_;
            if (o.field_vote < 0) ++bottom_votes_;
        }
        if (!flagged_interlaced()) {
            if (auto run = tracker_.update(o.index, combed)) report(*run, events);
            if (combed) {
                if (tracker_.start() == o.index) run_top_ = run_bottom_ = 0, worst_ = 0;
                worst_ = std::max(worst_, o.comb_fraction);
                run_top_ += o.field_vote > 0;
                run_bottom_ += o.field_vote < 0;
            }
        }
    }

    void finish(std::int64_t frames, std::vector<QcEvent>& events) override {
        if (auto run = tracker_.flush()) report(*run, events);
        if (!flagged_interlaced()) return;
        // Flagged interlaced: the motion must not clearly say the other field comes first.
        const bool top_flagged = flagged_ == FieldOrder::TT || flagged_ == FieldOrder::TB;
        const std::int64_t agree = top_flagged ? top_votes_ : bottom_votes_;
        const std::int64_t against = top_flagged ? bottom_votes_ : top_votes_;
        if (against >= 10 && against > 3 * agree)
            events.push_back(
                {"interlace", severity_, 0, frames - 1, static_cast<double>(against),
                 fmt::format("field order mismatch: flagged {} field first, but the motion of "
                             "{} combed frames says {} field first",
                             top_flagged ? "top" : "bottom", against + agree,
                             top_flagged ? "bottom" : "top")});
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("combed_frames", static_cast<double>(combed_frames_));
    }

  private:
    [[nodiscard]] bool flagged_interlaced() const {
        return flagged_ != FieldOrder::Progressive && flagged_ != FieldOrder::Unknown;
    }

    void report(std::pair<std::int64_t, std::int64_t> run, std::vector<QcEvent>& events) const {
        if (run.second - run.first + 1 < min_frames_) return;
        const char* order = run_top_ > 2 * run_bottom_   ? ", motion says top field first"
                            : run_bottom_ > 2 * run_top_ ? ", motion says bottom field first"
                                                         : "";
        events.push_back({"interlace", severity_, run.first, run.second, 100 * worst_,
                          fmt::format("combing in content flagged {}: up to {:.1f}% of the "
                                      "picture{}",
                                      flagged_ == FieldOrder::Progressive ? "progressive"
                                                                          : "with no field order",
                                      100 * worst_, order)});
    }

    Severity severity_;
    double threshold_;
    std::int64_t min_frames_;
    FieldOrder flagged_;
    RunTracker tracker_;
    double worst_ = 0;
    std::int64_t run_top_ = 0, run_bottom_ = 0;
    std::int64_t top_votes_ = 0, bottom_votes_ = 0;
    std::int64_t combed_frames_ = 0;
};

}  // namespace

CheckInfo interlace_check() {
    CheckInfo c;
    c.name = "interlace";
    c.help = "Combing in content flagged progressive; field order contradicting the flag";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("threshold", 2, 0, 100, "% of combed pixels that make a combed frame"),
        float_param("line_difference", 4, 0, 100,
                    "How far a line must stand out from both neighbours, % of the range"),
        float_param("min_duration", 0.25, 0, 3600, "Shortest combed run reported, seconds"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig& m) {
        m.comb = true;
        m.comb_threshold = p.get_float("line_difference") / 100;
        return std::make_unique<InterlaceCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
