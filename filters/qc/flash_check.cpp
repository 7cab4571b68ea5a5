// `flash`: single-frame flashes, and photosensitive flashing after ITU-R BT.1702 and Ofcom's
// guidance. Luminance is the display's (BT.1886 gamma 2.4 on a 200 cd/m2 display); a
// transition is a change of at least 20 cd/m2, where the darker state is below 160 cd/m2, over
// at least a quarter of the screen (counted on the 16x9 block grid); a flash is a pair of
// opposing transitions; more than three flashes in any one second fail. Saturated red (R over
// 80% of R+G+B) changing by 20 in (R-G-B) x 320 counts the same way. Transitions are frame to
// frame: a flash spread over several frames' slow ramp is not counted (docs/qc.md).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>

#include "qc_check.h"

namespace cinepipe::qc {

namespace {

struct Transition {
    std::int64_t frame = 0;
    int direction = 0;  // +1 brighter, -1 darker
};

// Flashes of one kind (luminance or red): opposing transitions paired as they come.
class FlashCounter {
  public:
    // Returns true when this transition completed a flash.
    bool add(Transition t) {
        const bool flash = last_.direction != 0 && t.direction != last_.direction;
        if (flash) {
            flashes_.push_back({last_.frame, t.frame});
            last_ = {};  // the pair is used: the next transition starts the next flash
        } else {
            last_ = t;
        }
        return flash;
    }
    // Flashes completed in the window (from, to], and the first and last frames they involve.
    int count(std::int64_t from, std::int64_t to, std::int64_t& first, std::int64_t& last) {
        while (!flashes_.empty() && flashes_.front().second <= from) flashes_.pop_front();
        int n = 0;
        first = to;
        last = from;
        for (const auto& f : flashes_)
            if (f.second <= to) {
                ++n;
                first = std::min(first, f.first);
                last = std::max(last, f.second);
            }
        return n;
    }

  private:
    Transition last_;
    std::deque<std::pair<std::int64_t, std::int64_t>> flashes_;
};

class FlashCheck final : public Check {
  public:
    FlashCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : single_(severity),
          pse_(parse_severity(p.get_string("pse_severity"))),
          threshold_(p.get_float("threshold") / 100),
          area_(p.get_float("area") / 100),
          pse_luminance_(p.get_float("pse_luminance")),
          pse_area_(p.get_float("pse_area") / 100),
          pse_max_(static_cast<int>(p.get_int("pse_max_flashes"))),
          peak_(p.get_float("display_peak")),
          window_(clip.frames_for(1.0)) {}

    void observe(const Observation& o, std::vector<QcEvent>& events) override {
        if (have_[1] && have_[0] && single_ != Severity::Off) single_flash(o, events);
        if (have_[0] && pse_ != Severity::Off) pse(o, events);
        flush_singles(o.index - 2 * window_, events);
        luma_[1] = luma_[0];
        have_[1] = have_[0];
        luma_[0] = o.block_luma;
        rgb_[0] = o.block_rgb;
        have_[0] = true;
        last_ = o.index;
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        close_pse(events);
        flush_singles(last_ + 1, events);
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        out.emplace_back("flashes_single", static_cast<double>(singles_));
        out.emplace_back("pse_max_flashes_per_second", static_cast<double>(pse_peak_all_));
    }

  private:
    // Frame i-1 brighter than both neighbours, which agree, over `area` of the screen.
    void single_flash(const Observation& o, std::vector<QcEvent>& events) {
        const auto& before = luma_[1];
        const auto& at = luma_[0];
        int blocks = 0;
        double jump = 0;
        for (std::size_t b = 0; b < kBlocks; ++b) {
            const double up = at[b] - before[b];
            const double down = at[b] - o.block_luma[b];
            if (up >= threshold_ && down >= threshold_ &&
                std::abs(o.block_luma[b] - before[b]) < threshold_ / 2) {
                ++blocks;
                jump += std::min(up, down);
            }
        }
        if (blocks < area_ * kBlocks) return;
        ++singles_;
        (void)events;
        pending_.push_back({"flash", single_, o.index - 1, o.index - 1, 100 * jump / blocks,
                          fmt::format("single-frame flash over {:.0f}% of the picture, {:.0f}% "
                                      "brighter than its neighbours",
                                      100.0 * blocks / kBlocks, 100 * jump / blocks)});
    }

    [[nodiscard]] double luminance(double v) const {
        return peak_ * std::pow(std::clamp(v, 0.0, 1.0), 2.4);
    }

    void pse(const Observation& o, std::vector<QcEvent>& events) {
        int up = 0, down = 0, red_up = 0, red_down = 0;
        for (std::size_t b = 0; b < kBlocks; ++b) {
            const double l0 = luminance(luma_[0][b]);
            const double l1 = luminance(o.block_luma[b]);
            if (std::abs(l1 - l0) >= pse_luminance_ && std::min(l0, l1) < 160) (l1 > l0 ? up : down)++;
            const auto red = [&](const std::array<float, 3>& c, bool& saturated) {
                const double r = luminance(c[0]) / peak_;
                const double g = luminance(c[1]) / peak_;
                const double bl = luminance(c[2]) / peak_;
                saturated = r + g + bl > 0 && r / (r + g + bl) >= 0.8;
                return std::max(0.0, r - g - bl) * 320;
            };
            bool s0 = false, s1 = false;
            const double r0 = red(rgb_[0][b], s0);
            const double r1 = red(o.block_rgb[b], s1);
            if ((s0 || s1) && std::abs(r1 - r0) >= pse_luminance_) (r1 > r0 ? red_up : red_down)++;
        }
        const double need = pse_area_ * kBlocks;
        if (up >= need || down >= need) luminance_.add({o.index, up >= down ? 1 : -1});
        if (red_up >= need || red_down >= need) red_.add({o.index, red_up >= red_down ? 1 : -1});
        std::int64_t first_l = 0, first_r = 0, last_l = 0, last_r = 0;
        const int nl = luminance_.count(o.index - window_, o.index, first_l, last_l);
        const int nr = red_.count(o.index - window_, o.index, first_r, last_r);
        const int n = std::max(nl, nr);
        pse_peak_all_ = std::max(pse_peak_all_, n);
        if (n > pse_max_) {
            const std::int64_t first = nl >= nr ? first_l : first_r;
            if (pse_start_ < 0) {
                pse_start_ = first;
                pse_red_ = nr > nl;
            }
            // The run ends with the last flash, not when the window has slid past it.
            pse_end_ = std::max(pse_end_, nl >= nr ? last_l : last_r);
            pse_last_failing_ = o.index;
            pse_peak_ = std::max(pse_peak_, n);
        } else if (pse_start_ >= 0 && o.index - pse_last_failing_ >= window_) {
            close_pse(events);
        }
    }

    // Single flashes wait until no photosensitive run can still cover them: the flashes of a
    // strobe are reported once, as the run.
    void flush_singles(std::int64_t before, std::vector<QcEvent>& events) {
        while (!pending_.empty() && pending_.front().start_frame < before &&
               (pse_start_ < 0 || pending_.front().start_frame < pse_start_)) {
            events.push_back(pending_.front());
            pending_.pop_front();
        }
    }

    void close_pse(std::vector<QcEvent>& events) {
        if (pse_start_ < 0) return;
        std::erase_if(pending_, [&](const QcEvent& e) {
            return e.start_frame >= pse_start_ && e.start_frame <= pse_end_;
        });
        events.push_back({"flash", pse_, pse_start_, pse_end_, static_cast<double>(pse_peak_),
                          fmt::format("photosensitive flashing: {} {}flashes in one second "
                                      "(more than {} fail BT.1702/Ofcom)",
                                      pse_peak_, pse_red_ ? "saturated red " : "", pse_max_)});
        pse_start_ = -1;
        pse_end_ = -1;
        pse_peak_ = 0;
    }

    Severity single_;
    Severity pse_;
    double threshold_;
    double area_;
    double pse_luminance_;
    double pse_area_;
    int pse_max_;
    double peak_;
    std::int64_t window_;
    std::array<std::array<float, kBlocks>, 2> luma_{};
    std::array<std::array<std::array<float, 3>, kBlocks>, 1> rgb_{};
    std::array<bool, 2> have_{};
    std::int64_t last_ = -1;
    FlashCounter luminance_;
    FlashCounter red_;
    std::int64_t pse_start_ = -1;
    std::int64_t pse_end_ = -1;
    std::int64_t pse_last_failing_ = -1;
    int pse_peak_ = 0;
    int pse_peak_all_ = 0;
    bool pse_red_ = false;
    std::int64_t singles_ = 0;
    std::deque<QcEvent> pending_;
};

}  // namespace

CheckInfo flash_check() {
    CheckInfo c;
    c.name = "flash";
    c.help = "Single-frame flashes, and photosensitive flashing (BT.1702 / Ofcom)";
    c.default_severity = Severity::Warning;
    c.params = {
        float_param("threshold", 20, 0, 100,
                    "Single flash: how much brighter than both neighbours, % of the range"),
        float_param("area", 25, 0, 100, "Single flash: % of the picture that flashes"),
        severity_param(Severity::Error, "pse_severity"),
        float_param("pse_luminance", 20, 0, 1000, "Photosensitive: transition size, cd/m2"),
        float_param("pse_area", 25, 0, 100, "Photosensitive: % of the screen that must change"),
        int_param("pse_max_flashes", 3, 0, 100, "Photosensitive: flashes allowed in one second"),
        float_param("display_peak", 200, 1, 10000, "Display white for the luminance, cd/m2"),
    };
    c.params[2].help = "Severity of photosensitive flashing (off: not checked)";
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<FlashCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
