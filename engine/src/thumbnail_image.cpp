#include "thumbnail_image.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace cinepipe {

namespace {

void check(int err, const char* what) {
    if (err < 0)
        throw std::runtime_error(std::string("thumbnail: ") + what + " (" + av::error_string(err) +
                                 ")");
}

av::FramePtr picture_buffer(AVPixelFormat format, int width, int height) {
    av::FramePtr f = av::make_frame();
    f->format = format;
    f->width = width;
    f->height = height;
    check(av_frame_get_buffer(f.get(), 0), "allocating a picture");
    return f;
}

// Linear light (OpenEXR renders) would look dark and crushed shown as code values.
std::uint8_t srgb_encode(std::uint16_t linear) {
    const double v = linear / 65535.0;
    const double e = v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
    return static_cast<std::uint8_t>(std::lround(std::clamp(e, 0.0, 1.0) * 255));
}

}  // namespace

ThumbnailEncoder::ThumbnailEncoder(int width, int quality)
    : width_(std::max(16, width & ~1)),
      quality_(std::clamp(quality, 2, 31)),
      packet_(av::make_packet()) {}

ThumbnailEncoder::~ThumbnailEncoder() = default;

void ThumbnailEncoder::open_encoder(int width, int height) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    if (!codec) throw std::runtime_error("thumbnail: this libavcodec has no JPEG encoder");
    encoder_.reset(avcodec_alloc_context3(codec));
    if (!encoder_) throw std::bad_alloc();
    encoder_->width = width;
    encoder_->height = height;
    // The deprecated J format is the one every mjpeg encoder takes without a compliance flag.
    encoder_->pix_fmt = AV_PIX_FMT_YUVJ420P;
    encoder_->color_range = AVCOL_RANGE_JPEG;
    encoder_->time_base = {1, 25};
    encoder_->flags |= AV_CODEC_FLAG_QSCALE;
    encoder_->global_quality = FF_QP2LAMBDA * quality_;
    check(avcodec_open2(encoder_.get(), codec, nullptr), "opening the JPEG encoder");
    rgb48_ = picture_buffer(AV_PIX_FMT_RGB48, width, height);
    rgb24_ = picture_buffer(AV_PIX_FMT_RGB24, width, height);
    yuv_ = picture_buffer(AV_PIX_FMT_YUVJ420P, width, height);
}

ThumbnailEncoder::Image ThumbnailEncoder::encode(const AVFrame& picture, const ColorTags& tags,
                                                 Rational sample_aspect) {
    const double sar =
        sample_aspect.valid() && sample_aspect.num > 0 ? sample_aspect.to_double() : 1.0;
    const double display_width = picture.width * sar;
    const int height =
        std::max(2, static_cast<int>(std::lround(width_ * picture.height / display_width / 2)) * 2);
    if (!encoder_ || encoder_->height != height) open_encoder(width_, height);

    const auto source = static_cast<AVPixelFormat>(picture.format);
    shrink_.reset(sws_getCachedContext(
        shrink_.release(), picture.width, picture.height, source, width_, height, AV_PIX_FMT_RGB48,
        SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr));
    if (!shrink_)
        throw std::runtime_error(std::string("thumbnail: cannot convert ") +
                                 av_get_pix_fmt_name(source) + " to RGB");
    // The picture's own matrix and range; untagged as libav assumes (Rec.601 below 720 lines).
    MatrixCoefficients matrix = tags.matrix;
    if (matrix == MatrixCoefficients::Unspecified && picture.height >= 720)
        matrix = MatrixCoefficients::Bt709;
    const bool full = tags.range == ColorRange::Full || av::is_full_range_yuvj(source);
    const int* coefs = av::sws_coefficients(matrix);
    sws_setColorspaceDetails(shrink_.get(), coefs, full ? 1 : 0, coefs, 1, 0, 1 << 16, 1 << 16);
    check(av_frame_make_writable(rgb48_.get()), "preparing a picture");
    sws_scale(shrink_.get(), picture.data, picture.linesize, 0, picture.height, rgb48_->data,
              rgb48_->linesize);

    check(av_frame_make_writable(rgb24_.get()), "preparing a picture");
    const bool linear = tags.transfer == TransferCharacteristic::Linear;
    for (int y = 0; y < height; ++y) {
        const auto* in =
            reinterpret_cast<const std::uint16_t*>(rgb48_->data[0] + y * rgb48_->linesize[0]);
        std::uint8_t* out = rgb24_->data[0] + y * rgb24_->linesize[0];
        for (int x = 0; x < 3 * width_; ++x)
            out[x] = linear ? srgb_encode(in[x]) : static_cast<std::uint8_t>((in[x] + 128) / 257);
    }

    to_jpeg_.reset(sws_getCachedContext(to_jpeg_.release(), width_, height, AV_PIX_FMT_RGB24,
                                        width_, height, AV_PIX_FMT_YUVJ420P,
                                        SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
    if (!to_jpeg_) throw std::runtime_error("thumbnail: cannot convert RGB to YCbCr");
    const int* jfif = sws_getCoefficients(SWS_CS_ITU601);
    sws_setColorspaceDetails(to_jpeg_.get(), jfif, 1, jfif, 1, 0, 1 << 16, 1 << 16);
    check(av_frame_make_writable(yuv_.get()), "preparing a picture");
    sws_scale(to_jpeg_.get(), rgb24_->data, rgb24_->linesize, 0, height, yuv_->data,
              yuv_->linesize);

    yuv_->quality = encoder_->global_quality;
    yuv_->pts = next_pts_++;  // the encoder refuses a timestamp that does not advance
    check(avcodec_send_frame(encoder_.get(), yuv_.get()), "encoding JPEG");
    // JPEG is intra-only with no delay: the packet is ready at once.
    check(avcodec_receive_packet(encoder_.get(), packet_.get()), "encoding JPEG");
    Image image{width_, height,
                std::string(reinterpret_cast<const char*>(packet_->data),
                            static_cast<std::size_t>(packet_->size))};
    av_packet_unref(packet_.get());
    return image;
}

}  // namespace cinepipe
