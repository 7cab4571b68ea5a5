// `black`: pictures whose pixels are (almost) all at or near legal black, for at least
// min_duration. The frames just before the run say whether it was a fade or a hard cut.

#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "qc_check.h"

namespace cinepipe::qc {

namespace {

class BlackCheck final : public Check {
  public:
    BlackCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          ratio_(p.get_float("picture_ratio") / 100),
          min_frames_(clip.frames_for(p.get_float("min_duration"))),
          fps_(clip.fps.to_double()) {}

    void observe(const Observation& o, std::vector<QcEvent>& events) override {
        const bool black = o.black_fraction >= ratio_;
        if (auto run = tracker_.update(o.index, black)) report(*run, events);
        if (black) {
            if (tracker_.start() == o.index) {
                how_ = entry();
                darkest_ = o.norm_avg;
            }
            darkest_ = std::min(darkest_, o.norm_avg);
            ++black_frames_;
        }
        history_.push_back(o.norm_avg);
        if (history_.size() > 8) history_.pop_front();
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        if (auto run = tracker_.flush()) report(*run, events);
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("black_frames", static_cast<double>(black_frames_));
    }

  private:
    // A fade darkens step by step into black; a cut arrives from a picture still well lit.
    [[nodiscard]] std::string entry() const {
        if (history_.empty()) return "from the start";
        const std::size_t n = std::min<std::size_t>(history_.size(), 4);
        const auto first = history_.end() - static_cast<std::ptrdiff_t>(n);
        bool darkening = n >= 3;
        for (auto it = first + 1; it != history_.end(); ++it)
            darkening = darkening && *it <= *(it - 1) + 0.005;
        const double last = history_.back();
        if (darkening && last < 0.25 && *first - last > 0.03) return "fade to black";
        return "hard cut to black";
    }

    void report(std::pair<std::int64_t, std::int64_t> run, std::vector<QcEvent>& events) const {
        const std::int64_t length = run.second - run.first + 1;
        if (length < min_frames_) return;
        events.push_back({"black", severity_, run.first, run.second, 100 * darkest_,
                          fmt::format("black for {} frames ({:.2f} s), {}", length,
                                      static_cast<double>(length) / fps_, how_)});
    }

    Severity severity_;
    double ratio_;
    std::int64_t min_frames_;
    double fps_;
    RunTracker tracker_;
    std::deque<double> history_;
    std::string how_;
    double darkest_ = 0;
    std::int64_t black_frames_ = 0;
};

}  // namespace

CheckInfo black_check() {
    CheckInfo c;
    c.name = "black";
    c.help = "Black or near-black pictures (relative to legal black), fades told from cuts";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("min_duration", 0.5, 0, 3600, "Shortest black run reported, seconds"),
        float_param("pixel_threshold", 10, 0, 100,
                    "A pixel is black at or below this, % of the range above legal black"),
        float_param("picture_ratio", 98, 0, 100, "% of black pixels that make a black picture"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig& m) {
        m.black_level = p.get_float("pixel_threshold") / 100;
        return std::make_unique<BlackCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
