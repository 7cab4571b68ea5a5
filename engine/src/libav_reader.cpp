// Movie files through libavformat/libavcodec: frame-threaded video decoding, every audio
// stream decoded to float and cut into per-frame runs, timecode and colour tags exported.

#include "libav_reader.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>

#include <fmt/format.h>

#include "audio_track.h"
#include "av_util.h"
#include "bwf_ixml.h"
#include "cinepipe/error.h"
#include "decoder_buffers.h"
#include "intra_decoder_lanes.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/parseutils.h>
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

// The stream's own length in seconds (0 when the file does not say): the stream header's
// duration, or Matroska's per-track DURATION tag. Never the container's, which is the
// longest stream's and so usually the audio's.
double stream_duration(const AVStream& st) {
    if (st.duration > 0 && st.duration != AV_NOPTS_VALUE)
        return double(st.duration) * av_q2d(st.time_base);
    const std::string tag = dict_value(st.metadata, "DURATION");
    std::int64_t us = 0;
    if (!tag.empty() && av_parse_time(&us, tag.c_str(), 1) == 0 && us > 0) return double(us) / 1e6;
    return 0;
}

std::string first_nonempty(std::initializer_list<std::string> values) {
    for (const auto& v : values)
        if (!v.empty()) return v;
    return "";
}

// libav polls this inside blocking I/O, so Ctrl-C also stops an open or a long read on slow
// storage.
int interrupted(void* opaque) {
    const auto* cancel = static_cast<const CancelToken*>(opaque);
    return cancel && cancel->cancelled() ? 1 : 0;
}

void throw_if_cancelled(const CancelToken* cancel) {
    if (cancel) cancel->throw_if_cancelled();
}

}  // namespace

OpenedInput open_input(const std::string& path, const CancelToken* cancel) {
    av::init_logging();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw InputError(path + ": no such file");
    if (std::filesystem::is_directory(path, ec))
        throw InputError(path + ": is a folder, not a media file");
    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) throw std::bad_alloc();
    raw->interrupt_callback = {interrupted, const_cast<CancelToken*>(cancel)};
    if (const int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0) {
        throw_if_cancelled(cancel);  // avformat_open_input freed the context
        throw InputError(path + ": not a readable media file (" + av::error_string(err) + ")");
    }
    OpenedInput in;
    in.fmt.reset(raw);
    if (const int err = avformat_find_stream_info(raw, nullptr); err < 0) {
        throw_if_cancelled(cancel);
        throw InputError(path + ": cannot read stream information (" + av::error_string(err) + ")");
    }
    in.video_index = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (in.video_index >= 0 &&
        (raw->streams[in.video_index]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        in.video_index = -1;  // cover art is not a picture track
    return in;
}

namespace {

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
        // av_guess_frame_rate rather than r_frame_rate alone: r_frame_rate is a guessed least
        // common multiple that doubles for field-coded streams and for some VFR files.
        v.frame_rate = av::to_rational(av_guess_frame_rate(const_cast<AVFormatContext*>(&fmt),
                                                           const_cast<AVStream*>(vst), nullptr));
        v.avg_frame_rate = av::to_rational(vst->avg_frame_rate);
        if (!v.frame_rate.valid()) v.frame_rate = v.avg_frame_rate;
        if (!v.frame_rate.valid()) v.frame_rate = {24, 1};
        if (!v.avg_frame_rate.valid()) v.avg_frame_rate = v.frame_rate;
        const AVRational sar = av_guess_sample_aspect_ratio(const_cast<AVFormatContext*>(&fmt),
                                                            const_cast<AVStream*>(vst), nullptr);
        v.sample_aspect = sar.num > 0 ? av::to_rational(sar) : Rational{1, 1};
        v.tags = av::tags_from(par);
        if (av::is_full_range_yuvj(pix)) v.tags.range = ColorRange::Full;
        v.field_order = av::field_order_from(par);
        v.frame_count = vst->nb_frames;
        v.duration = stream_duration(*vst);
        if (v.duration <= 0) v.duration = info.duration;
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
        if (par.ch_layout.order == AV_CHANNEL_ORDER_NATIVE) a.channel_mask = par.ch_layout.u.mask;
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
    // BWF's bext TimeReference: the recording's first sample, in samples since midnight.
    if (const std::string ref = dict_value(fmt.metadata, "time_reference");
        !ref.empty() && !info.audio.empty() && info.audio.front().sample_rate > 0) {
        char* end = nullptr;
        const long long samples = std::strtoll(ref.c_str(), &end, 10);
        if (end != ref.c_str() && *end == '\0' && samples >= 0) {
            info.audio_start_seconds =
                static_cast<double>(samples) / info.audio.front().sample_rate;
            info.audio_start_source = "bext";
        }
    }
    if (!info.video && info.container == "wav") {
        if (const auto ixml = read_ixml(path)) {
            info.audio_timecode_rate = ixml->timecode_rate;
            info.audio_timecode_drop = ixml->drop_frame;
            if (info.audio_start_seconds < 0 && ixml->samples_since_midnight >= 0) {
                info.audio_start_seconds =
                    static_cast<double>(ixml->samples_since_midnight) / ixml->timestamp_rate;
                info.audio_start_source = "ixml";
            }
        }
    }
    return info;
}

// Above this (2048 x 1080, DCI 2K), pictures count as large for decoder threading.
constexpr std::int64_t kLargePicturePixels = 2048 * 1080;

}  // namespace

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
        // Frame threading holds a picture per thread; above 2K (33 MB a picture at 4K
        // 10-bit 4:2:2) that is most of a job's memory. Intra-only codecs that cut pictures
        // into slices (ProRes, DNxHR) decode large pictures about as fast slice-threaded,
        // holding one (measured at 4K: the same proxy time, 45 MB less). Smaller pictures and
        // long-GOP codecs keep frame threading, the faster of the two for them.
        const AVCodecDescriptor* desc = avcodec_descriptor_get(st.codecpar->codec_id);
        const bool intra = desc && (desc->props & AV_CODEC_PROP_INTRA_ONLY);
        const bool slices = (codec->capabilities & AV_CODEC_CAP_SLICE_THREADS) != 0;
        const bool large = static_cast<std::int64_t>(st.codecpar->width) * st.codecpar->height >
                           kLargePicturePixels;
        ctx->thread_type =
            intra && slices && large ? FF_THREAD_SLICE : FF_THREAD_FRAME | FF_THREAD_SLICE;
        av::use_picture_memory(ctx);
    }
    if (const int err = avcodec_open2(ctx.get(), codec, nullptr); err < 0)
        throw InputError(path + ": cannot open the " + codec->name + " decoder (" +
                         av::error_string(err) + ")");
    return ctx;
}

namespace {

// Intra-only pictures below the large-picture size are decoded by independent single-threaded
// decoders, one picture each (IntraDecoderLanes): faster than libav's frame threading for
// them. Large ones stay slice-threaded (one picture held, see open_decoder).
bool decodes_in_lanes(const AVStream& st, int threads) {
    if (threads < 2 || st.codecpar->codec_type != AVMEDIA_TYPE_VIDEO) return false;
    const AVCodecDescriptor* desc = avcodec_descriptor_get(st.codecpar->codec_id);
    const bool intra = desc && (desc->props & AV_CODEC_PROP_INTRA_ONLY);
    const bool large =
        static_cast<std::int64_t>(st.codecpar->width) * st.codecpar->height > kLargePicturePixels;
    return intra && !large;
}

class LibavReader final : public MediaReader {
  public:
    LibavReader(const std::string& path, const ReaderOptions& options)
        : path_(path), options_(options) {
        auto in = open_input(path, options.cancel);
        fmt_ = std::move(in.fmt);
        video_index_ = in.video_index;
        info_ = describe(path, *fmt_, video_index_);
        if (!info_.video && info_.audio.empty())
            throw InputError(path + ": no video or audio stream");
        if (info_.video && options.decode_video) {
            const AVStream* st = fmt_->streams[video_index_];
            if (info_.video->width <= 0 || info_.video->height <= 0 || info_.video->width > 32768 ||
                info_.video->height > 32768)
                throw InputError(path + ": implausible picture size " +
                                 std::to_string(info_.video->width) + "x" +
                                 std::to_string(info_.video->height));
            if (decodes_in_lanes(*st, options.decoder_threads))
                video_lanes_ = std::make_unique<av::IntraDecoderLanes>(
                    [&] { return open_decoder(path, *st, 1); }, options.decoder_threads);
            else
                video_decoder_ = open_decoder(path, *st, options.decoder_threads);
            video_tb_ = av::to_rational(st->time_base);
            frame_duration_ = rescale(1, info_.video->frame_rate.inverse(), video_tb_);
            // What the container says the picture lasts (minus a frame of rounding): the
            // stream's own duration, which MOV edit lists shorten and Matroska tags per
            // track. The frame count in the index is not used: it includes frames an edit
            // list discards.
            expected_seconds_ = stream_duration(*st);
        }
        // info_.audio ends up listing exactly the streams this reader delivers: a track that
        // cannot be decoded is dropped with a warning rather than making the file unreadable.
        std::vector<AudioStreamInfo> delivered;
        for (const auto& a : options.decode_audio ? info_.audio : std::vector<AudioStreamInfo>{}) {
            try {
                if (a.channels <= 0 || a.channels > 64 || a.sample_rate <= 0 ||
                    a.sample_rate > 768000)
                    throw InputError(path + ": audio stream " + std::to_string(a.index) +
                                     " has an impossible layout (" + std::to_string(a.channels) +
                                     " channels at " + std::to_string(a.sample_rate) + " Hz)");
                const AVStream* st = fmt_->streams[a.index];
                audio_.emplace_back(a.index, open_decoder(path, *st, 1), a.channels, a.sample_rate,
                                    av::to_rational(st->time_base));
                delivered.push_back(a);
            } catch (const InputError& e) {
                stats_.warnings.push_back(std::string(e.what()) + "; audio stream skipped");
            }
        }
        info_.audio = delivered;
        if (info_.video && !options.decode_video) {
            // The picture's clock without the pictures: audio starts where the first picture
            // would (the video stream's first presentation time).
            const AVStream* st = fmt_->streams[video_index_];
            const std::int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
            for (auto& t : audio_) t.set_origin(start, av::to_rational(st->time_base));
            video_index_ = -1;
            skip_video_ = true;
        }
        for (unsigned i = 0; i < fmt_->nb_streams; ++i) {
            const bool wanted = static_cast<int>(i) == video_index_ ||
                                std::any_of(audio_.begin(), audio_.end(), [&](const AudioTrack& t) {
                                    return t.stream_index() == int(i);
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
        if (info_.video && !skip_video_) {
            while (pending_video_.empty() && !video_eof_) decode_video_step();
            if (!pending_video_.empty()) {
                unit.video = std::move(pending_video_.front());
                pending_video_.pop_front();
                const VideoFrame& frame = *unit.video;
                // Read on until every audio stream has the samples that play during this
                // frame (or has ended). Video read meanwhile is queued still compressed, and
                // the queue is bounded, so a badly interleaved file costs bounded memory.
                while (!demux_eof_ && !audio_ready_for(frame) && queued_bytes_ < kMaxQueuedBytes &&
                       video_packets_.size() < kMaxQueuedPackets)
                    read_packet();
                for (auto& t : audio_) unit.audio.push_back(t.take_until(audio_end_for(frame, t)));
                count_audio(unit);
                return unit;
            }
            check_complete();
        }
        // After the last picture (or for audio-only files): the remaining audio.
        while (!demux_eof_ && !audio_tail_ready()) read_packet();
        bool any = false;
        for (auto& t : audio_) {
            unit.audio.push_back(t.take_until(t.handed_out() + kAudioChunk));
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
    static constexpr int kMaxAudioAloneSeconds = 30;
    static constexpr std::int64_t kAudioChunk = 48000;

    // The samples of a stream that play during a frame are those before the frame's end,
    // measured from the first frame's timestamp: cut by time, not by frame count, so the cut
    // stays right across timestamp gaps and for any frame rate and sample rate.
    [[nodiscard]] std::int64_t audio_end_for(const VideoFrame& f, const AudioTrack& t) const {
        const std::int64_t end = f.pts - first_pts_ + f.duration;
        return av_rescale_rnd(end, video_tb_.num * t.sample_rate(), video_tb_.den, AV_ROUND_UP);
    }
    [[nodiscard]] bool audio_ready_for(const VideoFrame& f) const {
        return std::all_of(audio_.begin(), audio_.end(),
                           [&](const AudioTrack& t) { return t.ready(audio_end_for(f, t)); });
    }
    [[nodiscard]] std::int64_t audio_tail_target(const AudioTrack& t) const {
        return t.handed_out() + kAudioChunk;
    }
    [[nodiscard]] bool audio_tail_ready() const {
        return std::all_of(audio_.begin(), audio_.end(),
                           [&](const AudioTrack& t) { return t.ready(audio_tail_target(t)); });
    }
    void count_audio(const MediaUnit& unit) {
        if (!unit.audio.empty()) stats_.audio_samples += unit.audio.front().frames();
    }

    void check_complete() {
        // Pictures that end well before the stream's stated duration mean the file was cut
        // short: say so instead of delivering a silently shorter master. Compared in time,
        // not frame counts, so a stream with timestamp gaps is not mistaken for a cut one.
        if (checked_ || expected_seconds_ <= 0) return;
        checked_ = true;
        const double frame = 1.0 / info_.video->frame_rate.to_double();
        const double reached =
            have_prev_ ? double(last_end_pts_ - first_pts_) * video_tb_.to_double() : 0.0;
        if (reached + 1.5 * frame < expected_seconds_) {
            const std::string what = fmt::format(
                "truncated or damaged: the stream lasts {:.3f} s but its pictures "
                "end at {:.3f} s ({} frames decoded)",
                expected_seconds_, reached, stats_.frames);
            if (!options_.tolerate_damage) throw InputError(path_ + ": " + what);
            stats_.damage.push_back({std::max<std::int64_t>(stats_.frames - 1, 0), what});
        }
    }

    // Feed the video decoder: a queued packet, else a newly read one, else (at the end of
    // the file) the flush that drains its last frames.
    void decode_video_step() {
        if (!video_packets_.empty()) {
            av::PacketPtr pkt = std::move(video_packets_.front());
            video_packets_.pop_front();
            queued_bytes_ -= static_cast<std::size_t>(pkt->size);
            send_video(pkt.get());
        } else if (!demux_eof_ && !audio_runs_alone()) {
            read_packet();
        } else {
            // End of file, or so much audio with no picture that the picture must be over
            // (a short video track with a long recording): drain the decoder instead of
            // decoding hours of audio into memory.
            video_done_ = true;
            send_video(nullptr);
        }
    }

    // Read one packet. Audio is decoded at once (it is small); video is queued compressed
    // until pictures are wanted, so reading ahead for audio never piles up decoded frames.
    void read_packet() {
        const int err = av_read_frame(fmt_.get(), packet_.get());
        if (err < 0) {
            throw_if_cancelled(options_.cancel);
            if (err != AVERROR_EOF && !options_.tolerate_damage)
                throw InputError(path_ + ": read error after frame " +
                                 std::to_string(stats_.frames) + " (" + av::error_string(err) +
                                 ")");
            demux_eof_ = true;
            for (auto& t : audio_)
                if (!t.eof()) t.send(nullptr, *decoded_, damage_fn());
            return;
        }
        const int si = packet_->stream_index;
        if (si == video_index_) {
            if (video_done_)
                throw InputError(
                    path_ + ": the picture resumes after more than " +
                    std::to_string(kMaxAudioAloneSeconds) +
                    " s of audio alone; a file interleaved this badly is not supported");
            av::PacketPtr queued = av::make_packet();
            av_packet_move_ref(queued.get(), packet_.get());
            queued_bytes_ += static_cast<std::size_t>(queued->size);
            video_packets_.push_back(std::move(queued));
            return;
        }
        for (auto& t : audio_)
            if (t.stream_index() == si) t.send(packet_.get(), *decoded_, damage_fn());
        av_packet_unref(packet_.get());
    }

    // `frame`: the picture concerned; by default the next one to be delivered (a refused
    // packet is near there: frame threading delays output by a few pictures).
    void damage(const std::string& what, std::int64_t frame = -1) {
        ++stats_.corrupt_frames;
        if (options_.tolerate_damage)
            stats_.damage.push_back({frame >= 0 ? frame : stats_.frames, what});
        if (!options_.tolerate_damage)
            throw InputError(path_ + ": " + what + " near frame " + std::to_string(stats_.frames));
    }

    // Send one packet (nullptr: flush) and take every frame the decoder has ready. Frames
    // are always drained after a send, so the decoder never refuses a packet for being full;
    // should one still answer EAGAIN, the packet is sent again after draining.
    template <typename OnFrame, typename OnEnd>
    void decode(AVCodecContext& dec, const AVPacket* pkt, const char* what, OnFrame on_frame,
                OnEnd on_end) {
        for (int attempt = 0; attempt < 2; ++attempt) {
            const int sent = avcodec_send_packet(&dec, pkt);
            if (sent < 0 && sent != AVERROR_EOF && sent != AVERROR(EAGAIN))
                damage(std::string("undecodable ") + what + " packet (" + av::error_string(sent) +
                       ")");
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
        if (video_lanes_) {
            send_to_lanes(pkt);
            return;
        }
        decode(
            *video_decoder_, pkt, "video", [this](const AVFrame& f) { take_video_frame(f); },
            [this] { video_eof_ = true; });
    }

    // As decode(), through the lanes: every outcome ready is taken, in packet order.
    void send_to_lanes(const AVPacket* pkt) {
        using Status = av::IntraDecoderLanes::Status;
        video_lanes_->send(pkt);
        while (true) {
            int err = 0;
            switch (video_lanes_->receive(*decoded_, err)) {
                case Status::Again:
                    return;
                case Status::End:
                    video_eof_ = true;
                    return;
                case Status::PacketError:
                    damage("undecodable video packet (" + av::error_string(err) + ")");
                    break;
                case Status::FrameError:
                    damage("video decode error (" + av::error_string(err) + ")");
                    break;
                case Status::Frame:
                    take_video_frame(*decoded_);
                    av_frame_unref(decoded_.get());
                    break;
            }
        }
    }

    AudioTrack::DamageFn damage_fn() {
        return [this](const std::string& what) { damage(what); };
    }

    [[nodiscard]] bool audio_runs_alone() const {
        return std::any_of(audio_.begin(), audio_.end(), [](const AudioTrack& t) {
            return t.backlog() > std::int64_t{kMaxAudioAloneSeconds} * t.sample_rate();
        });
    }

    void take_video_frame(const AVFrame& f) {
        ++stats_.decoded_pictures;
        const auto native = static_cast<AVPixelFormat>(f.format);
        if (f.width != info_.video->width || f.height != info_.video->height)
            throw InputError(
                path_ + ": the picture size changes from " + std::to_string(info_.video->width) +
                "x" + std::to_string(info_.video->height) + " to " + std::to_string(f.width) + "x" +
                std::to_string(f.height) + " at frame " + std::to_string(stats_.frames) +
                "; mid-stream size changes are not supported");
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
        if (av::is_full_range_yuvj(native)) frame->tags.range = ColorRange::Full;
        if (cinepipe::info(frame->format).family == ColorFamily::Rgb) {
            frame->tags.matrix = MatrixCoefficients::Rgb;
            frame->tags.range = ColorRange::Full;
        }
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
        if (!have_prev_) {
            first_pts_ = pts;
            // Audio is placed on the picture's clock: its sample 0 plays with this frame.
            for (auto& t : audio_) t.set_origin(pts, video_tb_);
        }
        if (have_prev_) {
            const std::int64_t expected = prev_pts_ + frame_duration_;
            if (std::llabs(pts - expected) * 2 > frame_duration_)
                stats_.discontinuities.push_back({frame->index, expected, pts});
        }
        have_prev_ = true;
        prev_pts_ = pts;
        last_end_pts_ = std::max(last_end_pts_, pts + frame->duration);
        frame->pts = pts;
        frame->corrupt = (f.flags & AV_FRAME_FLAG_CORRUPT) || f.decode_error_flags;
        if (frame->corrupt) damage("corrupt picture", frame->index);
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
            pool_ = std::make_unique<FramePool>(
                target, f.width, f.height,
                std::max<std::size_t>(kConvertPool,
                                      4 * static_cast<std::size_t>(options_.decoder_threads) + 32));
        auto out = pool_->acquire();
        sws_.reset(sws_getCachedContext(
            sws_.release(), f.width, f.height, static_cast<AVPixelFormat>(f.format), f.width,
            f.height, av::to_av(target),
            SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_BITEXACT, nullptr, nullptr,
            nullptr));
        if (!sws_)
            throw InputError(path_ + ": cannot convert pixel format " +
                             info_.video->native_pix_fmt);
        // Keep the picture's own matrix and range: this widens the format, it does not
        // change the colour (full-range sources stay full range; RGB output is full range).
        const ColorTags tags = av::tags_from(f);
        const bool src_full = tags.range == ColorRange::Full ||
                              av::is_full_range_yuvj(static_cast<AVPixelFormat>(f.format));
        const bool dst_full = cinepipe::info(target).family == ColorFamily::Rgb || src_full;
        const int* coefs = av::sws_coefficients(tags.matrix);
        sws_setColorspaceDetails(sws_.get(), coefs, src_full ? 1 : 0, coefs, dst_full ? 1 : 0, 0,
                                 1 << 16, 1 << 16);
        std::array<int, 4> strides{};
        for (std::size_t i = 0; i < 4; ++i) strides[i] = static_cast<int>(out->stride[i]);
        sws_scale(sws_.get(), f.data, f.linesize, 0, f.height, out->data.data(), strides.data());
        return out;
    }

    std::string path_;
    ReaderOptions options_;
    av::InputContext fmt_;
    int video_index_ = -1;
    MediaInfo info_;
    ReadStats stats_;
    // One decoder, or for small intra-only pictures several (decodes_in_lanes).
    av::CodecContext video_decoder_;
    std::unique_ptr<av::IntraDecoderLanes> video_lanes_;
    Rational video_tb_{1, 24};
    std::int64_t frame_duration_ = 1;
    double expected_seconds_ = 0;    // the stream's stated duration; 0 when unknown
    std::int64_t last_end_pts_ = 0;  // end of the latest picture
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
    bool video_done_ = false;  // no more video packets are accepted
    bool checked_ = false;
    bool skip_video_ = false;  // ReaderOptions::decode_video off
    bool have_prev_ = false;
    std::int64_t prev_pts_ = 0;
    std::int64_t first_pts_ = 0;
};

}  // namespace

std::unique_ptr<MediaReader> open_movie(const std::string& path, const ReaderOptions& options) {
    return std::make_unique<LibavReader>(path, options);
}

MediaInfo probe_movie(const std::string& path, const CancelToken* cancel) {
    auto in = open_input(path, cancel);
    MediaInfo info = describe(path, *in.fmt, in.video_index);
    if (in.video_index >= 0) {
        for (unsigned i = 0; i < in.fmt->nb_streams; ++i)
            if (static_cast<int>(i) != in.video_index) in.fmt->streams[i]->discard = AVDISCARD_ALL;
        auto pkt = av::make_packet();
        std::int64_t count = 0;
        int err = 0;
        while ((err = av_read_frame(in.fmt.get(), pkt.get())) >= 0) {
            // Packets an edit list discards are not frames anyone will see.
            if (pkt->stream_index == in.video_index && !(pkt->flags & AV_PKT_FLAG_DISCARD)) ++count;
            av_packet_unref(pkt.get());
        }
        throw_if_cancelled(cancel);
        if (err != AVERROR_EOF)
            throw InputError(path + ": read error while counting frames (" + av::error_string(err) +
                             ")");
        info.video->frame_count = count;
    }
    return info;
}

}  // namespace cinepipe
