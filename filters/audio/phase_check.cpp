// `phase`: stereo whose two sides are out of phase (one inverted, a miswired pair): the
// correlation of the first two channels of a stream, over a `window` centred on each frame,
// below `threshold` for at least `min_duration`. A mono downmix of such sound cancels. Windows
// where either side is quieter than `min_level` are not judged: the correlation of near
// silence means nothing.

#include <fmt/format.h>

#include <cmath>
#include <deque>
#include <optional>

#include "channels.h"
#include "qc/qc_check.h"

namespace cinepipe::qc {

namespace {

class PhaseCheck final : public AudioCheck {
  public:
    PhaseCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          threshold_(p.get_float("threshold")),
          min_power_(std::pow(10.0, p.get_float("min_level") / 10.0)),
          half_(clip.frames_for(p.get_float("window")) / 2),
          min_frames_(clip.frames_for(p.get_float("min_duration"))),
          clip_(clip) {}

    void observe_audio(const AudioBlock& block, std::vector<QcEvent>& events) override {
        const AudioBuffer& a = block.audio;
        if (a.channels < 2) return;
        if (streams_.size() <= static_cast<std::size_t>(block.stream))
            streams_.resize(static_cast<std::size_t>(block.stream) + 1);
        Stream& s = streams_[static_cast<std::size_t>(block.stream)];
        block.for_each_frame([&](std::int64_t frame, std::int64_t begin, std::int64_t end) {
            if (s.frames.empty() || s.frames.back().frame != frame) {
                // Every frame before this one is complete now.
                const auto complete = s.dropped + static_cast<std::int64_t>(s.frames.size());
                while (s.next + half_ < complete) judge(block.stream, s, complete, events);
                s.frames.push_back({frame});
            }
            Sums& sums = s.frames.back();
            for (std::int64_t i = begin; i < end; ++i) {
                const double l = a.samples[static_cast<std::size_t>(i * a.channels)];
                const double r = a.samples[static_cast<std::size_t>(i * a.channels + 1)];
                sums.lr += l * r;
                sums.ll += l * l;
                sums.rr += r * r;
                ++sums.n;
            }
        });
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        for (std::size_t st = 0; st < streams_.size(); ++st) {
            Stream& s = streams_[st];
            // The last frames are judged on the part of their window that exists.
            const auto complete = s.dropped + static_cast<std::int64_t>(s.frames.size());
            while (s.next < complete) judge(static_cast<int>(st), s, complete, events);
            if (s.run_first >= 0) end_run(static_cast<int>(st), s, complete, events);
        }
    }

    void measurements(std::vector<std::pair<std::string, double>>& out) const override {
        if (lowest_) out.emplace_back("phase_correlation_min", *lowest_);
    }

  private:
    struct Sums {
        std::int64_t frame = 0;
        double lr = 0, ll = 0, rr = 0;
        std::int64_t n = 0;
        Sums& operator+=(const Sums& o) {
            lr += o.lr, ll += o.ll, rr += o.rr, n += o.n;
            return *this;
        }
    };
    struct Stream {
        std::deque<Sums> frames;      // what the windows still need, in order
        std::int64_t dropped = 0;     // entries removed from the front of `frames` so far
        std::int64_t next = 0;        // entry (counted from the first ever) to judge next
        std::int64_t run_first = -1;  // frames of the open out-of-phase run; -1: none
        std::int64_t run_last = -1;
        std::int64_t reported_last = -1;  // last frame of the last event
        double run_lowest = 1;
    };

    // The correlation of `w` when both sides are loud enough to judge.
    [[nodiscard]] std::optional<double> correlation(const Sums& w) const {
        if (w.n == 0 || w.ll / w.n < min_power_ || w.rr / w.n < min_power_) return std::nullopt;
        return w.lr / std::sqrt(w.ll * w.rr);
    }
    [[nodiscard]] bool out_of_phase_alone(const Sums& f) const {
        const auto r = correlation(f);
        return r && *r < threshold_;
    }

    // Judges entry `s.next` on the window of `half_` entries either side (of the `complete`
    // ones), then forgets what no later window reaches.
    void judge(int stream, Stream& s, std::int64_t complete, std::vector<QcEvent>& events) {
        const std::int64_t at = s.next - s.dropped;
        const std::int64_t last = complete - s.dropped - 1;
        Sums w;
        for (std::int64_t i = std::max<std::int64_t>(0, at - half_);
             i <= std::min(last, at + half_); ++i)
            w += s.frames[static_cast<std::size_t>(i)];
        const std::int64_t frame = s.frames[static_cast<std::size_t>(at)].frame;
        const auto r = correlation(w);
        if (r) lowest_ = std::min(lowest_.value_or(*r), *r);
        const bool out = r && *r < threshold_;
        if (out && frame > s.reported_last) {
            if (s.run_first < 0 || frame != s.run_last + 1) {
                if (s.run_first >= 0) end_run(stream, s, complete, events);
                start_run(s, at, frame);
            }
            s.run_last = frame;
            s.run_lowest = std::min(s.run_lowest, *r);
        } else if (!out && s.run_first >= 0) {
            end_run(stream, s, complete, events);
        }
        ++s.next;
        while (s.next - s.dropped > half_) {
            s.frames.pop_front();
            ++s.dropped;
        }
    }

    // A centred window turns negative only once most of it is out of phase, some frames after
    // the fault starts: the run reaches back over the frames that are out of phase on their
    // own (they are still held), so the event starts where the fault does.
    void start_run(Stream& s, std::int64_t at, std::int64_t frame) {
        s.run_first = frame;
        s.run_lowest = 1;
        for (std::int64_t i = at - 1; i >= 0; --i) {
            const Sums& f = s.frames[static_cast<std::size_t>(i)];
            if (f.frame != s.run_first - 1 || f.frame <= s.reported_last || !out_of_phase_alone(f))
                break;
            s.run_first = f.frame;
        }
    }

    // The same forward at the end, over the frames already read.
    void end_run(int stream, Stream& s, std::int64_t complete, std::vector<QcEvent>& events) {
        for (std::int64_t i = s.next - s.dropped; i < complete - s.dropped; ++i) {
            const Sums& f = s.frames[static_cast<std::size_t>(i)];
            if (f.frame <= s.run_last) continue;
            if (f.frame != s.run_last + 1 || !out_of_phase_alone(f)) break;
            s.run_last = f.frame;
        }
        const std::int64_t length = s.run_last - s.run_first + 1;
        if (length >= min_frames_) {
            events.push_back({"phase", severity_, s.run_first, s.run_last, s.run_lowest,
                              fmt::format("{} out of phase for {:.1f} s (correlation down to "
                                          "{:.2f}, below {:.2f})",
                                          describe_channels(clip_, stream, {0, 1}),
                                          static_cast<double>(length) / clip_.fps.to_double(),
                                          s.run_lowest, threshold_)});
            s.reported_last = s.run_last;
        }
        s.run_first = s.run_last = -1;
    }

    Severity severity_;
    double threshold_;
    double min_power_;  // mean square
    std::int64_t half_;
    std::int64_t min_frames_;
    const ClipFacts& clip_;
    std::vector<Stream> streams_;
    std::optional<double> lowest_;
};

}  // namespace

CheckInfo phase_check() {
    CheckInfo c;
    c.name = "phase";
    c.help =
        "Out-of-phase stereo: correlation of the first two channels over `window` below "
        "`threshold` for at least `min_duration`";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("threshold", -0.3, -1, 1, "Correlation below which the pair is out of phase"),
        float_param("window", 1.0, 0.1, 10, "Correlation window around each frame, seconds"),
        float_param("min_duration", 1.0, 0.04, 86400, "Shortest out-of-phase stretch, seconds"),
        float_param("min_level", -50, -150, 0,
                    "Both channels must be at least this loud (RMS, dBFS) to be judged"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<PhaseCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
