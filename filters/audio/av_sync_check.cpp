// `av_sync`: lip-sync from a beep/flash or 2-pop in the head of the clip, measured in the QC
// pass itself (the picture's block grid is already there; the sound is kept for the search
// window only), judged against EBU R37's window.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cinepipe/av_sync.h"
#include "qc/qc_check.h"

namespace cinepipe::qc {

namespace {

class AvSyncCheck final : public Check {
  public:
    AvSyncCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          early_ms_(p.get_float("early_ms")),
          late_ms_(p.get_float("late_ms")),
          search_(p.get_float("search")),
          min_confidence_(p.get_float("min_confidence")),
          fps_(clip.fps.to_double()) {}

    void observe(const Observation& o, std::vector<QcEvent>&) override {
        const double start = static_cast<double>(o.index) / fps_;
        if (start > search_) return;
        SyncPicture pic;
        for (std::size_t b = 0; b < pic.grid.size(); ++b) pic.grid[b] = o.block_luma[b];
        pic.luma = static_cast<float>(o.norm_avg);
        pic.start = start;
        pictures_.push_back(pic);
    }

    // The first stream's loudest channel, sample by sample, for the search window only.
    void observe_audio(const AudioBlock& block, std::vector<QcEvent>&) override {
        if (block.stream != 0) return;
        const AudioBuffer& a = block.audio;
        if (a.channels == 0) return;
        rate_ = a.sample_rate;
        add_loudest_channel(a, static_cast<std::size_t>(search_ * rate_), mono_);
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        if (pictures_.size() < 3 || rate_ == 0) return;
        result_ = find_sync_pattern(pictures_, mono_, rate_, 1.0 / fps_, search_);
        pictures_.clear();
        mono_.clear();
        if (!result_.found || result_.confidence < min_confidence_) return;
        const double off = result_.av_offset_ms;
        if (off < -early_ms_ || off > late_ms_)
            events.push_back({"av_sync", severity_, result_.video_frame, result_.video_frame, off,
                              fmt::format("{} at frame {}: audio {} by {:.1f} ms (EBU R37 allows "
                                          "{:g} ms early, {:g} ms late)",
                                          result_.pattern, result_.video_frame,
                                          off > 0 ? "late" : "early", std::abs(off), early_ms_,
                                          late_ms_)});
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        if (!result_.found || result_.confidence < min_confidence_) return;
        out.emplace_back("av_offset_ms", result_.av_offset_ms);
        out.emplace_back("av_sync_confidence", result_.confidence);
        out.emplace_back("av_sync_frame", static_cast<double>(result_.video_frame));
    }

  private:
    Severity severity_;
    double early_ms_;
    double late_ms_;
    double search_;
    double min_confidence_;
    double fps_;
    int rate_ = 0;
    std::vector<SyncPicture> pictures_;
    std::vector<float> mono_;
    AvSyncResult result_;
};

}  // namespace

CheckInfo av_sync_check() {
    CheckInfo c;
    c.name = "av_sync";
    c.help = "Lip-sync from a beep/flash or 2-pop in the clip's head, against EBU R37";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("early_ms", 40, 0, 10000, "Audio may lead the picture by this much, ms"),
        float_param("late_ms", 60, 0, 10000, "Audio may lag the picture by this much, ms"),
        float_param("search", 120, 1, 86400, "Seconds of the clip's head searched for the pattern"),
        float_param("min_confidence", 0.5, 0, 1, "Below this a found pattern is not judged"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<AvSyncCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
