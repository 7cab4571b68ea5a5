// `audio_layout`: the audio streams against what the delivery expects: how many streams, how
// many channels each, which layout and sample rate (0 or empty: anything goes). A 44.1 kHz
// stream or a mono track in a stereo delivery is found before the file goes out, not by the
// playout server.

#include <fmt/format.h>

#include "qc/qc_check.h"

namespace cinepipe::qc {

namespace {

class AudioLayoutCheck final : public AudioCheck {
  public:
    AudioLayoutCheck(const ParamSet& p, Severity severity, const ClipFacts& clip)
        : severity_(severity),
          streams_(p.get_int("expected_streams")),
          channels_(p.get_int("expected_channels")),
          rate_(p.get_int("expected_sample_rate")),
          layout_(p.get_string("expected_layout")),
          clip_(clip) {}

    void observe_audio(const AudioBlock&, std::vector<QcEvent>&) override {}

    // On the streams the reader delivers (a stream it could not decode is a reader warning).
    void finish(std::int64_t frames, std::vector<QcEvent>& events) override {
        if (!clip_.source) return;
        const auto& audio = clip_.source->audio;
        const std::int64_t last = std::max<std::int64_t>(frames - 1, 0);
        auto report = [&](double value, std::string message) {
            events.push_back({"audio_layout", severity_, 0, last, value, std::move(message)});
        };
        // A rate alone says what sound must be like, not that there must be some (a picture-only
        // deliverable passes a 48 kHz rule).
        const bool expects_audio = streams_ > 0 || channels_ > 0 || !layout_.empty();
        if (audio.empty()) {
            if (expects_audio) report(0, "no audio stream");
            return;
        }
        if (streams_ > 0 && static_cast<std::int64_t>(audio.size()) != streams_)
            report(static_cast<double>(audio.size()),
                   fmt::format("{} audio stream{}, expected {}", audio.size(),
                               audio.size() == 1 ? "" : "s", streams_));
        for (std::size_t i = 0; i < audio.size(); ++i) {
            const AudioStreamInfo& a = audio[i];
            const std::string which =
                audio.size() > 1 ? fmt::format("audio stream {}", i + 1) : "the audio stream";
            if (channels_ > 0 && a.channels != channels_)
                report(a.channels,
                       fmt::format("{} has {} channel{} ({}), expected {}", which, a.channels,
                                   a.channels == 1 ? "" : "s", a.channel_layout, channels_));
            if (!layout_.empty() && a.channel_layout != layout_)
                report(a.channels, fmt::format("{} has the channel layout '{}', expected '{}'",
                                               which, a.channel_layout, layout_));
            if (rate_ > 0 && a.sample_rate != rate_)
                report(a.sample_rate, fmt::format("{} is sampled at {} Hz, expected {} Hz", which,
                                                  a.sample_rate, rate_));
        }
    }

  private:
    Severity severity_;
    std::int64_t streams_;
    std::int64_t channels_;
    std::int64_t rate_;
    std::string layout_;
    const ClipFacts& clip_;
};

}  // namespace

CheckInfo audio_layout_check() {
    CheckInfo c;
    c.name = "audio_layout";
    c.help =
        "Audio streams, channels per stream, channel layout and sample rate against the "
        "expected ones (0 or empty: any)";
    c.default_severity = Severity::Error;
    c.params = {
        int_param("expected_streams", 0, 0, 64, "Number of audio streams (0: any)"),
        int_param("expected_channels", 0, 0, 64, "Channels in each audio stream (0: any)"),
        string_param("expected_layout", std::string(),
                     "Channel layout of each stream as FFmpeg names it, e.g. stereo, 5.1 "
                     "(empty: any)"),
        int_param("expected_sample_rate", 0, 0, 768000, "Sample rate, Hz (0: any)"),
    };
    c.create = [](const ParamSet& p, Severity s, const ClipFacts& clip, MeasureConfig&) {
        return std::make_unique<AudioLayoutCheck>(p, s, clip);
    };
    return c;
}

}  // namespace cinepipe::qc
