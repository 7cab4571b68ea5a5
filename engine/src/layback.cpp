// The clip is remuxed, not decoded: its picture packets go to the new file as they are, with
// their timestamps shifted so the first picture is at zero. The recording is decoded to float
// (exact for 16- and 24-bit PCM) and encoded back to PCM at its own depth, so the laid-in
// sound is bit-identical to the recording from the synced sample on.

#include "cinepipe/layback.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>

#include "atomic_file.h"
#include "av_util.h"
#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"
#include "libav_reader.h"
#include "recording_samples.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace cinepipe {

namespace {

// The recording's depth: 16-bit stays 16-bit, float stays float, anything else is 24-bit.
AVCodecID pcm_for(const AVCodecParameters& par) {
    switch (par.codec_id) {
        case AV_CODEC_ID_PCM_S16LE:
        case AV_CODEC_ID_PCM_S16BE:
        case AV_CODEC_ID_PCM_U8:
            return AV_CODEC_ID_PCM_S16LE;
        case AV_CODEC_ID_PCM_F32LE:
        case AV_CODEC_ID_PCM_F32BE:
        case AV_CODEC_ID_PCM_F64LE:
        case AV_CODEC_ID_PCM_F64BE:
            return AV_CODEC_ID_PCM_F32LE;
        default:
            return AV_CODEC_ID_PCM_S24LE;
    }
}

// Stream copy keeps the source's codec tag when the output container accepts it (as ffmpeg
// -c copy does): ProRes stays 'apch', not a generic tag.
unsigned int copy_tag(const AVOutputFormat& ofmt, const AVCodecParameters& par) {
    unsigned int tag = 0;
    if (!ofmt.codec_tag || av_codec_get_id(ofmt.codec_tag, par.codec_tag) == par.codec_id ||
        !av_codec_get_tag2(ofmt.codec_tag, par.codec_id, &tag))
        return par.codec_tag;
    return 0;
}

void write_packet(AVFormatContext& out, AVPacket& pkt, const std::string& path) {
    if (const int err = av_interleaved_write_frame(&out, &pkt); err < 0)
        throw OutputError(path + ": cannot write (" + av::error_string(err) + ")");
}

}  // namespace

void check_layback_target(const std::string& output, bool overwrite) {
    const AVOutputFormat* ofmt = av_guess_format(nullptr, output.c_str(), nullptr);
    const std::string name = ofmt ? ofmt->name : "";
    if (name != "mov" && name != "mxf" && name != "matroska")
        throw OutputError(output +
                          ": sound is laid in as PCM, which needs a .mov, .mxf or .mkv file" +
                          (name.empty() ? std::string() : " (not " + name + ")"));
    check_output_target(output, overwrite);
}

LaybackResult lay_in_sound(const std::string& video, const std::string& recording,
                           const std::string& output, const LaybackOptions& options,
                           const CancelToken& cancel) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(output, ec) && fs::equivalent(output, video, ec))
        throw OutputError(output + ": is the clip being read; write the synced copy elsewhere");
    OpenedInput in = open_input(video, &cancel);
    if (in.video_index < 0) throw InputError(video + ": no picture stream to lay the sound under");
    AVFormatContext& ifmt = *in.fmt;
    const AVStream& ivs = *ifmt.streams[in.video_index];

    // The recording's own parameters (layout, depth) for the stream whose samples the engine's
    // reader delivers (it places them on the stream's clock).
    RecordingSamples samples(recording, &cancel);
    OpenedInput rec = open_input(recording, &cancel);
    const AVCodecParameters& rec_par = *rec.fmt->streams[samples.stream_index()]->codecpar;
    const int rate = rec_par.sample_rate;
    const int channels = samples.channels();

    check_layback_target(output, options.overwrite);
    const AVOutputFormat* ofmt = av_guess_format(nullptr, output.c_str(), nullptr);
    if (std::string(ofmt->name) == "mxf" && rate != 48000)
        throw OutputError(
            fmt::format("{}: MXF sound must be 48 kHz and {} is {} Hz; write .mov or .mkv", output,
                        recording, rate));
    AtomicFile file(output, options.overwrite);
    AVFormatContext* raw = nullptr;
    if (avformat_alloc_output_context2(&raw, ofmt, nullptr, file.temp_path().c_str()) < 0)
        throw OutputError(output + ": cannot create the " + ofmt->name + " muxer");
    av::OutputContext out(raw);

    LaybackResult result;
    // Picture: parameters, timing and tags copied.
    AVStream* ovs = avformat_new_stream(out.get(), nullptr);
    if (!ovs) throw std::bad_alloc();
    avcodec_parameters_copy(ovs->codecpar, ivs.codecpar);
    ovs->codecpar->codec_tag = copy_tag(*ofmt, *ivs.codecpar);
    ovs->time_base = ivs.time_base;
    // MXF counts in edit units: its picture track's time base is the frame duration.
    if (std::string(ofmt->name) == "mxf" && ivs.avg_frame_rate.num > 0)
        ovs->time_base = av_inv_q(ivs.avg_frame_rate);
    ovs->avg_frame_rate = ivs.avg_frame_rate;
    ovs->r_frame_rate = ivs.r_frame_rate;
    // As ffmpeg -c copy does: the container's aspect, else the bitstream's, stated in both.
    ovs->sample_aspect_ratio =
        ivs.sample_aspect_ratio.num ? ivs.sample_aspect_ratio : ivs.codecpar->sample_aspect_ratio;
    ovs->codecpar->sample_aspect_ratio = ovs->sample_aspect_ratio;
    ovs->disposition = ivs.disposition;
    av_dict_copy(&ovs->metadata, ivs.metadata, 0);
    av_dict_copy(&out->metadata, ifmt.metadata, 0);
    if (avformat_query_codec(ofmt, ivs.codecpar->codec_id, FF_COMPLIANCE_NORMAL) == 0)
        throw InputError(output + ": " + avcodec_get_name(ivs.codecpar->codec_id) +
                         " pictures cannot be stored in " + ofmt->name);

    // Sound: PCM at the recording's depth, its channels and layout.
    AVCodecID pcm = pcm_for(rec_par);
    // MXF's sound essence is 16- or 24-bit integer PCM.
    if (pcm == AV_CODEC_ID_PCM_F32LE && std::string(ofmt->name) == "mxf")
        pcm = AV_CODEC_ID_PCM_S24LE;
    const AVCodec* encoder = avcodec_find_encoder(pcm);
    if (!encoder)
        throw InputError(std::string("this FFmpeg has no ") + avcodec_get_name(pcm) + " encoder");
    av::CodecContext enc(avcodec_alloc_context3(encoder));
    if (!enc) throw std::bad_alloc();
    enc->sample_rate = rate;
    enc->sample_fmt = encoder->sample_fmts[0];
    enc->time_base = {1, rate};
    if (rec_par.ch_layout.order == AV_CHANNEL_ORDER_NATIVE &&
        rec_par.ch_layout.nb_channels == channels)
        av_channel_layout_copy(&enc->ch_layout, &rec_par.ch_layout);
    else if (channels > 2) {
        // A recorder's polyphonic tracks are separate microphones, not speaker positions.
        enc->ch_layout.order = AV_CHANNEL_ORDER_UNSPEC;
        enc->ch_layout.nb_channels = channels;
    } else {
        av_channel_layout_default(&enc->ch_layout, channels);
    }
    if (out->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (const int err = avcodec_open2(enc.get(), encoder, nullptr); err < 0)
        throw InputError(output + ": cannot open the " + encoder->name + " encoder (" +
                         av::error_string(err) + ")");
    AVStream* oas = avformat_new_stream(out.get(), nullptr);
    if (!oas) throw std::bad_alloc();
    avcodec_parameters_from_context(oas->codecpar, enc.get());
    oas->time_base = enc->time_base;
    result.audio_codec = encoder->name;
    result.channels = channels;
    result.sample_rate = rate;

    // The clip's own sound, copied after it when asked for.
    std::vector<int> out_index(ifmt.nb_streams, -1);
    out_index[static_cast<std::size_t>(in.video_index)] = ovs->index;
    for (unsigned i = 0; i < ifmt.nb_streams; ++i) {
        const AVStream& st = *ifmt.streams[i];
        if (options.keep_scratch && st.codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
            AVStream* os = avformat_new_stream(out.get(), nullptr);
            if (!os) throw std::bad_alloc();
            avcodec_parameters_copy(os->codecpar, st.codecpar);
            os->codecpar->codec_tag = copy_tag(*ofmt, *st.codecpar);
            os->time_base = st.time_base;
            av_dict_copy(&os->metadata, st.metadata, 0);
            out_index[i] = os->index;
        }
        if (out_index[i] < 0) ifmt.streams[i]->discard = AVDISCARD_ALL;
    }

    if (const int err = avio_open(&out->pb, file.temp_path().c_str(), AVIO_FLAG_WRITE); err < 0)
        throw OutputError(output + ": cannot create output file (" + av::error_string(err) + ")");
    AVDictionary* opts = nullptr;
    const std::string muxer = ofmt->name;
    if (muxer == "matroska") out->flags |= AVFMT_FLAG_BITEXACT;
    if (muxer == "mov" || muxer == "mp4") {
        av_dict_set(&opts, "movflags", "+write_colr", 0);
        av_dict_set(&opts, "write_tmcd", "1", 0);
    }
    const int header = avformat_write_header(out.get(), &opts);
    av_dict_free(&opts);
    if (header < 0)
        throw InputError(output + ": the " + muxer + " container refuses this combination (" +
                         av::error_string(header) + ")");

    StatsRecorder recorder;
    StageMeter& copy_meter = recorder.stage("copy picture");
    StageMeter& read_meter = recorder.stage("read recording");
    StageMeter& encode_meter = recorder.stage("encode sound");
    const auto began = std::chrono::steady_clock::now();

    // The first picture's time is zero in the new file, and the sound's sample 0 plays with it.
    const std::int64_t start = ivs.start_time != AV_NOPTS_VALUE ? ivs.start_time : 0;
    const AVRational vtb = ivs.time_base;
    const std::int64_t frame_ticks =
        ivs.avg_frame_rate.num > 0 ? av_rescale_q(1, av_inv_q(ivs.avg_frame_rate), vtb) : 1;
    std::int64_t written = 0;      // sound samples written, per channel
    std::int64_t picture_end = 0;  // in vtb, relative to start
    auto frame = av::make_frame();
    auto pkt = av::make_packet();
    auto sound_pkt = av::make_packet();  // not `pkt`: sound is written while a picture waits in it
    std::vector<float> chunk;
    // One picture's worth of sound at a time, up to `until` samples.
    const auto write_sound = [&](std::int64_t until) {
        const std::int64_t step = std::max<std::int64_t>(1, rate / 25);
        while (written < until) {
            cancel.throw_if_cancelled();
            const std::int64_t n = std::min(step, until - written);
            chunk.clear();
            {
                StageTimer timer(&read_meter);
                samples.read(options.offset_samples + written, n, chunk, result.silence_head,
                             result.silence_tail);
            }
            StageTimer timer(&encode_meter);
            av_frame_unref(frame.get());
            frame->nb_samples = static_cast<int>(n);
            frame->format = enc->sample_fmt;
            frame->sample_rate = rate;
            av_channel_layout_copy(&frame->ch_layout, &enc->ch_layout);
            if (av_frame_get_buffer(frame.get(), 0) < 0) throw std::bad_alloc();
            const std::size_t values = chunk.size();
            if (enc->sample_fmt == AV_SAMPLE_FMT_FLT) {
                std::copy(chunk.begin(), chunk.end(), reinterpret_cast<float*>(frame->data[0]));
            } else if (enc->sample_fmt == AV_SAMPLE_FMT_S16) {
                auto* d = reinterpret_cast<std::int16_t*>(frame->data[0]);
                for (std::size_t i = 0; i < values; ++i)
                    d[i] = static_cast<std::int16_t>(
                        std::clamp(std::lrint(double(chunk[i]) * 32768.0), -32768L, 32767L));
            } else {
                auto* d = reinterpret_cast<std::int32_t*>(frame->data[0]);
                for (std::size_t i = 0; i < values; ++i)
                    d[i] = static_cast<std::int32_t>(std::clamp<long long>(
                        std::llrint(double(chunk[i]) * 2147483648.0), INT32_MIN, INT32_MAX));
            }
            frame->pts = written;
            written += n;
            if (const int err = avcodec_send_frame(enc.get(), frame.get()); err < 0)
                throw OutputError(output + ": cannot encode the sound (" + av::error_string(err) +
                                  ")");
            while (avcodec_receive_packet(enc.get(), sound_pkt.get()) == 0) {
                sound_pkt->stream_index = oas->index;
                av_packet_rescale_ts(sound_pkt.get(), enc->time_base, oas->time_base);
                write_packet(*out, *sound_pkt, output);
            }
        }
    };
    const auto samples_at = [&](std::int64_t ticks) {
        return av_rescale_q_rnd(ticks, vtb, {1, rate},
                                static_cast<AVRounding>(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX));
    };

    while (true) {
        cancel.throw_if_cancelled();
        // Timed in two parts around write_sound(), which has meters of its own.
        std::optional<StageTimer> timer(&copy_meter);
        const int err = av_read_frame(&ifmt, pkt.get());
        if (err == AVERROR_EOF) break;
        if (err < 0) throw InputError(video + ": read error (" + av::error_string(err) + ")");
        const int si = pkt->stream_index;
        if (si < 0 || static_cast<unsigned>(si) >= ifmt.nb_streams ||
            out_index[static_cast<std::size_t>(si)] < 0) {
            av_packet_unref(pkt.get());
            continue;
        }
        const AVStream& ist = *ifmt.streams[si];
        const std::int64_t shift = av_rescale_q(start, vtb, ist.time_base);
        if (pkt->pts != AV_NOPTS_VALUE) pkt->pts -= shift;
        if (pkt->dts != AV_NOPTS_VALUE) pkt->dts -= shift;
        if (si == in.video_index) {
            ++result.video_packets;
            timer->count(1);
            if (pkt->pts != AV_NOPTS_VALUE && !(pkt->flags & AV_PKT_FLAG_DISCARD))
                picture_end = std::max(
                    picture_end, pkt->pts + (pkt->duration > 0 ? pkt->duration : frame_ticks));
            // Sound up to this picture's decode time (else its presentation time) keeps the two
            // streams interleaved, so the muxer's queue stays short.
            const std::int64_t when = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
            if (when != AV_NOPTS_VALUE) {
                timer.reset();
                write_sound(std::max<std::int64_t>(0, samples_at(when)));
                timer.emplace(&copy_meter);
            }
        }
        AVStream* os = out->streams[out_index[static_cast<std::size_t>(si)]];
        av_packet_rescale_ts(pkt.get(), ist.time_base, os->time_base);
        pkt->stream_index = os->index;
        pkt->pos = -1;
        write_packet(*out, *pkt, output);
    }
    result.samples = samples_at(picture_end);
    write_sound(result.samples);
    {
        StageTimer timer(&encode_meter);
        avcodec_send_frame(enc.get(), nullptr);
        while (avcodec_receive_packet(enc.get(), pkt.get()) == 0) {
            pkt->stream_index = oas->index;
            av_packet_rescale_ts(pkt.get(), enc->time_base, oas->time_base);
            write_packet(*out, *pkt, output);
        }
        if (const int err = av_write_trailer(out.get()); err < 0)
            throw OutputError(output + ": cannot finalise the file (" + av::error_string(err) +
                              ")");
        if (const int err = avio_closep(&out->pb); err < 0)
            throw OutputError(output + ": cannot close the file (" + av::error_string(err) + ")");
    }
    file.commit();
    result.stats = recorder.snapshot();
    result.stats.frames = result.video_packets;
    result.stats.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    if (result.silence_head > 0)
        result.warnings.push_back(
            fmt::format("{}: the camera rolled {:.3f} s before the recording; that much silence "
                        "leads the sound",
                        output, double(result.silence_head) / rate));
    if (result.silence_tail > 0)
        result.warnings.push_back(
            fmt::format("{}: the recording ends {:.3f} s before the clip; silence fills the rest",
                        output, double(result.silence_tail) / rate));
    return result;
}

}  // namespace cinepipe
