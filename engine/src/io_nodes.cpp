// The graph's own node types: `source` (opened by the graph itself), `writer` (a movie or an
// image sequence through MediaWriter) and `discard` (decode and filter, write nothing; not
// `null`, which YAML reads as no value).

#include <fmt/format.h>

#include <limits>

#include "cinepipe/error.h"
#include "cinepipe/filter_registry.h"
#include "cinepipe/frame_converter.h"
#include "cinepipe/media_writer.h"
#include "cinepipe/transcode.h"

namespace cinepipe {

namespace {

std::vector<std::string> speed_choices() {
    std::vector<std::string> choices{"default"};
    for (const auto& s : encoder_speeds()) choices.push_back(s);
    return choices;
}

class WriterNode final : public Node {
  public:
    WriterNode(const ParamSet& params, NodeContext ctx) : params_(params), ctx_(std::move(ctx)) {}

    std::vector<PixelFormat> accepted_formats(const StreamDesc& in) override {
        WriterConfig cfg = writer_config_for(*ctx_.source, params_.get_string("path"));
        // The picture is what arrives here (maybe scaled, cropped, relabelled); timecode, reel
        // and audio layout are the source's.
        cfg.width = in.width;
        cfg.height = in.height;
        cfg.frame_rate = in.frame_rate;
        cfg.sample_aspect = in.sample_aspect;
        cfg.tags = in.tags;
        cfg.field_order = in.field_order;
        // Float RGB arriving from colour work is a working format, not a delivery choice: a
        // lossless master (FFV1) goes back to the camera original's YUV sampling and depth.
        // YUV arriving here was chosen by the graph (a `format` node) and is kept.
        const auto& src = ctx_.source->video;
        cfg.source_format = info(in.format).family == ColorFamily::Rgb && src &&
                                    info(src->working_format).family == ColorFamily::Yuv
                                ? src->working_format
                                : in.format;
        // The tags of the frames the encoder will get: RGB turned back into YUV gets the
        // matrix and range the conversion gives it.
        cfg.tags = converted_tags(in.tags, in.format, *cfg.source_format);
        cfg.has_alpha = info(in.format).has_alpha;
        if (const std::string& codec = params_.get_string("codec"); codec != "auto")
            cfg.video_codec = codec;
        if (const std::string& audio = params_.get_string("audio"); audio != "auto")
            cfg.audio_codec = *audio_codec_from_string(audio);
        if (const auto mix = params_.get_int("audio_channels"); mix > 0)
            for (auto& a : cfg.audio) a.mix_to = static_cast<int>(mix);
        cfg.fast_start = params_.get_bool("fast_start");
        if (const std::string& speed = params_.get_string("speed"); speed != "default")
            cfg.speed = speed;
        cfg.crf = static_cast<int>(params_.get_int("crf"));
        cfg.threads = ctx_.threads;
        cfg.overwrite = ctx_.overwrite || params_.get_bool("overwrite");
        writer_ = MediaWriter::create(cfg);
        return {writer_->input_format()};
    }

    StreamDesc configure(const StreamDesc& in) override {
        if (!writer_ || in.format != writer_->input_format())
            throw std::logic_error("writer configured without its negotiated format");
        return in;
    }

    void consume(const MediaUnit& unit) override { writer_->write(unit); }
    void finish() override { writer_->close(); }
    void commit() override { writer_->commit(); }
    [[nodiscard]] std::vector<std::string> outputs() const override {
        // A sequence lists every frame; name the pattern once instead.
        auto out = writer_->outputs();
        if (out.size() > 1) return {params_.get_string("path")};
        return out;
    }
    [[nodiscard]] std::vector<std::string> warnings() const override { return writer_->warnings(); }

  private:
    ParamSet params_;
    NodeContext ctx_;
    std::unique_ptr<MediaWriter> writer_;
};

class NullNode final : public Node {
  public:
    StreamDesc configure(const StreamDesc& in) override { return in; }
};

}  // namespace

void register_io_nodes(FilterRegistry& registry) {
    FilterInfo source;
    source.name = "source";
    source.version = "1.0";
    source.kind = NodeKind::Source;
    source.family = "io";
    source.help =
        "Reads a movie (libav) or an image sequence (OpenImageIO); decoded once for "
        "every branch.";
    source.params = {
        string_param("path", std::nullopt,
                     "Movie file, or image sequence as a pattern (shot.%06d.exr, "
                     "shot.####.dpx) or one of its files"),
        string_param("fps", "24",
                     "Frame rate of an image sequence without one in its headers "
                     "(24, 25, 24000/1001, ...)"),
        bool_param("audio", true, "Decode the audio streams (false: video only)"),
        bool_param("tolerate_damage", false,
                   "Read on past damaged packets, corrupt pictures and truncation, counting "
                   "them (for QC) instead of stopping with an error"),
        string_param("sound", "",
                     "A separate sound recording (WAV/BWF or any file with sound) laid in "
                     "instead of the clip's own audio: one stream with all its channels, at its "
                     "rate and depth, as long as the picture"),
        int_param("sound_offset", 0, -std::numeric_limits<double>::infinity(),
                  std::numeric_limits<double>::infinity(),
                  "The recording's sample that plays with the first picture (sync's "
                  "offset_samples); negative when the camera rolled first (silence ahead)"),
        bool_param("keep_scratch", false,
                   "With sound: also keep the clip's own audio streams, after the recording's"),
    };
    registry.add(std::move(source));

    std::vector<std::string> codecs{"auto"};
    std::string codec_help =
        "Video codec; auto picks by extension (.mov/.mxf prores_hq, .mp4 "
        "h264, .mkv ffv1, .exr exr_half, .dpx dpx10, .tif tiff16)";
    for (const auto& p : video_codec_presets()) codecs.push_back(p.name);
    FilterInfo writer;
    writer.name = "writer";
    writer.version = "1.0";
    writer.kind = NodeKind::Sink;
    writer.family = "io";
    writer.help =
        "Encodes a master or proxy (movie or image sequence), atomically: nothing "
        "appears at the path until it is complete.";
    writer.params = {
        string_param("path", std::nullopt,
                     "Output movie, or sequence pattern such as out.%06d.exr"),
        choice_param("codec", codecs, "auto", codec_help),
        choice_param("audio", {"auto", "pcm16", "pcm24", "aac", "none"}, "auto",
                     "Audio codec; auto is pcm24 (aac for .mp4)"),
        bool_param("overwrite", false, "Replace an existing output"),
        int_param("audio_channels", 0, 0, 16,
                  "Channels of each audio stream written: 0 as the source; 2 mixes down to stereo"),
        bool_param("fast_start", false,
                   "MOV/MP4: put the index at the start so the file plays while it downloads"),
        choice_param("speed", speed_choices(), "default",
                     "h264/h265: the encoder's speed preset; default: the codec's (h264 "
                     "medium, h265 fast)"),
        int_param("crf", -1, -1, 51,
                  "h264/h265: constant rate factor, lower is better; -1: the codec's (h264 18, "
                  "h265 20)"),
    };
    writer.thread_safe = false;
    writer.needs_in_order = true;
    writer.create = [](const ParamSet& p, const NodeContext& ctx) {
        return std::make_unique<WriterNode>(p, ctx);
    };
    registry.add(std::move(writer));

    FilterInfo null;
    null.name = "discard";
    null.version = "1.0";
    null.kind = NodeKind::Sink;
    null.family = "io";
    null.help = "Discards its input (for timing decode and filters).";
    null.create = [](const ParamSet&, const NodeContext&) { return std::make_unique<NullNode>(); };
    registry.add(std::move(null));
}

}  // namespace cinepipe
