#include "cinepipe/frame_converter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

int sws_algorithm(ScaleFilter filter) {
    switch (filter) {
        case ScaleFilter::Point:
            return SWS_POINT;
        case ScaleFilter::Bilinear:
            return SWS_BILINEAR;
        case ScaleFilter::Bicubic:
            return SWS_BICUBIC;
        case ScaleFilter::Spline:
            return SWS_SPLINE;
        case ScaleFilter::Area:
            return SWS_AREA;
        case ScaleFilter::Lanczos:
            break;
    }
    return SWS_LANCZOS;
}

// Bit-exact, accurate rounding and full chroma interpolation: the same picture for the same
// input on any machine and thread count, and no 8-bit shortcuts.
int sws_flags(ScaleFilter filter) {
    return sws_algorithm(filter) | SWS_ACCURATE_RND | SWS_BITEXACT | SWS_FULL_CHR_H_INT |
           SWS_FULL_CHR_H_INP;
}

bool is_yuv(PixelFormat f) {
    return info(f).family == ColorFamily::Yuv;
}

// The tags of `in` converted to the options' format, with the range/matrix overrides applied
// to a YUV target.
ColorTags target_tags(const VideoFrame& in, const ConverterOptions& o) {
    ColorTags tags = converted_tags(in.tags, in.format, o.format);
    if (is_yuv(o.format)) {
        if (o.range) tags.range = *o.range;
        if (o.matrix) tags.matrix = *o.matrix;
    }
    return tags;
}

bool same_coefficients(MatrixCoefficients a, MatrixCoefficients b) {
    return std::memcmp(av::sws_coefficients(a), av::sws_coefficients(b), 4 * sizeof(int)) == 0;
}

// A YUV->YUV conversion whose range changes. swscale does this badly above 8 bits: it maps
// the range on an 8-bit scale (10-bit 940 becomes 1020, not 1023) and ignores a range set
// after its context is initialised, so swscale keeps the source's range and remap_range()
// converts the result exactly afterwards.
bool needs_range_remap(const VideoFrame& in, PixelFormat to, const ColorTags& out_tags) {
    return is_yuv(in.format) && is_yuv(to) &&
           is_full_range(in) != (out_tags.range == ColorRange::Full);
}

// Exact limited<->full tables (ITU-T H.273 quantisation) for a `depth`-bit plane: luma
// 16..235 <-> 0..2^n-1, chroma 16..240 <-> 0..2^n-1 around the same neutral 2^(n-1), each
// scaled by 2^(n-8); rounded to nearest (symmetrically about neutral for chroma), clipped.
std::vector<std::uint16_t> range_table(int depth, bool chroma, bool to_full) {
    const double max = std::ldexp(1.0, depth) - 1.0;
    const double k = std::ldexp(1.0, depth - 8);
    const double mid = std::ldexp(1.0, depth - 1);
    std::vector<std::uint16_t> table(static_cast<std::size_t>(max) + 1);
    for (std::size_t v = 0; v < table.size(); ++v) {
        const double x = static_cast<double>(v);
        double y = 0;
        if (chroma) {
            const double offset = to_full ? (x - mid) * max / (224 * k) : (x - mid) * 224 * k / max;
            y = mid + std::round(offset);
        } else {
            y = std::round(to_full ? (x - 16 * k) * max / (219 * k) : x * 219 * k / max + 16 * k);
        }
        table[v] = static_cast<std::uint16_t>(std::clamp(y, 0.0, max));
    }
    return table;
}

template <typename T>
void remap_plane(VideoFrame& f, int plane, const std::vector<std::uint16_t>& table) {
    const std::size_t last = table.size() - 1;
    for (int y = 0; y < f.plane_height(plane); ++y) {
        auto* row = reinterpret_cast<T*>(f.mutable_plane(plane) + y * f.stride[plane]);
        for (int x = 0; x < f.plane_width(plane); ++x)
            row[x] = static_cast<T>(table[std::min<std::size_t>(row[x], last)]);
    }
}

// Applies the luma/chroma tables to planes 0..2 of a planar YUV frame (alpha is untouched).
void remap_range(VideoFrame& f, const std::vector<std::uint16_t>& luma,
                 const std::vector<std::uint16_t>& chroma) {
    const bool bytes = info(f.format).sample == SampleType::U8;
    for (int p = 0; p < 3; ++p) {
        const auto& table = p == 0 ? luma : chroma;
        if (bytes) {
            remap_plane<std::uint8_t>(f, p, table);
        } else {
            remap_plane<std::uint16_t>(f, p, table);
        }
    }
}

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

// Keep the source's matrix and range on both sides unless the options override them: a
// format conversion is not a colour-space conversion (that is OCIO's job). A YUV->YUV range
// change is left to remap_range().
void set_colorspace(SwsContext* ctx, const VideoFrame& in, PixelFormat to,
                    const ColorTags& out_tags) {
    const int* src_coefs = av::sws_coefficients(in.tags.matrix);
    const int* dst_coefs = av::sws_coefficients(out_tags.matrix);
    const bool src_full = is_full_range(in);
    const bool dst_full =
        needs_range_remap(in, to, out_tags) ? src_full : out_tags.range == ColorRange::Full;
    sws_setColorspaceDetails(ctx, src_coefs, src_full ? 1 : 0, dst_coefs, dst_full ? 1 : 0, 0,
                             1 << 16, 1 << 16);
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
av::SwsPtr make_field_context(const VideoFrame& in, const ConverterOptions& o, int field) {
    const int out_w = o.width;
    const int out_h = o.height;
    const PixelFormat to = o.format;
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
    set("sws_flags", sws_flags(o.filter));
    if (chroma_shift_y(in.format) > 0) set("src_v_chr_pos", chr_pos);
    if (chroma_shift_y(to) > 0) set("dst_v_chr_pos", chr_pos);
    if (sws_init_context(ctx.get(), nullptr, nullptr) < 0) throw_unsupported(in.format, to);
    set_colorspace(ctx.get(), in, to, target_tags(in, o));
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
        ColorTags out_tags;  // what frames with these tags become
        // Exact range conversion after swscale (see needs_range_remap); empty when none.
        std::vector<std::uint16_t> luma_table, chroma_table;
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
    if (in->format == o.format && in->width == o.width && in->height == o.height) {
        if (!o.range && !o.matrix) return in;
        // Overrides that leave the pixels as they are only relabel the frame.
        const ColorTags out_tags = target_tags(*in, o);
        const bool same_pixels =
            !is_yuv(o.format) || (is_full_range(*in) == (out_tags.range == ColorRange::Full) &&
                                  same_coefficients(in->tags.matrix, out_tags.matrix));
        if (same_pixels) {
            if (out_tags == in->tags) return in;
            auto view = std::make_shared<VideoFrame>(*in);
            view->tags = out_tags;
            return view;
        }
    }
    // Resampling vertically across a whole interlaced frame (a chroma subsampling change or a
    // resize) mixes its two fields: the picture of one moment bleeds into the other on motion.
    // Such frames are converted field by field, each viewed as a half-height picture with
    // doubled strides (as vf_scale's interl=1).
    const bool by_field =
        is_interlaced(in->field_order) &&
        (chroma_shift_y(in->format) != chroma_shift_y(o.format) || in->height != o.height) &&
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
        cached.out_tags = target_tags(*in, o);
        cached.luma_table.clear();
        cached.chroma_table.clear();
        if (needs_range_remap(*in, o.format, cached.out_tags)) {
            const int depth = info(o.format).bit_depth;
            const bool to_full = cached.out_tags.range == ColorRange::Full;
            cached.luma_table = range_table(depth, false, to_full);
            cached.chroma_table = range_table(depth, true, to_full);
        }
    }
    if (by_field && !cached.field_ctx[0]) {
        // Both or neither: a failure on the second must not leave half a pair cached.
        auto top = make_field_context(*in, o, 0);
        auto bottom = make_field_context(*in, o, 1);
        cached.field_ctx[0] = std::move(top);
        cached.field_ctx[1] = std::move(bottom);
    } else if (!by_field && !cached.ctx) {
        cached.ctx.reset(sws_getContext(in->width, in->height, av::to_av(in->format), o.width,
                                        o.height, av::to_av(o.format), sws_flags(o.filter), nullptr,
                                        nullptr, nullptr));
        if (!cached.ctx) throw_unsupported(in->format, o.format);
        set_colorspace(cached.ctx.get(), *in, o.format, cached.out_tags);
    }
    auto out = impl_->pool.acquire();
    copy_frame_props(*in, *out);
    out->tags = cached.out_tags;
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
    } else {
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
    }
    if (!cached.luma_table.empty()) remap_range(*out, cached.luma_table, cached.chroma_table);
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
