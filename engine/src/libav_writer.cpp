// Movie files through libavcodec/libavformat: one video stream, any number of audio
// streams, the source's timecode as a tmcd track (MOV/MP4) or material package timecode
// (MXF), colour tags in the codec and container. Written to a temporary name, renamed by
// finish().

#include "libav_writer.h"

#include <algorithm>
#include <filesystem>

#include "atomic_file.h"
#include "av_util.h"
#include "cinepipe/error.h"
#include "cinepipe/frame_converter.h"
#include "codec_presets.h"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace cinepipe {

namespace {

struct AudioFifoDeleter {
    void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};

struct AudioOut {
    av::CodecContext encoder;
    AVStream* stream = nullptr;
    av::SwrPtr converter;  // interleaved float -> the encoder's sample format
    std::unique_ptr<AVAudioFifo, AudioFifoDeleter> fifo;  // interleaved float
    int channels = 0;
    int frame_size = 0;        // samples per encoder frame
    std::vector<float> chunk;  // one encoder frame of interleaved float, reused
    std::int64_t next_pts = 0;
};

PixelFormat encoder_format(const LibavCodecPreset& preset, const WriterConfig& cfg) {
    if (preset.keeps_source_format && cfg.source_format) {
        // FFV1 stores every YUV working format as is; RGB widens to 16-bit 4:4:4 (noted in
        // docs/formats.md) until the working set has a planar 16-bit RGB member.
        if (info(*cfg.source_format).family == ColorFamily::Yuv) return *cfg.source_format;
    }
    if (cfg.has_alpha && preset.alpha_format != preset.format) return preset.alpha_format;
    return preset.format;
}

bool supports(const AVCodec& codec, PixelFormat fmt) {
    if (!codec.pix_fmts) return true;
    for (const AVPixelFormat* p = codec.pix_fmts; *p != AV_PIX_FMT_NONE; ++p)
        if (*p == av::to_av(fmt)) return true;
    return false;
}

class LibavWriter final : public MediaWriter {
  public:
    explicit LibavWriter(const WriterConfig& cfg) : cfg_(cfg), file_(cfg.path, cfg.overwrite) {
        av::init_logging();
        const std::string codec_name =
            cfg.video_codec.empty() ? default_video_codec(cfg.path) : cfg.video_codec;
        const LibavCodecPreset* preset = find_libav_preset(codec_name);
        if (!preset) throw InputError(cfg.path + ": unknown codec '" + codec_name + "'");
        if (cfg.width <= 0 || cfg.height <= 0)
            throw InputError(cfg.path + ": cannot write a movie without a picture size");
        format_ = encoder_format(*preset, cfg);

        const AVOutputFormat* ofmt = av_guess_format(nullptr, cfg.path.c_str(), nullptr);
        if (!ofmt) throw InputError(cfg.path + ": unknown container for this extension");
        AVFormatContext* raw = nullptr;
        if (avformat_alloc_output_context2(&raw, ofmt, nullptr, file_.temp_path().c_str()) < 0)
            throw OutputError(cfg.path + ": cannot create the " + ofmt->name + " muxer");
        out_.reset(raw);

        open_video(*preset, codec_name);
        for (std::size_t i = 0; i < cfg.audio.size() && cfg.audio_codec != AudioCodec::None; ++i)
            open_audio(cfg.audio[i], i);

        if (cfg.start_timecode) {
            const std::string tc = cfg.start_timecode->to_string();
            av_dict_set(&out_->metadata, "timecode", tc.c_str(), 0);
            av_dict_set(&video_stream_->metadata, "timecode", tc.c_str(), 0);
        }
        if (!cfg.reel_name.empty())
            av_dict_set(&video_stream_->metadata, "reel_name", cfg.reel_name.c_str(), 0);

        if (const int err = avio_open(&out_->pb, file_.temp_path().c_str(), AVIO_FLAG_WRITE);
            err < 0)
            throw OutputError(cfg.path + ": cannot create output file (" + av::error_string(err) +
                              ")");
        AVDictionary* opts = nullptr;
        const std::string muxer = ofmt->name;
        // Matroska otherwise stamps a random segment UID into every file; the same job must
        // give the same bytes (for checksums, and whatever --threads is).
        if (muxer == "matroska") out_->flags |= AVFMT_FLAG_BITEXACT;
        if (muxer == "mov" || muxer == "mp4") {
            av_dict_set(&opts, "movflags", cfg.fast_start ? "+write_colr+faststart" : "+write_colr",
                        0);
            av_dict_set(&opts, "write_tmcd", "1", 0);
        }
        std::unique_ptr<AVDictionary, av::DictDeleter> opts_owner(opts);
        AVDictionary* o = opts_owner.release();
        const int err = avformat_write_header(out_.get(), &o);
        opts_owner.reset(o);
        if (err < 0)
            throw InputError(cfg.path + ": the " + muxer + " container refuses this combination (" +
                             av::error_string(err) + ")");
        packet_ = av::make_packet();
    }

    ~LibavWriter() override = default;  // file_ removes the temporary unless finished

    [[nodiscard]] PixelFormat input_format() const override { return format_; }

    void write(const MediaUnit& unit) override {
        if (unit.video) write_video(unit.video);
        for (std::size_t i = 0; i < audio_.size() && i < unit.audio.size(); ++i)
            write_audio(audio_[i], unit.audio[i], false);
    }

    void close() override {
        if (closed_) return;
        for (auto& a : audio_) write_audio(a, {}, true);
        encode_video(nullptr);
        for (auto& a : audio_) encode(*a.encoder, a.stream, nullptr);
        if (const int err = av_write_trailer(out_.get()); err < 0)
            throw OutputError(cfg_.path + ": cannot finalise the file (" + av::error_string(err) +
                              ")");
        if (const int err = avio_closep(&out_->pb); err < 0)
            throw OutputError(cfg_.path + ": cannot close the file (" + av::error_string(err) +
                              ")");
        closed_ = true;
    }

    void commit() override {
        if (!closed_) throw std::logic_error(cfg_.path + ": commit() before close()");
        file_.commit();
    }

    [[nodiscard]] std::vector<std::string> outputs() const override { return {cfg_.path}; }
    [[nodiscard]] std::vector<std::string> warnings() const override { return warnings_; }

  private:
    void open_video(const LibavCodecPreset& preset, const std::string& codec_name) {
        const AVCodec* codec = avcodec_find_encoder_by_name(preset.encoder);
        if (!codec)
            throw InputError(cfg_.path + ": this FFmpeg has no " + preset.encoder + " encoder");
        if (avformat_query_codec(out_->oformat, codec->id, FF_COMPLIANCE_NORMAL) == 0)
            throw InputError(cfg_.path + ": " + codec_name + " cannot be stored in " +
                             out_->oformat->name);
        if (preset.keeps_source_format && !supports(*codec, format_))
            format_ = cfg_.has_alpha ? preset.alpha_format : preset.format;
        video_.reset(avcodec_alloc_context3(codec));
        if (!video_) throw std::bad_alloc();
        AVCodecContext& c = *video_;
        c.width = cfg_.width;
        c.height = cfg_.height;
        c.pix_fmt = av::to_av(format_);
        c.time_base = av::to_av(cfg_.frame_rate.inverse());
        c.framerate = av::to_av(cfg_.frame_rate);
        c.sample_aspect_ratio = av::to_av(cfg_.sample_aspect);
        c.field_order = av::to_av(cfg_.field_order);
        // Field-based coding where the encoder has it (ProRes, x264). FFmpeg's DNxHR, FFV1 and
        // x265 code interlaced pictures as woven frames: lossless for the fields, and the
        // container still carries the field order so an NLE treats them as interlaced.
        const std::string encoder = preset.encoder;
        const bool interlaced =
            cfg_.field_order == FieldOrder::TT || cfg_.field_order == FieldOrder::BB ||
            cfg_.field_order == FieldOrder::TB || cfg_.field_order == FieldOrder::BT;
        if (interlaced && (encoder == "prores_ks" || encoder == "libx264"))
            c.flags |= AV_CODEC_FLAG_INTERLACED_DCT | AV_CODEC_FLAG_INTERLACED_ME;
        if (interlaced && encoder == "dnxhd")
            warnings_.push_back(cfg_.path +
                                ": interlaced source written as DNxHR woven frames without a field "
                                "order flag (FFmpeg 5.1 cannot code or flag interlaced DNxHR); use "
                                "ProRes to keep it");
        // The tags of what the encoder gets: an RGB source reaches it as Rec.709 YUV.
        const ColorTags tags = cfg_.source_format
                                   ? converted_tags(cfg_.tags, *cfg_.source_format, format_)
                                   : cfg_.tags;
        av::apply_tags(tags, c);
        // x264/x265 bitstreams depend on their thread count, so they get libav's automatic
        // count (fixed per machine) rather than --threads: output stays identical for any
        // --threads. The intra codecs' slice threading never changes their output.
        const bool threads_change_output = std::string(preset.encoder).rfind("libx26", 0) == 0;
        c.thread_count = threads_change_output ? 0 : cfg_.threads;
        if (out_->oformat->flags & AVFMT_GLOBALHEADER) c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        AVDictionary* opts = nullptr;
        for (const auto& [k, v] : preset.options) av_dict_set(&opts, k, v, 0);
        if (!cfg_.speed.empty()) av_dict_set(&opts, "preset", cfg_.speed.c_str(), 0);
        if (cfg_.crf >= 0) av_dict_set(&opts, "crf", std::to_string(cfg_.crf).c_str(), 0);
        const int err = avcodec_open2(&c, codec, &opts);
        av_dict_free(&opts);
        if (err < 0)
            throw InputError(cfg_.path + ": cannot open the " + codec_name + " encoder for " +
                             std::to_string(cfg_.width) + "x" + std::to_string(cfg_.height) + " " +
                             to_string(format_) + " at " + cfg_.frame_rate.to_string() + " fps (" +
                             av::error_string(err) + ")");
        video_stream_ = avformat_new_stream(out_.get(), nullptr);
        if (!video_stream_) throw std::bad_alloc();
        video_stream_->time_base = c.time_base;
        video_stream_->avg_frame_rate = c.framerate;
        video_stream_->r_frame_rate = c.framerate;
        video_stream_->sample_aspect_ratio = c.sample_aspect_ratio;
        avcodec_parameters_from_context(video_stream_->codecpar, &c);
    }

    void open_audio(const AudioTrackConfig& track, std::size_t i) {
        AVCodecID id = AV_CODEC_ID_PCM_S24LE;
        if (cfg_.audio_codec == AudioCodec::Pcm16) id = AV_CODEC_ID_PCM_S16LE;
        if (cfg_.audio_codec == AudioCodec::Aac) id = AV_CODEC_ID_AAC;
        const AVCodec* codec = avcodec_find_encoder(id);
        if (!codec)
            throw InputError(cfg_.path + ": this FFmpeg has no " + to_string(cfg_.audio_codec) +
                             " encoder");
        if (avformat_query_codec(out_->oformat, id, FF_COMPLIANCE_NORMAL) == 0)
            throw InputError(cfg_.path + ": " + to_string(cfg_.audio_codec) +
                             " audio cannot be stored in " + out_->oformat->name +
                             (id != AV_CODEC_ID_AAC ? " (use --audio aac)" : ""));
        if (track.channels <= 0 || track.sample_rate <= 0)
            throw InputError(cfg_.path + ": audio track " + std::to_string(i) +
                             " has no channels or rate");
        AudioOut a;
        a.encoder.reset(avcodec_alloc_context3(codec));
        if (!a.encoder) throw std::bad_alloc();
        AVCodecContext& c = *a.encoder;
        const int out_channels = track.mix_to > 0 ? track.mix_to : track.channels;
        const bool remix = out_channels != track.channels;
        // The source's speaker positions when it names them; otherwise unnamed channels, so
        // three discrete mics do not become L/R/LFE. AAC needs positions: the default ones.
        if (remix) {
            av_channel_layout_default(&c.ch_layout, out_channels);
        } else if (track.channel_mask &&
                   __builtin_popcountll(track.channel_mask) == track.channels) {
            av_channel_layout_from_mask(&c.ch_layout, track.channel_mask);
        } else if (id == AV_CODEC_ID_AAC) {
            av_channel_layout_default(&c.ch_layout, track.channels);
        } else {
            c.ch_layout.order = AV_CHANNEL_ORDER_UNSPEC;
            c.ch_layout.nb_channels = track.channels;
        }
        c.sample_rate = track.sample_rate;
        c.sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_S16;
        c.time_base = {1, track.sample_rate};
        if (id == AV_CODEC_ID_AAC) c.bit_rate = 96000LL * out_channels;
        if (out_->oformat->flags & AVFMT_GLOBALHEADER) c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        if (const int err = avcodec_open2(&c, codec, nullptr); err < 0)
            throw InputError(cfg_.path + ": cannot open the " + to_string(cfg_.audio_codec) +
                             " encoder for " + std::to_string(track.channels) + " channels at " +
                             std::to_string(track.sample_rate) + " Hz (" + av::error_string(err) +
                             ")");
        a.stream = avformat_new_stream(out_.get(), nullptr);
        if (!a.stream) throw std::bad_alloc();
        a.stream->time_base = c.time_base;
        avcodec_parameters_from_context(a.stream->codecpar, &c);
        a.channels = track.channels;
        a.frame_size = (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) || c.frame_size <= 0
                           ? 2048
                           : c.frame_size;
        // A sample-format conversion only, unless mix_to asks for a remix: then swresample
        // mixes the source's layout (its speaker positions, else the default for its count)
        // into the output's. Unnamed layouts get the default for their count (swresample
        // does not take them).
        AVChannelLayout in_layout{}, out_layout{};
        if (remix && track.channel_mask &&
            __builtin_popcountll(track.channel_mask) == track.channels)
            av_channel_layout_from_mask(&in_layout, track.channel_mask);
        else
            av_channel_layout_default(&in_layout, track.channels);
        av_channel_layout_default(&out_layout, out_channels);
        SwrContext* raw = nullptr;
        if (swr_alloc_set_opts2(&raw, &out_layout, c.sample_fmt, c.sample_rate, &in_layout,
                                AV_SAMPLE_FMT_FLT, c.sample_rate, 0, nullptr) < 0 ||
            swr_init(raw) < 0) {
            swr_free(&raw);
            throw InputError(cfg_.path + ": cannot set up audio conversion");
        }
        a.converter.reset(raw);
        a.fifo.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLT, track.channels, a.frame_size * 4));
        if (!a.fifo) throw std::bad_alloc();
        audio_.push_back(std::move(a));
    }

    void write_video(const FramePtr& frame) {
        if (frame->format != format_ || frame->width != cfg_.width || frame->height != cfg_.height)
            throw std::logic_error("writer got " + std::string(to_string(frame->format)) +
                                   " but wants " + to_string(format_));
        av::FramePtr av_frame = av::to_avframe(frame);
        // Timestamps on the output frame grid, relative to the first frame: a gap in the
        // source stays a gap; two source frames never share an output timestamp.
        if (!have_first_) {
            first_pts_ = frame->pts;
            first_tb_ = frame->time_base;
            have_first_ = true;
        }
        std::int64_t pts = rescale(frame->pts - first_pts_, first_tb_, cfg_.frame_rate.inverse());
        if (frames_written_ > 0 && pts <= last_pts_) pts = last_pts_ + 1;
        last_pts_ = pts;
        av_frame->pts = pts;
        av_frame->interlaced_frame = frame->field_order != FieldOrder::Progressive &&
                                     frame->field_order != FieldOrder::Unknown;
        av_frame->top_field_first =
            frame->field_order == FieldOrder::TT || frame->field_order == FieldOrder::TB;
        ++frames_written_;
        encode_video(av_frame.get());
    }

    void encode_video(const AVFrame* frame) { encode(*video_, video_stream_, frame); }

    void write_audio(AudioOut& a, const AudioBuffer& in, bool flush) {
        if (!in.samples.empty()) {
            if (in.channels != a.channels)
                throw std::logic_error("audio buffer channel count does not match the track");
            auto* data = const_cast<float*>(in.samples.data());
            void* planes[1] = {data};
            if (av_audio_fifo_write(a.fifo.get(), planes, static_cast<int>(in.frames())) < 0)
                throw std::bad_alloc();
        }
        while (av_audio_fifo_size(a.fifo.get()) >= a.frame_size ||
               (flush && av_audio_fifo_size(a.fifo.get()) > 0)) {
            const int n = std::min(a.frame_size, av_audio_fifo_size(a.fifo.get()));
            a.chunk.resize(static_cast<std::size_t>(n) * static_cast<std::size_t>(a.channels));
            void* planes[1] = {a.chunk.data()};
            av_audio_fifo_read(a.fifo.get(), planes, n);
            av::FramePtr f = av::make_frame();
            f->nb_samples = n;
            f->format = a.encoder->sample_fmt;
            f->sample_rate = a.encoder->sample_rate;
            av_channel_layout_copy(&f->ch_layout, &a.encoder->ch_layout);
            if (av_frame_get_buffer(f.get(), 0) < 0) throw std::bad_alloc();
            const auto* src = reinterpret_cast<const std::uint8_t*>(a.chunk.data());
            if (swr_convert(a.converter.get(), f->extended_data, n, &src, n) != n)
                throw OutputError(cfg_.path + ": audio sample conversion failed");
            f->pts = a.next_pts;
            a.next_pts += n;
            encode(*a.encoder, a.stream, f.get());
        }
    }

    void encode(AVCodecContext& enc, AVStream* st, const AVFrame* frame) {
        int err = avcodec_send_frame(&enc, frame);
        if (err < 0 && err != AVERROR_EOF)
            throw OutputError(cfg_.path + ": encoder " + enc.codec->name + " failed (" +
                              av::error_string(err) + ")");
        while (true) {
            err = avcodec_receive_packet(&enc, packet_.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
            if (err < 0)
                throw OutputError(cfg_.path + ": encoder " + enc.codec->name + " failed (" +
                                  av::error_string(err) + ")");
            av_packet_rescale_ts(packet_.get(), enc.time_base, st->time_base);
            packet_->stream_index = st->index;
            err = av_interleaved_write_frame(out_.get(), packet_.get());
            if (err < 0)
                throw OutputError(cfg_.path + ": write failed (" + av::error_string(err) + ")");
        }
    }

    WriterConfig cfg_;
    AtomicFile file_;
    bool closed_ = false;
    PixelFormat format_ = PixelFormat::Yuv422p10;
    av::OutputContext out_;
    av::CodecContext video_;
    AVStream* video_stream_ = nullptr;
    std::vector<AudioOut> audio_;
    std::vector<std::string> warnings_;
    av::PacketPtr packet_;
    bool have_first_ = false;
    std::int64_t first_pts_ = 0;
    Rational first_tb_{1, 24};
    std::int64_t last_pts_ = 0;
    std::int64_t frames_written_ = 0;
};

}  // namespace

std::unique_ptr<MediaWriter> create_movie_writer(const WriterConfig& config) {
    return std::make_unique<LibavWriter>(config);
}

}  // namespace cinepipe
