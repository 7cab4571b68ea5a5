// `illegal_levels`: EBU R103 levels. A frame is out when more than `tolerance` of its pixels
// lie outside the luma range (-1%..103% of black..white), the chroma range, or (R103's RGB
// gamut) -5%..105% in R, G or B; a float picture with any NaN or Inf is out too. Consecutive
// such frames are one event.

#include <fmt/format.h>

#include <algorithm>

#include "qc_check.h"

namespace cinepipe::qc {

namespace {

class IllegalLevelsCheck final : public Check {
  public:
    IllegalLevelsCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : tolerance_(p.get_float("tolerance") / 100),
          min_frames_(p.get_float("min_duration") > 0 ? clip.frames_for(p.get_float("min_duration"))
                                                      : 1),
          luma_(fmt::format("luma outside {:g}%..{:g}%", p.get_float("luma_low"),
                            p.get_float("luma_high"))),
          gamut_(fmt::format("RGB outside {:g}%..{:g}%", p.get_float("gamut_low"),
                             p.get_float("gamut_high"))) {
        levels_.severity = severity;
        rgb_.severity = parse_severity(p.get_string("gamut_severity"));
    }

    void observe(const Observation& o, std::vector<QcEvent>& events) override {
        const bool luma = o.luma_out_fraction > tolerance_;
        const bool chroma = o.chroma_out_fraction > tolerance_;
        const bool nonfinite = o.nonfinite > 0;
        track(levels_, o.index, {luma, chroma, nonfinite},
              std::max(o.luma_out_fraction, o.chroma_out_fraction), events);
        if (rgb_.severity != Severity::Off)
            track(rgb_, o.index, {o.gamut_out_fraction > tolerance_, false, false},
                  o.gamut_out_fraction, events);
        nonfinite_ += o.nonfinite;
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        if (auto run = levels_.tracker.flush()) report(levels_, *run, events);
        if (auto run = rgb_.tracker.flush()) report(rgb_, *run, events);
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("illegal_level_frames", static_cast<double>(levels_.frames));
        out.emplace_back("gamut_frames", static_cast<double>(rgb_.frames));
        out.emplace_back("nonfinite_samples", static_cast<double>(nonfinite_));
    }

  private:
    // Levels (luma, chroma, NaN/Inf) and RGB gamut are tracked apart: R103 treats gamut as a
    // preference, so a profile can make it a warning while levels fail.
    struct Runs {
        Severity severity = Severity::Error;
        RunTracker tracker;
        std::array<bool, 3> what{};
        double worst = 0;
        std::int64_t frames = 0;
    };

    void track(Runs& r, std::int64_t index, std::array<bool, 3> what, double fraction,
               std::vector<QcEvent>& events) const {
        const bool bad = what[0] || what[1] || what[2];
        if (auto run = r.tracker.update(index, bad)) report(r, *run, events);
        if (!bad) return;
        if (r.tracker.start() == index) {
            r.what = {};
            r.worst = 0;
        }
        for (std::size_t i = 0; i < 3; ++i) r.what[i] = r.what[i] || what[i];
        r.worst = std::max(r.worst, fraction);
        ++r.frames;
    }

    void report(const Runs& r, std::pair<std::int64_t, std::int64_t> run,
                std::vector<QcEvent>& events) const {
        if (run.second - run.first + 1 < min_frames_) return;
        std::string kinds;
        const auto add = [&](bool on, const std::string& k) {
            if (on) kinds += (kinds.empty() ? "" : ", ") + k;
        };
        if (&r == &rgb_) {
            add(r.what[0], gamut_);
        } else {
            add(r.what[0], luma_);
            add(r.what[1], "chroma outside the legal range");
            add(r.what[2], "NaN/Inf samples");
        }
        events.push_back({"illegal_levels", r.severity, run.first, run.second, 100 * r.worst,
                          fmt::format("{}: up to {:.1f}% of the pixels (tolerance {:g}%)", kinds,
                                      100 * r.worst, 100 * tolerance_)});
    }

    double tolerance_;
    std::int64_t min_frames_;
    std::string luma_;
    std::string gamut_;
    Runs levels_;
    Runs rgb_;
    std::int64_t nonfinite_ = 0;
};

}  // namespace

CheckInfo illegal_levels_check() {
    CheckInfo c;
    c.name = "illegal_levels";
    c.help = "Luma/chroma/RGB outside the legal range (EBU R103), NaN/Inf in float pictures";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("luma_low", -1, -100, 100, "Lowest legal luma, % (0 = legal black)"),
        float_param("luma_high", 103, 0, 200, "Highest legal luma, % (100 = legal white)"),
        float_param("chroma_low", -5, -100, 100, "Lowest legal chroma, % of 16..240 (8-bit)"),
        float_param("chroma_high", 105, 0, 200, "Highest legal chroma, % of 16..240 (8-bit)"),
        float_param("gamut_low", -5, -100, 100, "Lowest legal R, G, B, %"),
        float_param("gamut_high", 105, 0, 200, "Highest legal R, G, B, %"),
        float_param("tolerance", 1, 0, 100, "% of a picture's pixels allowed outside"),
        severity_param(Severity::Warning, "gamut_severity"),
        float_param("min_duration", 0, 0, 3600, "Shortest run reported, seconds (0: one frame)"),
    };
    c.params[7].help = "Severity of RGB gamut excursions (R103 calls them a preference)";
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig& m) {
        m.levels = true;
        m.luma_low = p.get_float("luma_low") / 100;
        m.luma_high = p.get_float("luma_high") / 100;
        m.chroma_low = p.get_float("chroma_low") / 100;
        m.chroma_high = p.get_float("chroma_high") / 100;
        m.gamut_low = p.get_float("gamut_low") / 100;
        m.gamut_high = p.get_float("gamut_high") / 100;
        return std::make_unique<IllegalLevelsCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
