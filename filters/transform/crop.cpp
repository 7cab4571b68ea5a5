// crop: a rectangle of the picture, copied into a pooled frame with aligned rows.

#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "cinepipe/error.h"
#include "transform_filters.h"

namespace cinepipe::transform {

namespace {

constexpr int kMaxSize = 32768;

class Crop final : public Node {
  public:
    Crop(const ParamSet& params, const NodeContext& ctx)
        : x_(int_value(params, "x")),
          y_(int_value(params, "y")),
          width_(int_value(params, "width")),
          height_(int_value(params, "height")),
          pool_size_(ctx.pool_size) {}

    StreamDesc configure(const StreamDesc& in) override {
        if (x_ >= in.width || y_ >= in.height)
            throw InputError(
                fmt::format("crop {},{} is outside a {}x{} picture", x_, y_, in.width, in.height));
        const int w = width_ ? width_ : in.width - x_;
        const int h = height_ ? height_ : in.height - y_;
        if (x_ + w > in.width || y_ + h > in.height)
            throw InputError(fmt::format("crop {},{} {}x{} does not fit a {}x{} picture", x_, y_, w,
                                         h, in.width, in.height));
        // Chroma samples cover 2 pixels across (4:2:x) and 2 rows down (4:2:0): the rectangle
        // must start on that grid and cover whole chroma samples, except where it reaches
        // the picture's own right or bottom edge.
        const auto& fi = info(in.format);
        if (fi.family == ColorFamily::Yuv) {
            const int gx = 1 << fi.chroma_shift_x;
            const int gy = 1 << fi.chroma_shift_y;
            if (x_ % gx != 0 || (w % gx != 0 && x_ + w != in.width))
                throw InputError(fmt::format(
                    "crop x and width must be multiples of {} for {}: got x {}, width {}", gx,
                    describe_format(in.format), x_, w));
            if (y_ % gy != 0 || (h % gy != 0 && y_ + h != in.height))
                throw InputError(fmt::format(
                    "crop y and height must be multiples of {} for {}: got y {}, height {}", gy,
                    describe_format(in.format), y_, h));
        }
        // An interlaced picture cut from an odd row would swap its fields under an unchanged
        // field-order tag; 4:2:0 fields also need whole chroma rows each.
        if (in.field_order != FieldOrder::Progressive && in.field_order != FieldOrder::Unknown) {
            const int g = fi.family == ColorFamily::Yuv && fi.chroma_shift_y > 0 ? 4 : 2;
            if (y_ % g != 0 || h % g != 0)
                throw InputError(fmt::format(
                    "crop y and height must be multiples of {} to keep the fields of interlaced "
                    "{}: got y {}, height {}",
                    g, describe_format(in.format), y_, h));
        }
        in_ = in;
        StreamDesc out = in;
        out.width = w;
        out.height = h;
        identity_ = w == in.width && h == in.height;
        if (!identity_) pool_ = std::make_unique<FramePool>(in.format, w, h, pool_size_);
        return out;
    }

    FramePtr process(const FramePtr& in) override {
        check_frame(*in, in_, "crop");
        if (identity_) return in;
        auto out = pool_->acquire();
        copy_frame_props(*in, *out);
        for (int p = 0; p < info(in->format).planes; ++p) {
            const auto ps = static_cast<std::size_t>(p);
            const auto left = static_cast<std::ptrdiff_t>(
                static_cast<std::size_t>(x_ >> plane_shift_x(in->format, p)) *
                pixel_bytes(in->format, p));
            const std::ptrdiff_t top = y_ >> plane_shift_y(in->format, p);
            const std::uint8_t* src = in->plane(p) + top * in->stride[ps] + left;
            const std::size_t bytes = out->row_bytes(p);
            for (int row = 0; row < out->plane_height(p); ++row)
                std::memcpy(out->mutable_plane(p) + row * out->stride[ps],
                            src + row * in->stride[ps], bytes);
        }
        return out;
    }

  private:
    int x_;
    int y_;
    int width_;
    int height_;
    std::size_t pool_size_;
    StreamDesc in_;
    bool identity_ = false;
    std::unique_ptr<FramePool> pool_;
};

}  // namespace

FilterInfo crop_filter_info() {
    return transform_info(
        "crop", "Keeps a rectangle of the picture (x, y, width, height in pixels).",
        {
            int_param("x", 0, 0, kMaxSize,
                      "Left edge of the rectangle, in pixels; with the width a multiple of the "
                      "horizontal chroma subsampling (2 for 4:2:2 and 4:2:0)"),
            int_param("y", 0, 0, kMaxSize,
                      "Top edge of the rectangle, in pixels; with the height a multiple of the "
                      "vertical chroma subsampling (2 for 4:2:0)"),
            int_param("width", 0, 0, kMaxSize,
                      "Width of the rectangle; 0: the rest of the picture right of x"),
            int_param("height", 0, 0, kMaxSize,
                      "Height of the rectangle; 0: the rest of the picture below y"),
        },
        [](const ParamSet& params, const NodeContext& ctx) {
            return std::make_unique<Crop>(params, ctx);
        });
}

}  // namespace cinepipe::transform
