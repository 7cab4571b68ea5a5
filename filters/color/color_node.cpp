#include "color_node.h"

#include <algorithm>
#include <cstring>

#include "cinepipe/builtin_filters.h"
#include "cinepipe/frame_converter.h"

namespace cinepipe::color {

namespace {

// Rows per band: a multiple of 8 (swscale's dither pattern repeats every 8 rows, so bands
// starting on it give the rows whole-frame conversion gives) and about 256 KB of float RGB.
int band_rows(int width) {
    const int rows = (256 * 1024) / std::max(1, width * 12);
    return std::max(8, rows / 8 * 8);
}

// A view of rows [y, y + rows) of `f`: same storage, shifted plane pointers.
VideoFrame band(const VideoFrame& f, int y, int rows) {
    VideoFrame v = f;
    v.height = rows;
    for (int p = 0; p < info(f.format).planes; ++p) {
        const auto i = static_cast<std::size_t>(p);
        const int shift = p == 0 || p == 3 || info(f.format).family == ColorFamily::Rgb
                              ? 0
                              : info(f.format).chroma_shift_y;
        v.data[i] = f.data[i] + static_cast<std::ptrdiff_t>(y >> shift) * f.stride[i];
    }
    return v;
}

}  // namespace

// The converters for full bands and for the last, shorter one (a converter is made for one
// size), to float RGB and back to the input's own YUV format, matrix and range.
struct ColorNode::Strips {
    struct Pair {
        std::unique_ptr<FrameConverter> to_rgb;
        std::unique_ptr<FrameConverter> to_yuv;
    };
    int rows = 0;
    Pair full;
    Pair last;  // empty when the height is a whole number of bands

    static Pair make(const StreamDesc& in, int rows, std::size_t pool) {
        ConverterOptions rgb;
        rgb.format = info(in.format).has_alpha ? PixelFormat::Gbrapf32 : PixelFormat::Gbrpf32;
        rgb.width = in.width;
        rgb.height = rows;
        rgb.pool_size = pool;
        ConverterOptions yuv;
        yuv.format = in.format;
        yuv.width = in.width;
        yuv.height = rows;
        yuv.pool_size = pool;
        yuv.range = in.tags.range == ColorRange::Unspecified ? ColorRange::Limited : in.tags.range;
        if (in.tags.matrix != MatrixCoefficients::Unspecified) yuv.matrix = in.tags.matrix;
        return {std::make_unique<FrameConverter>(rgb), std::make_unique<FrameConverter>(yuv)};
    }
};

ColorNode::ColorNode(ColorPipeline pipeline, std::size_t pool_size)
    : pipeline_(std::move(pipeline)),
      processor_(ColorProcessor::create(pipeline_)),
      pool_size_(pool_size) {}

bool ColorNode::absorb(Node& next) {
    auto* other = dynamic_cast<ColorNode*>(&next);
    if (!other) return false;
    // Two different OCIO configs cannot share one processor.
    const std::string& a = pipeline_.config;
    const std::string& b = other->pipeline_.config;
    if (!a.empty() && !b.empty() && a != b) return false;
    ColorPipeline merged = pipeline_;
    if (merged.config.empty()) merged.config = b;
    merged.ops.insert(merged.ops.end(), other->pipeline_.ops.begin(), other->pipeline_.ops.end());
    processor_ = ColorProcessor::create(merged);
    pipeline_ = std::move(merged);
    return true;
}

ColorNode::~ColorNode() = default;

bool ColorNode::fusable(PixelFormat format) {
    const auto& fi = info(format);
    return fi.family == ColorFamily::Yuv && fi.chroma_shift_y == 0;
}

std::vector<PixelFormat> ColorNode::accepted_formats(const StreamDesc& in) {
    // Nothing to do (a unity CDL, an identity LUT): take any format, so the frames pass
    // untouched instead of through a float round trip.
    if (processor_->is_noop()) return {};
    if (fusable(in.format)) return {in.format};
    if (info(in.format).has_alpha) return {PixelFormat::Gbrapf32, PixelFormat::Gbrpf32};
    return {PixelFormat::Gbrpf32, PixelFormat::Gbrapf32};
}

StreamDesc ColorNode::configure(const StreamDesc& in) {
    StreamDesc out = in;
    if (const auto& t = processor_->output_tags()) {
        out.tags.primaries = t->primaries;
        out.tags.transfer = t->transfer;
    }
    out_tags_ = out.tags;
    if (processor_->is_noop()) return out;
    pool_ = std::make_unique<FramePool>(in.format, in.width, in.height, pool_size_);
    if (fusable(in.format)) {
        // Band frames live only while one thread grades one band: a few per thread.
        const std::size_t band_pool = 2 * pool_size_;
        strips_ = std::make_unique<Strips>();
        strips_->rows = std::min(in.height, band_rows(in.width));
        strips_->full = Strips::make(in, strips_->rows, band_pool);
        if (const int rest = in.height % strips_->rows; rest != 0)
            strips_->last = Strips::make(in, rest, band_pool);
    }
    return out;
}

FramePtr ColorNode::process_strips(const FramePtr& in) {
    // A picture only this node holds (the graph hands a slot's last reference over) is graded
    // in place: no second picture in memory, and each row is written while still in cache.
    if (writable_in_place(in)) {
        auto& frame = const_cast<VideoFrame&>(*in);  // created mutable; no one else sees it
        if (processor_->apply_yuv(frame, frame)) {
            frame.tags = out_tags_;
            return in;
        }
    }
    auto out = pool_->acquire();
    copy_frame_props(*in, *out);
    out->tags = out_tags_;
    // The lattice path grades the YUV rows directly; otherwise bands go through swscale and
    // OCIO.
    if (processor_->apply_yuv(*in, *out)) return out;
    const int step = strips_->rows;
    for (int y = 0; y < in->height; y += step) {
        const int rows = std::min(step, in->height - y);
        const Strips::Pair& pair = rows == step ? strips_->full : strips_->last;
        auto view = std::make_shared<VideoFrame>(band(*in, y, rows));
        const FramePtr rgb = pair.to_rgb->convert(view);
        // The band is ours alone (fresh from the converter's pool): grade it in place.
        processor_->apply(const_cast<VideoFrame&>(*rgb));
        const FramePtr yuv = pair.to_yuv->convert(rgb);
        const VideoFrame dst = band(*out, y, rows);
        for (int p = 0; p < info(in->format).planes; ++p) {
            const auto i = static_cast<std::size_t>(p);
            for (int r = 0; r < yuv->plane_height(p); ++r)
                std::memcpy(dst.data[i] + r * dst.stride[i], yuv->plane(p) + r * yuv->stride[i],
                            yuv->row_bytes(p));
        }
    }
    return out;
}

FramePtr ColorNode::process(const FramePtr& in) {
    if (!pool_) {
        if (in->tags == out_tags_) return in;
        auto relabelled = std::make_shared<VideoFrame>(*in);
        relabelled->tags = out_tags_;
        return relabelled;
    }
    if (strips_) return process_strips(in);
    if (writable_in_place(in)) {
        auto& frame = const_cast<VideoFrame&>(*in);
        processor_->apply(frame);
        frame.tags = out_tags_;
        return in;
    }
    auto out = pool_->acquire();
    copy_frame_props(*in, *out);
    out->tags = out_tags_;
    processor_->apply(*in, *out);
    return out;
}

}  // namespace cinepipe::color

namespace cinepipe {

void register_color_filters(FilterRegistry& registry) {
    registry.add(color::ocio_filter_info());
    registry.add(color::cdl_filter_info());
    registry.add(color::lut_filter_info());
}

}  // namespace cinepipe
