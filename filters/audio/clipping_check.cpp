// `clipping`: runs of at least `min_samples` consecutive samples at or beyond `level` of full
// scale on one channel, the signature of a signal cut flat at the converter or in a mix (one
// full-scale sample can be a legitimate peak; three in a row are not). Clips less than half a
// second apart on a channel are one event, with the number of clipped runs as its value.

#include <fmt/format.h>

#include <cmath>

#include "channel_findings.h"
#include "channels.h"
#include "qc/qc_check.h"

namespace cinepipe::qc {

namespace {

class ClippingCheck final : public AudioCheck {
  public:
    ClippingCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          level_(static_cast<float>(p.get_float("level"))),
          min_samples_(p.get_int("min_samples")),
          merge_frames_(clip.frames_for(0.5)),
          clip_(clip) {}

    void observe_audio(const AudioBlock& block, std::vector<QcEvent>&) override {
        const AudioBuffer& a = block.audio;
        if (streams_.size() <= static_cast<std::size_t>(block.stream))
            streams_.resize(static_cast<std::size_t>(block.stream) + 1);
        Stream& s = streams_[static_cast<std::size_t>(block.stream)];
        if (s.runs.empty()) {
            s.runs.resize(static_cast<std::size_t>(a.channels));
            s.open.resize(static_cast<std::size_t>(a.channels), -1);
            s.sample_rate = a.sample_rate;
        }
        block.for_each_frame([&](std::int64_t frame, std::int64_t begin, std::int64_t end) {
            for (int c = 0; c < a.channels; ++c) {
                Run& run = s.runs[static_cast<std::size_t>(c)];
                const float* x = a.samples.data() + c;
                for (std::int64_t i = begin; i < end; ++i) {
                    if (std::abs(x[i * a.channels]) >= level_) {
                        if (run.length++ == 0) {
                            run.start = a.pts + i;
                            run.frame = frame;
                        }
                    } else if (run.length > 0) {
                        close(block.stream, c);
                    }
                }
            }
        });
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        for (std::size_t st = 0; st < streams_.size(); ++st)
            for (std::size_t c = 0; c < streams_[st].runs.size(); ++c)
                if (streams_[st].runs[c].length > 0)
                    close(static_cast<int>(st), static_cast<int>(c));
        for (const auto& group : group_across_channels(std::move(findings_))) {
            const ChannelFinding& f = group.front();
            const int rate = streams_[static_cast<std::size_t>(f.stream)].sample_rate;
            double runs = 0;
            double longest = 0;
            for (const auto& g : group) {
                runs += g.count;
                longest = std::max(longest, g.level);
            }
            events.push_back(
                {"clipping", severity_, f.first_frame, f.last_frame, runs,
                 fmt::format("{}: {} run{} of clipped samples from {} (longest {} samples at or "
                             "beyond {:.3f} of full scale)",
                             describe_channels(clip_, f.stream, channels_of(group)), runs,
                             runs == 1 ? "" : "s", seconds_label(f.first_sample, rate), longest,
                             level_)});
        }
        findings_.clear();
    }

  private:
    struct Run {
        std::int64_t length = 0;  // consecutive clipped samples so far
        std::int64_t start = 0;   // sample position of the first
        std::int64_t frame = 0;   // the frame it plays with
    };
    struct Stream {
        std::vector<Run> runs;             // per channel
        std::vector<std::ptrdiff_t> open;  // per channel: index in findings_ still growing, or -1
        int sample_rate = 0;
    };

    // The channel's run of clipped samples has ended: count it if long enough, in the channel's
    // current finding when that is recent, else in a new one.
    void close(int stream, int channel) {
        Stream& s = streams_[static_cast<std::size_t>(stream)];
        Run& run = s.runs[static_cast<std::size_t>(channel)];
        if (run.length >= min_samples_) {
            std::ptrdiff_t& open = s.open[static_cast<std::size_t>(channel)];
            if (open >= 0 &&
                run.frame - findings_[static_cast<std::size_t>(open)].last_frame <= merge_frames_) {
                ChannelFinding& f = findings_[static_cast<std::size_t>(open)];
                f.last_frame = run.frame;
                f.end_sample = run.start + run.length;
                f.count += 1;
                f.level = std::max(f.level, static_cast<double>(run.length));
            } else {
                open = static_cast<std::ptrdiff_t>(findings_.size());
                findings_.push_back({stream, channel, run.frame, run.frame, run.start,
                                     run.start + run.length, 1, static_cast<double>(run.length)});
            }
        }
        run.length = 0;
    }

    Severity severity_;
    float level_;
    std::int64_t min_samples_;
    std::int64_t merge_frames_;
    const ClipFacts& clip_;
    std::vector<Stream> streams_;
    std::vector<ChannelFinding> findings_;
};

}  // namespace

CheckInfo clipping_check() {
    CheckInfo c;
    c.name = "clipping";
    c.help =
        "Runs of at least `min_samples` consecutive samples at or beyond `level` of full "
        "scale, per channel";
    c.default_severity = Severity::Error;
    c.params = {
        float_param("level", 0.999, 0.5, 2, "A sample this close to full scale (1.0) is clipped"),
        int_param("min_samples", 3, 1, 1000, "Consecutive clipped samples that make a clip"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<ClippingCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
