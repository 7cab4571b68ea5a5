#include "cinepipe/frame_converter.h"

#include <array>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include <tbb/enumerable_thread_specific.h>

#include "av_util.h"

extern "C" {
#include <libavutil/opt.h>
}

namespace cinepipe {

namespace {

bool is_full_range(const VideoFrame& f) {
    if (info(f.format).family == ColorFamily::Rgb) return true;
    return f.tags.range == ColorRange::Full;
}

// Bit-exact, accurate rounding and full chroma interpolation: the same picture for the same
// input on any machine and thread count, and no 8-bit shortcuts.
constexpr int kSwsFlags =
    SWS_LANCZOS | SWS_ACCURATE_RND | SWS_BITEXACT | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;

// log2 vertical chroma subsampling, 0 for RGB.
int chroma_shift_y(PixelFormat f) {
    const auto& fi = info(f);
    return fi.family == ColorFamily::Rgb ? 0 : fi.chroma_shift_y;
}

bool is_interlaced(FieldOrder order) {
    return order == FieldOrder::TT || order == FieldOrder::BB || order == FieldOrder::TB ||
           order == FieldOrder::BT;
}

// A height that splits into two fields of whole rows in every plane: even, and a multiple of
// 4 when chroma is vertically subsampled (each field then has whole chroma rows).
bool splits_into_fields(int height, PixelFormat f) {
    return height % (chroma_shift_y(f) > 0 ? 4 : 2) == 0;
}

// Keep the source's matrix and range on both sides: a format conversion is not a
// colour-space conversion (that is OCIO's job).
void set_colorspace(SwsContext* ctx, const VideoFrame& in, PixelFormat to) {
    const ColorTags out_tags = converted_tags(in.tags, in.format, to);
    const int* src_coefs = av::sws_coefficients(in.tags.matrix);
    const int* dst_coefs = av::sws_coefficients(out_tags.matrix);
    sws_setColorspaceDetails(ctx, src_coefs, is_full_range(in) ? 1 : 0, dst_coefs,
                             out_tags.range == ColorRange::Full ? 1 : 0, 0, 1 << 16, 1 << 16);
}

[[noreturn]] void throw_unsupported(PixelFormat from, PixelFormat to) {
    throw std::runtime_error(std::string("cannot convert ") + to_string(from) + " to " +
                             to_string(to));
}

// A context scaling one field (half the frame's rows) of `in` to one field of the output.
// In an interlaced 4:2:0 frame the chroma rows of the top field sit a quarter of a field line
// below their luma row and those of the bottom field three quarters (MPEG-2 siting, the
// per-field view of the centred siting the progressive path assumes), so each field gets its
// own context with that vertical chroma position on the 4:2:0 side, as vf_scale's interl=1.
av::SwsPtr make_field_context(const VideoFrame& in, int out_w, int out_h, PixelFormat to,
                              int field) {
    av::SwsPtr ctx(sws_alloc_context());
    if (!ctx) throw std::bad_alloc();
    const int chr_pos = field == 0 ? 64 : 192;  // 1/256 of a field line
    const auto set = [&](const char* name, std::int64_t v) {
        if (av_opt_set_int(ctx.get(), name, v, 0) < 0) throw_unsupported(in.format, to);
    };
    set("srcw", in.width);
    set("srch", in.height / 2);
    set("src_format", av::to_av(in.format));
    set("dstw", out_w);
    set("dsth", out_h / 2);
    set("dst_format", av::to_av(to));
    set("sws_flags", kSwsFlags);
    if (chroma_shift_y(in.format) > 0) set("src_v_chr_pos", chr_pos);
    if (chroma_shift_y(to) > 0) set("dst_v_chr_pos", chr_pos);
    if (sws_init_context(ctx.get(), nullptr, nullptr) < 0) throw_unsupported(in.format, to);
    set_colorspace(ctx.get(), in, to);
    return ctx;
}

}  // namespace

struct FrameConverter::Impl {
    ConverterOptions options;
    FramePool pool;
    // swscale contexts are not thread-safe; one per worker thread, created on first use.
    struct Cached {
        av::SwsPtr ctx;  // whole frame, created on first progressive use
        // Per field (0: even rows, 1: odd rows) at half height, for interlaced frames whose
        // vertical chroma subsampling changes; created on first such use.
        std::array<av::SwsPtr, 2> field_ctx;
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
    // Resampling chroma vertically across a whole interlaced frame mixes its two fields (the
    // colour of one moment bleeds into the other on motion), so such frames are converted
    // field by field: each field is viewed as a half-height picture with doubled strides.
    const bool by_field =
        is_interlaced(in->field_order) && chroma_shift_y(in->format) != chroma_shift_y(o.format) &&
        splits_into_fields(in->height, in->format) && splits_into_fields(o.height, o.format);
    auto& cached = impl_->contexts.local();
    if (cached.src_format != in->format || cached.src_w != in->width ||
        cached.src_h != in->height || !(cached.tags == in->tags)) {
        cached.ctx.reset();
        cached.field_ctx[0].reset();
        cached.field_ctx[1].reset();
        cached.src_format = in->format;
        cached.src_w = in->width;
        cached.src_h = in->height;
        cached.tags = in->tags;
    }
    if (by_field && !cached.field_ctx[0]) {
        // Both or neither: a failure on the second must not leave half a pair cached.
        auto top = make_field_context(*in, o.width, o.height, o.format, 0);
        auto bottom = make_field_context(*in, o.width, o.height, o.format, 1);
        cached.field_ctx[0] = std::move(top);
        cached.field_ctx[1] = std::move(bottom);
    } else if (!by_field && !cached.ctx) {
        cached.ctx.reset(sws_getContext(in->width, in->height, av::to_av(in->format), o.width,
                                        o.height, av::to_av(o.format), kSwsFlags, nullptr, nullptr,
                                        nullptr));
        if (!cached.ctx) throw_unsupported(in->format, o.format);
        set_colorspace(cached.ctx.get(), *in, o.format);
    }
    auto out = impl_->pool.acquire();
    copy_frame_props(*in, *out);
    out->tags = converted_tags(in->tags, in->format, o.format);
    std::array<int, 4> src_stride{};
    std::array<int, 4> dst_stride{};
    std::array<const std::uint8_t*, 4> src{};
    std::array<std::uint8_t*, 4> dst{};
    if (!by_field) {
        for (std::size_t i = 0; i < 4; ++i) {
            src[i] = in->data[i];
            src_stride[i] = static_cast<int>(in->stride[i]);
            dst_stride[i] = static_cast<int>(out->stride[i]);
        }
        sws_scale(cached.ctx.get(), src.data(), src_stride.data(), 0, in->height, out->data.data(),
                  dst_stride.data());
        return out;
    }
    for (std::size_t i = 0; i < 4; ++i) {
        src_stride[i] = static_cast<int>(in->stride[i] * 2);
        dst_stride[i] = static_cast<int>(out->stride[i] * 2);
    }
    for (int field = 0; field < 2; ++field) {
        // Field 1 starts one row down in every plane; unused planes stay null.
        for (std::size_t i = 0; i < 4; ++i) {
            src[i] = in->data[i] ? in->data[i] + field * in->stride[i] : nullptr;
            dst[i] = out->data[i] ? out->data[i] + field * out->stride[i] : nullptr;
        }
        sws_scale(cached.field_ctx[static_cast<std::size_t>(field)].get(), src.data(),
                  src_stride.data(), 0, in->height / 2, dst.data(), dst_stride.data());
    }
    return out;
}

// YUV->YUV keeps matrix and range. YUV->RGB gives full-range RGB. RGB->YUV gives the video
// convention a deliverable expects: limited range, the Rec.709 matrix unless the primaries
// say Rec.2020.
ColorTags converted_tags(ColorTags tags, PixelFormat from, PixelFormat to) {
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

}  // namespace cinepipe
