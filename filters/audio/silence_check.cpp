// `silence`: digital or near silence on one channel (every sample below `threshold` dBFS, as
// FFmpeg's silencedetect judges it) for at least `min_duration`, per channel of every audio
// stream. A dead channel beside a live one is the usual fault; the same stretch on several
// channels of a stream is one event naming them.

#include <fmt/format.h>

#include <cmath>

#include "channel_findings.h"
#include "channels.h"
#include "qc/qc_check.h"

namespace cinepipe::qc {

namespace {

class SilenceCheck final : public AudioCheck {
  public:
    SilenceCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          threshold_db_(p.get_float("threshold")),
          level_(std::pow(10.0, threshold_db_ / 20.0)),
          min_duration_(p.get_float("min_duration")),
          clip_(clip) {}

    void observe_audio(const AudioBlock& block, std::vector<QcEvent>&) override {
        const AudioBuffer& a = block.audio;
        if (streams_.size() <= static_cast<std::size_t>(block.stream))
            streams_.resize(static_cast<std::size_t>(block.stream) + 1);
        Stream& s = streams_[static_cast<std::size_t>(block.stream)];
        if (s.runs.empty()) {
            s.runs.resize(static_cast<std::size_t>(a.channels));
            s.sample_rate = a.sample_rate;
            s.min_samples = std::max<std::int64_t>(
                1, std::llround(min_duration_ * static_cast<double>(a.sample_rate)));
        }
        const auto level = static_cast<float>(level_);
        block.for_each_frame([&](std::int64_t frame, std::int64_t begin, std::int64_t end) {
            for (int c = 0; c < a.channels; ++c) {
                Run& run = s.runs[static_cast<std::size_t>(c)];
                const float* x = a.samples.data() + c;
                for (std::int64_t i = begin; i < end; ++i) {
                    const float v = std::abs(x[i * a.channels]);
                    if (v < level) {
                        if (run.start < 0) {
                            run.start = a.pts + i;
                            run.first_frame = frame;
                            run.peak = 0;
                        }
                        run.peak = std::max(run.peak, v);
                        run.last_frame = frame;
                    } else if (run.start >= 0) {
                        close(block.stream, c, a.pts + i);
                    }
                }
            }
        });
        s.end = a.pts + a.frames();
    }

    void finish(std::int64_t, std::vector<QcEvent>& events) override {
        for (std::size_t st = 0; st < streams_.size(); ++st)
            for (std::size_t c = 0; c < streams_[st].runs.size(); ++c)
                if (streams_[st].runs[c].start >= 0)
                    close(static_cast<int>(st), static_cast<int>(c), streams_[st].end);
        for (const auto& group : group_across_channels(std::move(findings_))) {
            const ChannelFinding& f = group.front();
            const int rate = streams_[static_cast<std::size_t>(f.stream)].sample_rate;
            double seconds = 0;
            double peak = 0;
            for (const auto& g : group) {
                seconds =
                    std::max(seconds, static_cast<double>(g.end_sample - g.first_sample) / rate);
                peak = std::max(peak, g.level);
            }
            const std::string level =
                peak == 0 ? "digital silence"
                          : fmt::format("below {:.0f} dBFS, loudest sample {:.1f} dBFS",
                                        threshold_db_, 20 * std::log10(peak));
            events.push_back({"silence", severity_, f.first_frame, f.last_frame, seconds,
                              fmt::format("{} silent for {:.2f} s from {} ({})",
                                          describe_channels(clip_, f.stream, channels_of(group)),
                                          seconds, seconds_label(f.first_sample, rate), level)});
        }
        findings_.clear();
    }

  private:
    struct Run {
        std::int64_t start = -1;  // sample position; -1: not silent
        std::int64_t first_frame = 0;
        std::int64_t last_frame = 0;
        float peak = 0;
    };
    struct Stream {
        std::vector<Run> runs;  // per channel
        int sample_rate = 0;
        std::int64_t min_samples = 1;
        std::int64_t end = 0;  // sample position after the last block
    };

    // The silent run of a channel ends before sample position `end`.
    void close(int stream, int channel, std::int64_t end) {
        Stream& s = streams_[static_cast<std::size_t>(stream)];
        Run& run = s.runs[static_cast<std::size_t>(channel)];
        if (end - run.start >= s.min_samples)
            findings_.push_back({stream, channel, run.first_frame, run.last_frame, run.start, end,
                                 0, static_cast<double>(run.peak)});
        run.start = -1;
    }

    Severity severity_;
    double threshold_db_;
    double level_;
    double min_duration_;
    const ClipFacts& clip_;
    std::vector<Stream> streams_;
    std::vector<ChannelFinding> findings_;
};

}  // namespace

CheckInfo silence_check() {
    CheckInfo c;
    c.name = "silence";
    c.help =
        "Digital or near silence (every sample below `threshold` dBFS) on a channel for at "
        "least `min_duration`, per channel";
    c.default_severity = Severity::Warning;
    c.params = {
        float_param("threshold", -60, -150, 0, "A sample below this level is silent, dBFS"),
        float_param("min_duration", 2.0, 0.01, 86400, "Shortest silence reported, seconds"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<SilenceCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
