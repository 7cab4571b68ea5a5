#pragma once
// RAII owners and small translations for libav objects. Private to the engine: public
// headers never mention libav types.

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <optional>
#include <string>

#include "cinepipe/color_tags.h"
#include "cinepipe/frame.h"
#include "cinepipe/pixel_format.h"
#include "cinepipe/rational.h"

namespace cinepipe::av {

struct InputContextDeleter {
    void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct CodecContextDeleter {
    // What the context's callbacks use (its `opaque`): released after the context is freed,
    // which joins its threads.
    std::shared_ptr<void> callbacks_state;
    void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct FrameDeleter {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct SwrDeleter {
    void operator()(SwrContext* s) const { swr_free(&s); }
};
struct DictDeleter {
    void operator()(AVDictionary* d) const { av_dict_free(&d); }
};

// A muxer and the file it writes (closed, not finalised: the trailer is the writer's job).
struct OutputContextDeleter {
    void operator()(AVFormatContext* ctx) const {
        if (ctx && ctx->pb && !(ctx->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx->pb);
        avformat_free_context(ctx);
    }
};

using InputContext = std::unique_ptr<AVFormatContext, InputContextDeleter>;
using OutputContext = std::unique_ptr<AVFormatContext, OutputContextDeleter>;
using CodecContext = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;

FramePtr make_frame();
PacketPtr make_packet();

// "Invalid data found when processing input" for an AVERROR code.
std::string error_string(int err);

inline Rational to_rational(AVRational r) {
    return {r.num, r.den};
}
inline AVRational to_av(Rational r) {
    return {static_cast<int>(r.num), static_cast<int>(r.den)};
}

AVPixelFormat to_av(PixelFormat fmt);
// The deprecated full-range "J" formats (yuvj420p ...) that MJPEG and some H.264 decoders
// still output: same memory layout as yuv4xxp, full range.
bool is_full_range_yuvj(AVPixelFormat fmt);
// swscale's YUV<->RGB coefficients for an H.273 matrix (Rec.601 when unknown, as libav does).
const int* sws_coefficients(MatrixCoefficients m);
std::optional<PixelFormat> from_av(AVPixelFormat fmt);
// The canonical working format that holds `fmt` without loss (bit depth, chroma, alpha).
PixelFormat nearest_working_format(AVPixelFormat fmt);

// Values a damaged header put outside what H.273 names come back Unspecified.
ColorTags tags_from(const AVCodecParameters& par);
ColorTags tags_from(const AVFrame& frame);
void apply_tags(const ColorTags& tags, AVCodecContext& ctx);
FieldOrder field_order_from(const AVCodecParameters& par);
AVFieldOrder to_av(FieldOrder order);

// Silence libav's own stderr chatter unless CINEPIPE_LOG_LEVEL asks for it: the engine
// reports problems itself, as one line with context.
void init_logging();

// Wrap a decoded AVFrame (whose format is in the working set) as a VideoFrame without
// copying: the VideoFrame keeps its own reference to the libav buffers.
std::shared_ptr<VideoFrame> wrap_frame(const AVFrame& src, PixelFormat format);

// The reverse, for encoders: an AVFrame referencing the VideoFrame's pixels (no copy). The
// AVFrame's buffer holds a reference to the VideoFrame until the encoder releases it.
FramePtr to_avframe(const cinepipe::FramePtr& frame);

}  // namespace cinepipe::av
