#include "cinepipe/frame_converter.h"

#include <tbb/enumerable_thread_specific.h>

#include "av_util.h"

namespace cinepipe {

namespace {

// swscale's YUV<->RGB coefficients for an H.273 matrix (Rec.601 when unknown, as libav does).
const int* coefficients_for(MatrixCoefficients m) {
    switch (m) {
        case MatrixCoefficients::Bt709:
            return sws_getCoefficients(SWS_CS_ITU709);
        case MatrixCoefficients::Bt2020Ncl:
        case MatrixCoefficients::Bt2020Cl:
            return sws_getCoefficients(SWS_CS_BT2020);
        case MatrixCoefficients::Smpte240m:
            return sws_getCoefficients(SWS_CS_SMPTE240M);
        case MatrixCoefficients::Fcc:
            return sws_getCoefficients(SWS_CS_FCC);
        default:
            return sws_getCoefficients(SWS_CS_DEFAULT);
    }
}

bool is_full_range(const VideoFrame& f) {
    if (info(f.format).family == ColorFamily::Rgb) return true;
    return f.tags.range == ColorRange::Full;
}

// YUV->YUV keeps matrix and range. YUV->RGB gives full-range RGB. RGB->YUV gives the video
// convention a deliverable expects: limited range, the Rec.709 matrix unless the primaries
// say Rec.2020.
ColorTags output_tags(ColorTags tags, PixelFormat from, PixelFormat to) {
    const bool from_rgb = info(from).family == ColorFamily::Rgb;
    const bool to_rgb = info(to).family == ColorFamily::Rgb;
    if (to_rgb) {
        tags.matrix = MatrixCoefficients::Rgb;
        tags.range = ColorRange::Full;
    } else if (from_rgb) {
        tags.matrix = tags.primaries == ColorPrimaries::Bt2020 ? MatrixCoefficients::Bt2020Ncl
                                                               : MatrixCoefficients::Bt709;
        tags.range = ColorRange::Limited;
    } else if (tags.range == ColorRange::Unspecified) {
        tags.range = ColorRange::Limited;
    }
    return tags;
}

}  // namespace

struct FrameConverter::Impl {
    ConverterOptions options;
    FramePool pool;
    // swscale contexts are not thread-safe; one per worker thread, created on first use.
    struct Cached {
        av::SwsPtr ctx;
        PixelFormat src_format{};
        int src_w = 0, src_h = 0;
        ColorTags tags;
    };
    mutable tbb::enumerable_thread_specific<Cached> contexts;

    explicit Impl(const ConverterOptions& o)
        : options(o), pool(o.format, o.width, o.height, o.pool_size) {}
};

FrameConverter::FrameConverter(const ConverterOptions& options) {
    if (options.width <= 0 || options.height <= 0)
        throw std::invalid_argument("FrameConverter needs an output size");
    impl_ = std::make_unique<Impl>(options);
}

FrameConverter::~FrameConverter() = default;

FramePtr FrameConverter::convert(const FramePtr& in) const {
    const auto& o = impl_->options;
    if (in->format == o.format && in->width == o.width && in->height == o.height) return in;
    auto& cached = impl_->contexts.local();
    if (!cached.ctx || cached.src_format != in->format || cached.src_w != in->width ||
        cached.src_h != in->height || !(cached.tags == in->tags)) {
        // Bit-exact, accurate rounding and full chroma interpolation: the same picture for
        // the same input on any machine and thread count, and no 8-bit shortcuts.
        const int flags =
            SWS_LANCZOS | SWS_ACCURATE_RND | SWS_BITEXACT | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;
        cached.ctx.reset(sws_getContext(in->width, in->height, av::to_av(in->format), o.width,
                                        o.height, av::to_av(o.format), flags, nullptr, nullptr,
                                        nullptr));
        if (!cached.ctx)
            throw std::runtime_error(std::string("cannot convert ") + to_string(in->format) +
                                     " to " + to_string(o.format));
        // Keep the source's matrix and range on both sides: a format conversion is not a
        // colour-space conversion (that is OCIO's job).
        const ColorTags out_tags = output_tags(in->tags, in->format, o.format);
        const int* src_coefs = coefficients_for(in->tags.matrix);
        const int* dst_coefs = coefficients_for(out_tags.matrix);
        sws_setColorspaceDetails(cached.ctx.get(), src_coefs, is_full_range(*in) ? 1 : 0, dst_coefs,
                                 out_tags.range == ColorRange::Full ? 1 : 0, 0, 1 << 16, 1 << 16);
        cached.src_format = in->format;
        cached.src_w = in->width;
        cached.src_h = in->height;
        cached.tags = in->tags;
    }
    auto out = impl_->pool.acquire();
    copy_frame_props(*in, *out);
    out->tags = output_tags(in->tags, in->format, o.format);
    std::array<int, 4> src_stride{};
    std::array<int, 4> dst_stride{};
    std::array<const std::uint8_t*, 4> src{};
    for (std::size_t i = 0; i < 4; ++i) {
        src[i] = in->data[i];
        src_stride[i] = static_cast<int>(in->stride[i]);
        dst_stride[i] = static_cast<int>(out->stride[i]);
    }
    sws_scale(cached.ctx.get(), src.data(), src_stride.data(), 0, in->height, out->data.data(),
              dst_stride.data());
    return out;
}

}  // namespace cinepipe
