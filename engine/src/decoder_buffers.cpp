#include "decoder_buffers.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/buffer.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>

#include "picture_memory.h"

namespace cinepipe::av {

namespace {

// Past the end of each plane, as libavcodec's own buffers: SIMD code may read a little
// beyond the last row.
constexpr std::size_t kPlanePadding = 16 + 64 - 1;
constexpr std::size_t kPlaneAlign = 64;

std::size_t align_up(std::size_t v) {
    return (v + kPlaneAlign - 1) / kPlaneAlign * kPlaneAlign;
}

void release_memory(void* /*opaque*/, std::uint8_t* data) {
    free_picture_memory(data);
}

AVBufferRef* allocate_buffer(void* /*opaque*/, std::size_t size) {
    std::uint8_t* memory = nullptr;
    try {
        memory = allocate_picture_memory(size);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
    AVBufferRef* buffer = av_buffer_create(memory, size, release_memory, nullptr, 0);
    if (!buffer) free_picture_memory(memory);
    return buffer;
}

// One decoder's pictures: all planes of a picture in one buffer, from a pool of such buffers
// for the current format and size. Frame threads share it (libav calls get_buffer2 from one
// thread at a time; the mutex makes that a guarantee rather than an assumption).
class DecoderBuffers {
  public:
    DecoderBuffers() = default;
    DecoderBuffers(const DecoderBuffers&) = delete;
    DecoderBuffers& operator=(const DecoderBuffers&) = delete;
    // Pictures still out keep the pool's buffers alive: av_buffer_pool_uninit frees them when
    // they come back.
    ~DecoderBuffers() { av_buffer_pool_uninit(&pool_); }

    static int get_buffer(AVCodecContext* ctx, AVFrame* frame, int flags) {
        const AVPixFmtDescriptor* desc =
            av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame->format));
        const bool ours =
            ctx->codec_type == AVMEDIA_TYPE_VIDEO && ctx->codec &&
            (ctx->codec->capabilities & AV_CODEC_CAP_DR1) && !ctx->hw_frames_ctx && desc &&
            !(desc->flags &
              (AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BITSTREAM));
        if (!ours) return avcodec_default_get_buffer2(ctx, frame, flags);
        return static_cast<DecoderBuffers*>(ctx->opaque)->get(*ctx, *frame);
    }

  private:
    int get(AVCodecContext& ctx, AVFrame& frame) {
        const std::lock_guard lock(mutex_);
        if (!pool_ || frame.format != format_ || frame.width != width_ || frame.height != height_)
            if (const int err = lay_out(ctx, frame); err < 0) return err;
        AVBufferRef* buffer = av_buffer_pool_get(pool_);
        if (!buffer) return AVERROR(ENOMEM);
        frame.buf[0] = buffer;
        for (std::size_t i = 0; i < 4; ++i) {
            frame.data[i] = offset_[i] == kNoPlane ? nullptr : buffer->data + offset_[i];
            frame.linesize[i] = linesize_[i];
        }
        frame.extended_data = frame.data;
        return 0;
    }

    // The planes' strides and places for this format and size, as libavcodec's default
    // (avcodec_align_dimensions2, widened until every stride meets its alignment), and a new
    // pool.
    int lay_out(AVCodecContext& ctx, const AVFrame& frame) {
        const auto format = static_cast<AVPixelFormat>(frame.format);
        int w = frame.width;
        int h = frame.height;
        std::array<int, AV_NUM_DATA_POINTERS> stride_align{};
        avcodec_align_dimensions2(&ctx, &w, &h, stride_align.data());
        std::array<int, 4> linesize{};
        for (bool aligned = false; !aligned;) {
            if (const int err = av_image_fill_linesizes(linesize.data(), format, w); err < 0)
                return err;
            w += w & ~(w - 1);  // the next try doubles the width's alignment
            aligned = true;
            for (std::size_t i = 0; i < 4; ++i)
                if (stride_align[i] > 0 && linesize[i] % stride_align[i] != 0) aligned = false;
        }
        std::array<std::ptrdiff_t, 4> linesize1{};
        for (std::size_t i = 0; i < 4; ++i) linesize1[i] = linesize[i];
        std::array<std::size_t, 4> size{};
        if (const int err = av_image_fill_plane_sizes(size.data(), format, h, linesize1.data());
            err < 0)
            return err;
        std::size_t total = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            offset_[i] = kNoPlane;
            if (size[i] == 0) continue;
            if (size[i] > static_cast<std::size_t>(INT_MAX)) return AVERROR(EINVAL);
            offset_[i] = total;
            total = align_up(total + size[i] + kPlanePadding);
        }
        av_buffer_pool_uninit(&pool_);
        pool_ = av_buffer_pool_init2(total, nullptr, allocate_buffer, nullptr);
        if (!pool_) return AVERROR(ENOMEM);
        linesize_ = linesize;
        format_ = frame.format;
        width_ = frame.width;
        height_ = frame.height;
        return 0;
    }

    static constexpr std::size_t kNoPlane = ~std::size_t{0};
    std::mutex mutex_;
    AVBufferPool* pool_ = nullptr;
    int format_ = -1;
    int width_ = 0;
    int height_ = 0;
    std::array<int, 4> linesize_{};
    std::array<std::size_t, 4> offset_{kNoPlane, kNoPlane, kNoPlane, kNoPlane};
};

}  // namespace

void use_picture_memory(CodecContext& decoder) {
    auto buffers = std::make_shared<DecoderBuffers>();
    decoder->opaque = buffers.get();
    decoder->get_buffer2 = &DecoderBuffers::get_buffer;
    decoder.get_deleter().callbacks_state = std::move(buffers);
}

}  // namespace cinepipe::av
