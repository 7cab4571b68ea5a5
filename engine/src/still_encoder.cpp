#include "still_encoder.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

extern "C" {
#include <libavutil/opt.h>
}

#include "av_util.h"

namespace cinepipe {

namespace {

// The MJPEG encoder folds the quantiser into its tables (MPEG-1 intra matrix * q / 8): at 2
// the mean step is about libjpeg's at quality 90-93, below visible loss on a still.
constexpr int kJpegQuantiser = 2;

void check(int err, const char* what) {
    if (err < 0) throw std::runtime_error(std::string(what) + " (" + av::error_string(err) + ")");
}

void check_size(const RgbImage& image) {
    if (image.width <= 0 || image.height <= 0 ||
        image.rgb.size() !=
            static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3)
        throw std::runtime_error("the picture's size does not match its pixels");
}

av::FramePtr picture_buffer(AVPixelFormat format, int width, int height) {
    av::FramePtr f = av::make_frame();
    f->format = format;
    f->width = width;
    f->height = height;
    check(av_frame_get_buffer(f.get(), 0), "cannot allocate a picture");
    return f;
}

// The image's rows in an RGB24 frame (libav wants its own aligned buffer).
av::FramePtr rgb_frame(const RgbImage& image) {
    av::FramePtr f = picture_buffer(AV_PIX_FMT_RGB24, image.width, image.height);
    const std::size_t row = static_cast<std::size_t>(image.width) * 3;
    for (int y = 0; y < image.height; ++y)
        std::memcpy(f->data[0] + static_cast<std::ptrdiff_t>(y) * f->linesize[0],
                    image.rgb.data() + static_cast<std::size_t>(y) * row, row);
    return f;
}

// One picture through an intra-only encoder: its single packet is the whole file.
std::string encode_one(AVCodecContext& ctx, AVFrame& frame, const char* what) {
    check(avcodec_send_frame(&ctx, &frame), what);
    check(avcodec_send_frame(&ctx, nullptr), what);
    const av::PacketPtr packet = av::make_packet();
    std::string bytes;
    for (;;) {
        const int err = avcodec_receive_packet(&ctx, packet.get());
        if (err == AVERROR_EOF) break;
        check(err, what);
        bytes.append(reinterpret_cast<const char*>(packet->data),
                     static_cast<std::size_t>(packet->size));
        av_packet_unref(packet.get());
    }
    if (bytes.empty()) throw std::runtime_error(std::string(what) + " (no output)");
    return bytes;
}

av::CodecContext open_context(AVCodecID id, const RgbImage& image, AVPixelFormat format,
                              const char* name) {
    const AVCodec* codec = avcodec_find_encoder(id);
    if (!codec)
        throw std::runtime_error(std::string("this libavcodec has no ") + name + " encoder");
    av::CodecContext ctx(avcodec_alloc_context3(codec));
    if (!ctx) throw std::bad_alloc();
    ctx->width = image.width;
    ctx->height = image.height;
    ctx->pix_fmt = format;
    ctx->time_base = {1, 25};
    // sRGB-coded pictures: BT.709 primaries, the sRGB curve, full range.
    ctx->color_primaries = AVCOL_PRI_BT709;
    ctx->color_trc = AVCOL_TRC_IEC61966_2_1;
    ctx->color_range = AVCOL_RANGE_JPEG;
    ctx->colorspace = format == AV_PIX_FMT_RGB24 ? AVCOL_SPC_RGB : AVCOL_SPC_BT470BG;
    return ctx;
}

}  // namespace

std::string encode_jpeg(const RgbImage& image) {
    check_size(image);
    av::init_logging();
    // The deprecated J format is the one every mjpeg encoder takes without a compliance flag.
    av::CodecContext ctx = open_context(AV_CODEC_ID_MJPEG, image, AV_PIX_FMT_YUVJ420P, "JPEG");
    ctx->flags |= AV_CODEC_FLAG_QSCALE;
    ctx->global_quality = FF_QP2LAMBDA * kJpegQuantiser;
    check(avcodec_open2(ctx.get(), ctx->codec, nullptr), "cannot open the JPEG encoder");

    const av::FramePtr rgb = rgb_frame(image);
    av::FramePtr yuv = picture_buffer(AV_PIX_FMT_YUVJ420P, image.width, image.height);
    const av::SwsPtr sws(sws_getContext(
        image.width, image.height, AV_PIX_FMT_RGB24, image.width, image.height, AV_PIX_FMT_YUVJ420P,
        SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT, nullptr, nullptr, nullptr));
    if (!sws) throw std::runtime_error("cannot convert RGB to YCbCr");
    // JFIF's YCbCr: BT.601 coefficients over the full 0-255 range, for luma and chroma.
    const int* jfif = sws_getCoefficients(SWS_CS_ITU601);
    sws_setColorspaceDetails(sws.get(), jfif, 1, jfif, 1, 0, 1 << 16, 1 << 16);
    sws_scale(sws.get(), rgb->data, rgb->linesize, 0, image.height, yuv->data, yuv->linesize);
    yuv->quality = ctx->global_quality;
    yuv->color_range = AVCOL_RANGE_JPEG;
    yuv->colorspace = AVCOL_SPC_BT470BG;
    yuv->pts = 0;
    return encode_one(*ctx, *yuv, "cannot encode JPEG");
}

std::string encode_png(const RgbImage& image) {
    check_size(image);
    av::init_logging();
    av::CodecContext ctx = open_context(AV_CODEC_ID_PNG, image, AV_PIX_FMT_RGB24, "PNG");
    // Paeth prediction per row: most of what "mixed" gains on pictures, at a fraction of
    // its time.
    av_opt_set(ctx->priv_data, "pred", "paeth", 0);
    check(avcodec_open2(ctx.get(), ctx->codec, nullptr), "cannot open the PNG encoder");
    av::FramePtr rgb = rgb_frame(image);
    rgb->color_primaries = AVCOL_PRI_BT709;
    rgb->color_trc = AVCOL_TRC_IEC61966_2_1;
    rgb->pts = 0;
    return encode_one(*ctx, *rgb, "cannot encode PNG");
}

}  // namespace cinepipe
