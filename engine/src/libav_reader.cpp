// Movie files through libavformat/libavcodec: frame-threaded video decoding, every audio
// stream decoded to float and cut into per-frame runs, timecode and colour tags exported.

#include "libav_reader.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>

#include "av_util.h"
#include "cinepipe/error.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace cinepipe {

namespace {

std::string dict_value(const AVDictionary* dict, const char* key) {
    const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0);
    return e && e->value ? e->value : "";
}

std::string describe_layout(const AVChannelLayout& layout) {
    std::array<char, 128> buf{};
    if (av_channel_layout_describe(&layout, buf.data(), buf.size()) < 0) return "unknown";
    return buf.data();
}

// Where the start timecode comes from, most specific first: a MOV/MP4 tmcd track, the
// video stream's own tag, the container (MXF material package, MKV tags).
void find_timecode(const AVFormatContext& fmt, const AVStream* video, Rational rate,
                   MediaInfo& info) {
    struct Candidate {
        std::string value;
        const char* source;
    };
    std::vector<Candidate> candidates;
    for (unsigned i = 0; i < fmt.nb_streams; ++i) {
        const AVStream* st = fmt.streams[i];
        if (st->codecpar->codec_type == AVMEDIA_TYPE_DATA &&
            st->codecpar->codec_tag == MKTAG('t', 'm', 'c', 'd'))
            candidates.push_back({dict_value(st->metadata, "timecode"), "tmcd"});
    }
    if (video) candidates.push_back({dict_value(video->metadata, "timecode"), "stream"});
    for (unsigned i = 0; i < fmt.nb_streams; ++i)
        candidates.push_back({dict_value(fmt.streams[i]->metadata, "timecode"), "stream"});
    candidates.push_back({dict_value(fmt.metadata, "timecode"), "container"});
    for (const auto& c : candidates) {
        if (c.value.empty()) continue;
        try {
            info.start_timecode = Timecode::parse(c.value, rate, info.path + ": timecode");
            info.timecode_source = c.source;
            return;
        } catch (const InputError&) {
            // A mangled tag must not make the pictures unreadable; try the next source.
        }
    }
    // No timecode anywhere: start at zero and say so, rather than invent a source.
    info.start_timecode = Timecode(rate, false, 0);
    info.timecode_source = "none";
}

std::string first_nonempty(std::initializer_list<std::string> values) {
    for (const auto& v : values)
        if (!v.empty()) return v;
    return "";
}

struct OpenedInput {
    av::InputContext fmt;
    int video_index = -1;
};

OpenedInput open_input(const std::string& path) {
    av::init_logging();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw InputError(path + ": no such file");
    if (std::filesystem::is_directory(path, ec))
        throw InputError(path + ": is a folder, not a media file");
    AVFormatContext* raw = nullptr;
    if (const int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0)
        throw InputError(path + ": not a readable media file (" + av::error_string(err) + ")");
    OpenedInput in;
    in.fmt.reset(raw);
    if (const int err = avformat_find_stream_info(raw, nullptr); err < 0)
        throw InputError(path + ": cannot read stream information (" + av::error_string(err) + ")");
    in.video_index = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (in.video_index >= 0 &&
        (raw->streams[in.video_index]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        in.video_index = -1;  // cover art is not a picture track
    return in;
}

MediaInfo describe(const std::string& path, const AVFormatContext& fmt, int video_index) {
    MediaInfo info;
    info.path = path;
    info.container = fmt.iformat->name;
    info.container_long = fmt.iformat->long_name ? fmt.iformat->long_name : "";
    info.duration = fmt.duration > 0 ? double(fmt.duration) / AV_TIME_BASE : 0.0;
    info.bit_rate = fmt.bit_rate;
    std::error_code ec;
    info.size_bytes = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));

    const AVStream* vst = video_index >= 0 ? fmt.streams[video_index] : nullptr;
    Rational rate{24, 1};
    if (vst) {
        const AVCodecParameters& par = *vst->codecpar;
        VideoStreamInfo v;
        v.index = video_index;
        const AVCodecDescriptor* cd = avcodec_descriptor_get(par.codec_id);
        v.codec = cd ? cd->name : "unknown";
        v.codec_long = cd && cd->long_name ? cd->long_name : "";
        if (const char* prof = avcodec_profile_name(par.codec_id, par.profile)) v.profile = prof;
        const auto pix = static_cast<AVPixelFormat>(par.format);
        v.native_pix_fmt = pix == AV_PIX_FMT_NONE ? "unknown" : av_get_pix_fmt_name(pix);
        v.working_format = av::nearest_working_format(pix);
        v.width = par.width;
        v.height = par.height;
        v.frame_rate = av::to_rational(vst->r_frame_rate);
        v.avg_frame_rate = av::to_rational(vst->avg_frame_rate);
        if (!v.frame_rate.valid()) v.frame_rate = v.avg_frame_rate;
        if (!v.frame_rate.valid()) v.frame_rate = {24, 1};
        if (!v.avg_frame_rate.valid()) v.avg_frame_rate = v.frame_rate;
        const AVRational sar = av_guess_sample_aspect_ratio(const_cast<AVFormatContext*>(&fmt),
                                                            const_cast<AVStream*>(vst), nullptr);
        v.sample_aspect = sar.num > 0 ? av::to_rational(sar) : Rational{1, 1};
        v.tags = av::tags_from(par);
        v.field_order = av::field_order_from(par.field_order);
        v.frame_count = vst->nb_frames;
        v.duration =
            vst->duration > 0 ? double(vst->duration) * av_q2d(vst->time_base) : info.duration;
        v.bit_rate = par.bit_rate;
        const AVPixFmtDescriptor* pd = av_pix_fmt_desc_get(pix);
        v.has_alpha = pd && (pd->flags & AV_PIX_FMT_FLAG_ALPHA);
        if (v.frame_count <= 0 && v.duration > 0)
            v.frame_count = std::llround(v.duration * v.frame_rate.to_double());
        rate = v.frame_rate;
        info.video = v;
    }
    for (unsigned i = 0; i < fmt.nb_streams; ++i) {
        const AVStream* st = fmt.streams[i];
        const AVCodecParameters& par = *st->codecpar;
        if (par.codec_type != AVMEDIA_TYPE_AUDIO) continue;
        AudioStreamInfo a;
        a.index = static_cast<int>(i);
        const AVCodecDescriptor* cd = avcodec_descriptor_get(par.codec_id);
        a.codec = cd ? cd->name : "unknown";
        a.codec_long = cd && cd->long_name ? cd->long_name : "";
        a.sample_rate = par.sample_rate;
        a.channels = par.ch_layout.nb_channels;
        a.channel_layout = describe_layout(par.ch_layout);
        const char* sf = av_get_sample_fmt_name(static_cast<AVSampleFormat>(par.format));
        a.sample_format = sf ? sf : "unknown";
        a.bits_per_sample = par.bits_per_raw_sample > 0
                                ? par.bits_per_raw_sample
                                : av_get_exact_bits_per_sample(par.codec_id);
        a.duration =
            st->duration > 0 ? double(st->duration) * av_q2d(st->time_base) : info.duration;
        a.bit_rate = par.bit_rate;
        info.audio.push_back(a);
    }
    find_timecode(fmt, vst, rate, info);

    std::string reel;
    for (unsigned i = 0; i < fmt.nb_streams && reel.empty(); ++i)
        reel = dict_value(fmt.streams[i]->metadata, "reel_name");
    info.reel_name = first_nonempty({reel, dict_value(fmt.metadata, "reel_name")});
    info.clip_name = first_nonempty({dict_value(fmt.metadata, "material_package_name"),
                                     dict_value(fmt.metadata, "title"),
                                     std::filesystem::path(path).stem().string()});
    return info;
}

av::CodecContext open_decoder(const std::string& path, const AVStream& st, int threads) {
    const AVCodec* codec = avcodec_find_decoder(st.codecpar->codec_id);
    if (!codec)
        throw InputError(path + ": no decoder for stream " + std::to_string(st.index) + " (" +
                         avcodec_get_name(st.codecpar->codec_id) + ")");
    av::CodecContext ctx(avcodec_alloc_context3(codec));
    if (!ctx) throw std::bad_alloc();
    if (const int err = avcodec_parameters_to_context(ctx.get(), st.codecpar); err < 0)
        throw InputError(path + ": bad codec parameters (" + av::error_string(err) + ")");
    ctx->pkt_timebase = st.time_base;
    if (st.codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
        ctx->thread_count = threads;
        ctx->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    }
    if (const int err = avcodec_open2(ctx.get(), codec, nullptr); err < 0)
        throw InputError(path + ": cannot open the " + codec->name + " decoder (" +
                         av::error_string(err) + ")");
    return ctx;
}

// Decoded audio of one stream, waiting to be handed out in per-frame runs.
struct AudioTrack {
    int stream_index = -1;
    av::CodecContext decoder;
    av::SwrPtr resampler;
    int channels = 0;
    int sample_rate = 0;
    std::vector<float> fifo;  // interleaved; fifo_start values already handed out
    std::size_t fifo_start = 0;
    std::int64_t decoded = 0;     // samples per channel decoded so far
    std::int64_t handed_out = 0;  // samples per channel already in MediaUnits
    bool eof = false;

    [[nodiscard]] std::int64_t available() const { return decoded - handed_out; }

    AudioBuffer take(std::int64_t count) {
        count = std::min(count, available());
        AudioBuffer out;
        out.channels = channels;
        out.sample_rate = sample_rate;
        out.pts = handed_out;
        const auto n = static_cast<std::size_t>(count * channels);
        out.samples.assign(fifo.begin() + static_cast<std::ptrdiff_t>(fifo_start),
                           fifo.begin() + static_cast<std::ptrdiff_t>(fifo_start + n));
        fifo_start += n;
        handed_out += count;
        if (fifo_start > fifo.size() / 2) {  // compact now and then, not per unit
            fifo.erase(fifo.begin(), fifo.begin() + static_cast<std::ptrdiff_t>(fifo_start));
            fifo_start = 0;
        }
        return out;
    }
};

class LibavReader final : public MediaReader {
  public:
    LibavReader(const std::string& path, const ReaderOptions& options)
        : path_(path), options_(options) {
        auto in = open_input(path);
        fmt_ = std::move(in.fmt);
        video_index_ = in.video_index;
        info_ = describe(path, *fmt_, video_index_);
        if (!info_.video && info_.audio.empty())
            throw InputError(path + ": no video or audio stream");
        if (info_.video) {
            const AVStream* st = fmt_->streams[video_index_];
            if (info_.video->width <= 0 || info_.video->height <= 0 || info_.video->width > 32768 ||
                info_.video->height > 32768)
                throw InputError(path + ": implausible picture size " +
                                 std::to_string(info_.video->width) + "x" +
                                 std::to_string(info_.video->height));
            video_decoder_ = open_decoder(path, *st, options.decoder_threads);
            video_tb_ = av::to_rational(st->time_base);
            frame_duration_ = rescale(1, info_.video->frame_rate.inverse(), video_tb_);
            expected_frames_ = st->nb_frames;
            // Containers without a frame index (MKV, MXF) still state a duration in their
            // header; trust it (minus a frame of rounding) unless libav only guessed it from
            // the bit rate.
            if (expected_frames_ <= 0 &&
                fmt_->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE &&
                info_.video->duration > 0) {
                expected_frames_ =
                    std::llround(info_.video->duration * info_.video->frame_rate.to_double()) - 1;
                expected_is_estimate_ = true;
            }
        }
        if (options.decode_audio) {
            for (const auto& a : info_.audio) {
                AudioTrack t;
                t.stream_index = a.index;
                t.decoder = open_decoder(path, *fmt_->streams[a.index], 1);
                t.channels = a.channels;
                t.sample_rate = a.sample_rate;
                if (t.channels <= 0 || t.sample_rate <= 0)
                    throw InputError(path + ": audio stream " + std::to_string(a.index) +
                                     " has no channel layout or sample rate");
                audio_.push_back(std::move(t));
            }
        }
        for (unsigned i = 0; i < fmt_->nb_streams; ++i) {
            const bool wanted = static_cast<int>(i) == video_index_ ||
                                std::any_of(audio_.begin(), audio_.end(), [&](const AudioTrack& t) {
                                    return t.stream_index == int(i);
                                });
            fmt_->streams[i]->discard = wanted ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
        }
        packet_ = av::make_packet();
        decoded_ = av::make_frame();
    }

    [[nodiscard]] const MediaInfo& info() const override { return info_; }
    [[nodiscard]] const ReadStats& stats() const override { return stats_; }

    std::optional<MediaUnit> next() override {
        MediaUnit unit;
        if (info_.video) {
            while (pending_video_.empty() && !video_eof_) decode_video_step();
            if (!pending_video_.empty()) {
                unit.video = std::move(pending_video_.front());
                pending_video_.pop_front();
                const std::int64_t index = unit.video->index;
                // Read on until every audio stream has the samples that play during this
                // frame (or has ended). Video read meanwhile is queued still compressed, and
                // the queue is bounded, so a badly interleaved file costs bounded memory.
                while (!demux_eof_ && !audio_ready_for_frame(index) &&
                       queued_bytes_ < kMaxQueuedBytes && video_packets_.size() < kMaxQueuedPackets)
                    read_packet();
                for (auto& t : audio_)
                    unit.audio.push_back(t.take(audio_end_for_frame(t, index) - t.handed_out));
                count_audio(unit);
                return unit;
            }
            check_complete();
        }
        // After the last picture (or for audio-only files): the remaining audio.
        while (!demux_eof_ && !audio_ready(audio_tail_target())) read_packet();
        bool any = false;
        for (auto& t : audio_) {
            unit.audio.push_back(t.take(kAudioChunk));
            any = any || !unit.audio.back().samples.empty();
        }
        if (!any) return std::nullopt;
        count_audio(unit);
        return unit;
    }

  private:
    static constexpr std::size_t kMaxQueuedBytes = 64u << 20;
    static constexpr std::size_t kMaxQueuedPackets = 1024;
    static constexpr std::size_t kConvertPool = 64;
    static constexpr std::int64_t kAudioChunk = 48000;

    // Sample n of a stream belongs to frame floor(n * rate / sample_rate): frame i ends
    // before sample ceil((i + 1) * sample_rate / rate). Each stream at its own rate.
    [[nodiscard]] std::int64_t audio_end_for_frame(const AudioTrack& t, std::int64_t index) const {
        const Rational rate = info_.video->frame_rate;
        const std::int64_t num = (index + 1) * t.sample_rate * rate.den;
        return (num + rate.num - 1) / rate.num;
    }
    [[nodiscard]] bool audio_ready_for_frame(std::int64_t index) const {
        return std::all_of(audio_.begin(), audio_.end(), [&](const AudioTrack& t) {
            return t.eof || t.decoded >= audio_end_for_frame(t, index);
        });
    }
    [[nodiscard]] std::int64_t audio_tail_target() const {
        std::int64_t target = 0;
        for (const auto& t : audio_) target = std::max(target, t.handed_out + kAudioChunk);
        return target;
    }
    [[nodiscard]] bool audio_ready(std::int64_t end) const {
        return std::all_of(audio_.begin(), audio_.end(),
                           [&](const AudioTrack& t) { return t.eof || t.decoded >= end; });
    }
    void count_audio(const MediaUnit& unit) {
        if (!unit.audio.empty()) stats_.audio_samples += unit.audio.front().frames();
    }

    void check_complete() {
        // A file whose index promises more pictures than it holds was cut short: say so
        // instead of delivering a silently shorter master.
        if (checked_ || options_.tolerate_damage) return;
        checked_ = true;
        if (expected_frames_ > 0 && stats_.frames < expected_frames_)
            throw InputError(path_ + ": truncated or damaged: the container " +
                             (expected_is_estimate_ ? "duration implies at least " : "lists ") +
                             std::to_string(expected_frames_) + " frames but only " +
                             std::to_string(stats_.frames) + " could be decoded");
    }

    // Feed the video decoder: a queued packet, else a newly read one, else (at the end of
    // the file) the flush that drains its last frames.
    void decode_video_step() {
        if (!video_packets_.empty()) {
            av::PacketPtr pkt = std::move(video_packets_.front());
            video_packets_.pop_front();
            queued_bytes_ -= static_cast<std::size_t>(pkt->size);
            send_video(pkt.get());
        } else if (!demux_eof_) {
            read_packet();
        } else {
            send_video(nullptr);
        }
    }

    // Read one packet. Audio is decoded at once (it is small); video is queued compressed
    // until pictures are wanted, so reading ahead for audio never piles up decoded frames.
    void read_packet() {
        const int err = av_read_frame(fmt_.get(), packet_.get());
        if (err < 0) {
            if (err != AVERROR_EOF && !options_.tolerate_damage)
                throw InputError(path_ + ": read error after frame " +
                                 std::to_string(stats_.frames) + " (" + av::error_string(err) +
                                 ")");
            demux_eof_ = true;
            for (auto& t : audio_)
                if (!t.eof) send_audio(t, nullptr);
            return;
        }
        const int si = packet_->stream_index;
        if (si == video_index_) {
            av::PacketPtr queued = av::make_packet();
            av_packet_move_ref(queued.get(), packet_.get());
            queued_bytes_ += static_cast<std::size_t>(queued->size);
            video_packets_.push_back(std::move(queued));
            return;
        }
        for (auto& t : audio_)
            if (t.stream_index == si) send_audio(t, packet_.get());
        av_packet_unref(packet_.get());
    }

    void damage(const std::string& what) {
        ++stats_.corrupt_frames;
        if (!options_.tolerate_damage)
            throw InputError(path_ + ": " + what + " near frame " + std::to_string(stats_.frames));
    }

    // Send one packet (nullptr: flush) and take every frame the decoder has ready. Frames
    // are always drained after a send, so the decoder never refuses a packet for being full;
    // should one still answer EAGAIN, the packet is sent again after draining.
    template <typename OnFrame, typename OnEnd>
    void decode(AVCodecContext& dec, const AVPacket* pkt, const char* what, OnFrame on_frame, OnEnd on_end) {
        for (int attempt = 0; attempt < 2; ++attempt) {
            const int sent = avcodec_send_packet(&dec, pkt);
            if (sent < 0 && sent != AVERROR_EOF && sent != AVERROR(EAGAIN))
                damage(std::string("undecodable ") + what + " packet (" + av::error_string(sent) + ")");
            while (true) {
                const int err = avcodec_receive_frame(&dec, decoded_.get());
                if (err == AVERROR(EAGAIN)) break;
                if (err == AVERROR_EOF) {
                    on_end();
                    return;
                }
                if (err < 0) {
                    damage(std::string(what) + " decode error (" + av::error_string(err) + ")");
                    break;
                }
                on_frame(*decoded_);
                av_frame_unref(decoded_.get());
            }
            if (sent != AVERROR(EAGAIN)) return;
        }
    }

    void send_video(const AVPacket* pkt) {
        decode(*video_decoder_, pkt, "video", [this](const AVFrame& f) { take_video_frame(f); },
               [this] { video_eof_ = true; });
    }

    void send_audio(AudioTrack& t, const AVPacket* pkt) {
        decode(*t.decoder, pkt, "audio", [this, &t](const AVFrame& f) { append_audio(t, f); },
               [&t] { t.eof = true; });
    }

    void take_video_frame(const AVFrame& f) {
        const auto native = static_cast<AVPixelFormat>(f.format);
        std::shared_ptr<VideoFrame> frame;
        if (auto fmt = av::from_av(native)) {
            frame = av::wrap_frame(f, *fmt);
        } else {
            frame = convert_to_working(f);
        }
        frame->tags = av::tags_from(f);
        const ColorTags& st = info_.video->tags;
        if (frame->tags.primaries == ColorPrimaries::Unspecified)
            frame->tags.primaries = st.primaries;
        if (frame->tags.transfer == TransferCharacteristic::Unspecified)
            frame->tags.transfer = st.transfer;
        if (frame->tags.matrix == MatrixCoefficients::Unspecified) frame->tags.matrix = st.matrix;
        if (frame->tags.range == ColorRange::Unspecified) frame->tags.range = st.range;
        frame->sample_aspect = f.sample_aspect_ratio.num > 0
                                   ? av::to_rational(f.sample_aspect_ratio)
                                   : info_.video->sample_aspect;
        frame->field_order =
            f.interlaced_frame
                ? (f.top_field_first ? FieldOrder::TT : FieldOrder::BB)
                : (info_.video->field_order == FieldOrder::Unknown ? FieldOrder::Progressive
                                                                   : info_.video->field_order);
        frame->index = stats_.frames;
        frame->time_base = video_tb_;
        frame->duration = f.pkt_duration > 0 ? f.pkt_duration : frame_duration_;
        std::int64_t pts = f.best_effort_timestamp;
        if (pts == AV_NOPTS_VALUE) pts = have_prev_ ? prev_pts_ + frame_duration_ : 0;
        if (!have_prev_) first_pts_ = pts;
        if (have_prev_) {
            const std::int64_t expected = prev_pts_ + frame_duration_;
            if (std::llabs(pts - expected) * 2 > frame_duration_)
                stats_.discontinuities.push_back({frame->index, expected, pts});
        }
        have_prev_ = true;
        prev_pts_ = pts;
        frame->pts = pts;
        frame->corrupt = (f.flags & AV_FRAME_FLAG_CORRUPT) || f.decode_error_flags;
        if (frame->corrupt) damage("corrupt picture");
        // Timecode follows the clock, not the frame count, so a gap in the timestamps shows
        // as a jump in timecode.
        const std::int64_t offset =
            rescale(pts - first_pts_, video_tb_, info_.video->frame_rate.inverse());
        frame->timecode = info_.start_timecode->advanced(offset);
        ++stats_.frames;
        pending_video_.push_back(std::move(frame));
    }

    std::shared_ptr<VideoFrame> convert_to_working(const AVFrame& f) {
        const PixelFormat target = info_.video->working_format;
        if (!pool_)
            pool_ = std::make_unique<FramePool>(target, f.width, f.height, kConvertPool);
        auto out = pool_->acquire();
        sws_.reset(sws_getCachedContext(
            sws_.release(), f.width, f.height, static_cast<AVPixelFormat>(f.format), f.width,
            f.height, av::to_av(target),
            SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_BITEXACT, nullptr, nullptr,
            nullptr));
        if (!sws_)
            throw InputError(path_ + ": cannot convert pixel format " +
                             info_.video->native_pix_fmt);
        std::array<int, 4> strides{};
        for (std::size_t i = 0; i < 4; ++i) strides[i] = static_cast<int>(out->stride[i]);
        sws_scale(sws_.get(), f.data, f.linesize, 0, f.height, out->data.data(), strides.data());
        return out;
    }

    void append_audio(AudioTrack& t, const AVFrame& f) {
        if (!t.resampler) {
            AVChannelLayout layout{};  // libav 5.1 takes the layouts as non-const
            av_channel_layout_copy(&layout, &f.ch_layout);
            SwrContext* raw = nullptr;
            if (swr_alloc_set_opts2(&raw, &layout, AV_SAMPLE_FMT_FLT, f.sample_rate, &layout,
                                    static_cast<AVSampleFormat>(f.format), f.sample_rate, 0,
                                    nullptr) < 0 ||
                swr_init(raw) < 0) {
                swr_free(&raw);
                av_channel_layout_uninit(&layout);
                throw InputError(path_ + ": cannot convert audio of stream " +
                                 std::to_string(t.stream_index));
            }
            av_channel_layout_uninit(&layout);
            t.resampler.reset(raw);
        }
        if (f.ch_layout.nb_channels != t.channels || f.sample_rate != t.sample_rate)
            throw InputError(path_ + ": audio stream " + std::to_string(t.stream_index) +
                             " changes its layout or rate mid-stream");
        const std::size_t old = t.fifo.size();
        t.fifo.resize(old + static_cast<std::size_t>(f.nb_samples * t.channels));
        auto* out = reinterpret_cast<std::uint8_t*>(t.fifo.data() + old);
        const int got =
            swr_convert(t.resampler.get(), &out, f.nb_samples,
                        const_cast<const std::uint8_t**>(f.extended_data), f.nb_samples);
        if (got < 0) throw InputError(path_ + ": audio conversion failed");
        t.fifo.resize(old + static_cast<std::size_t>(got * t.channels));
        t.decoded += got;
    }

    std::string path_;
    ReaderOptions options_;
    av::InputContext fmt_;
    int video_index_ = -1;
    MediaInfo info_;
    ReadStats stats_;
    av::CodecContext video_decoder_;
    Rational video_tb_{1, 24};
    std::int64_t frame_duration_ = 1;
    std::int64_t expected_frames_ = 0;
    bool expected_is_estimate_ = false;
    std::vector<AudioTrack> audio_;
    av::PacketPtr packet_;
    av::FramePtr decoded_;
    std::deque<std::shared_ptr<VideoFrame>> pending_video_;
    std::deque<av::PacketPtr> video_packets_;  // read, not yet decoded
    std::size_t queued_bytes_ = 0;
    std::unique_ptr<FramePool> pool_;
    av::SwsPtr sws_;
    bool demux_eof_ = false;
    bool video_eof_ = false;
    bool checked_ = false;
    bool have_prev_ = false;
    std::int64_t prev_pts_ = 0;
    std::int64_t first_pts_ = 0;
};

}  // namespace

std::unique_ptr<MediaReader> open_movie(const std::string& path, const ReaderOptions& options) {
    return std::make_unique<LibavReader>(path, options);
}

MediaInfo probe_movie(const std::string& path) {
    auto in = open_input(path);
    MediaInfo info = describe(path, *in.fmt, in.video_index);
    if (in.video_index >= 0) {
        for (unsigned i = 0; i < in.fmt->nb_streams; ++i)
            if (static_cast<int>(i) != in.video_index) in.fmt->streams[i]->discard = AVDISCARD_ALL;
        auto pkt = av::make_packet();
        std::int64_t count = 0;
        int err = 0;
        while ((err = av_read_frame(in.fmt.get(), pkt.get())) >= 0) {
            if (pkt->stream_index == in.video_index) ++count;
            av_packet_unref(pkt.get());
        }
        if (err != AVERROR_EOF)
            throw InputError(path + ": read error while counting frames (" + av::error_string(err) +
                             ")");
        info.video->frame_count = count;
    }
    return info;
}

}  // namespace cinepipe
