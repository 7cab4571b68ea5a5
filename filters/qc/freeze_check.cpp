// `freeze`: consecutive pictures that do not change beyond a noise floor (mean absolute luma
// difference, as FFmpeg's freezedetect), for at least min_duration, reported as the frozen
// range (the picture that froze and its repeats). A shorter run of bit-identical repeats is
// reported as duplicate frames.

#include <fmt/format.h>

#include <algorithm>

#include "qc_check.h"

namespace cinepipe::qc {

namespace {

class FreezeCheck final : public Check {
  public:
    FreezeCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          duplicates_(parse_severity(p.get_string("duplicates"))),
          noise_(p.get_float("noise") / 100),
          min_frames_(clip.frames_for(p.get_float("min_duration"))),
          fps_(clip.fps.to_double()) {}

    void observe(const Observation& o, std::vector<QcEvent>& events) override {
        // A black picture does not change either: that is the black check's event, not a freeze.
        const bool frozen = o.diff >= 0 && o.diff <= noise_ && o.black_fraction < 0.98;
        if (auto run = tracker_.update(o.index, frozen)) report(*run, events);
        if (frozen) {
            if (tracker_.start() == o.index) {
                identical_ = true;
                worst_ = 0;
            }
            identical_ = identical_ && o.identical;
            worst_ = std::max(worst_, o.diff);
        }
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        if (auto run = tracker_.flush()) report(*run, events);
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("frozen_frames", static_cast<double>(frozen_frames_));
    }

  private:
    void report(std::pair<std::int64_t, std::int64_t> run, std::vector<QcEvent>& events) {
        // run: the repeats; the picture that froze is the one before them.
        const std::int64_t start = run.first - 1;
        const std::int64_t length = run.second - start + 1;
        if (length >= min_frames_) {
            frozen_frames_ += length;
            events.push_back({"freeze", severity_, start, run.second, 100 * worst_,
                              fmt::format("frozen for {} frames ({:.2f} s){}", length,
                                          static_cast<double>(length) / fps_,
                                          identical_ ? ", bit-identical" : "")});
        } else if (identical_ && duplicates_ != Severity::Off) {
            const std::int64_t repeats = run.second - run.first + 1;
            events.push_back(
                {"freeze", duplicates_, run.first, run.second, 0,
                 repeats == 1 ? fmt::format("duplicate frame: repeats frame {}", start)
                              : fmt::format("{} duplicate frames repeating frame {}", repeats, start)});
        }
    }

    Severity severity_;
    Severity duplicates_;
    double noise_;
    std::int64_t min_frames_;
    double fps_;
    RunTracker tracker_;
    bool identical_ = true;
    double worst_ = 0;
    std::int64_t frozen_frames_ = 0;
};

}  // namespace

CheckInfo freeze_check() {
    CheckInfo c;
    c.name = "freeze";
    c.help = "Frozen picture over min_duration; single repeated (duplicate) frames";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("min_duration", 0.2, 0, 3600,
                    "Shortest freeze reported, seconds (the frozen picture and its repeats)"),
        float_param("noise", 0.1, 0, 100,
                    "Largest mean absolute luma difference still frozen, % of the range"),
        severity_param(Severity::Warning, "duplicates"),
    };
    c.params.back().help = "Severity of bit-identical repeats shorter than min_duration (off: none)";
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<FreezeCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
