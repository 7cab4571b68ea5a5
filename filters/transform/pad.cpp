// pad: letterboxing / pillarboxing. The picture is placed on a larger canvas filled with a
// colour expressed in the frame's own format, matrix and range.

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "cinepipe/error.h"
#include "transform_filters.h"

namespace cinepipe::transform {

namespace {

constexpr int kMaxSize = 32768;

// Non-linear (gamma-encoded) R'G'B' in 0..1.
struct Rgb {
    double r = 0, g = 0, b = 0;
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// black, white, gray (grey) or #RRGGBB; gray is #808080, as in FFmpeg.
Rgb parse_color(const std::string& text) {
    std::string name = text;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "black") return {0, 0, 0};
    if (name == "white") return {1, 1, 1};
    if (name == "gray" || name == "grey") return {128 / 255.0, 128 / 255.0, 128 / 255.0};
    if (name.size() == 7 && name[0] == '#') {
        std::array<int, 3> v{};
        bool ok = true;
        for (std::size_t i = 0; i < 3; ++i) {
            const int hi = hex_digit(name[1 + 2 * i]);
            const int lo = hex_digit(name[2 + 2 * i]);
            ok = ok && hi >= 0 && lo >= 0;
            v[i] = hi * 16 + lo;
        }
        if (ok) return {v[0] / 255.0, v[1] / 255.0, v[2] / 255.0};
    }
    throw InputError(fmt::format("pad color '{}' is not black, white, gray or #RRGGBB", text));
}

// Luma coefficients (Kr, Kb) of a YUV matrix; unspecified and unknown ones are Rec.709.
std::pair<double, double> luma_coefficients(MatrixCoefficients m) {
    switch (m) {
        case MatrixCoefficients::Smpte170m:
        case MatrixCoefficients::Bt470bg:
            return {0.299, 0.114};
        case MatrixCoefficients::Bt2020Ncl:
        case MatrixCoefficients::Bt2020Cl:
            return {0.2627, 0.0593};
        case MatrixCoefficients::Fcc:
            return {0.30, 0.11};
        case MatrixCoefficients::Smpte240m:
            return {0.212, 0.087};
        default:
            return {0.2126, 0.0722};
    }
}

// The colour as code values of each component, in memory order (planar: plane p;
// packed: component p of plane 0). Integers are stored in the doubles exactly.
std::array<double, 4> code_values(const Rgb& c, PixelFormat format, const ColorTags& tags) {
    const auto& fi = info(format);
    if (fi.family == ColorFamily::Rgb) {
        if (fi.sample == SampleType::F32) return {c.g, c.b, c.r, 1.0};  // libav's G,B,R planes
        return {std::round(c.r * 65535), std::round(c.g * 65535), std::round(c.b * 65535), 65535};
    }
    const auto [kr, kb] = luma_coefficients(tags.matrix);
    const double y = kr * c.r + (1 - kr - kb) * c.g + kb * c.b;
    const double pb = (c.b - y) / (2 * (1 - kb));
    const double pr = (c.r - y) / (2 * (1 - kr));
    const double max = std::ldexp(1.0, fi.bit_depth) - 1;
    const double scale = std::ldexp(1.0, fi.bit_depth - 8);
    const auto clip = [&](double v) { return std::clamp(std::round(v), 0.0, max); };
    // ITU-T H.273 quantisation; an unspecified range is video (limited) range.
    if (tags.range == ColorRange::Full) {
        const double mid = std::ldexp(1.0, fi.bit_depth - 1);
        return {clip(max * y), clip(max * pb + mid), clip(max * pr + mid), max};
    }
    return {clip((219 * y + 16) * scale), clip((224 * pb + 128) * scale),
            clip((224 * pr + 128) * scale), max};
}

// One full output row of each plane filled with the colour: bars are copied from these.
using FillRows = std::array<std::vector<std::uint8_t>, 4>;

FillRows make_fill_rows(const Rgb& colour, PixelFormat format, const ColorTags& tags, int width) {
    const auto& fi = info(format);
    const auto values = code_values(colour, format, tags);
    VideoFrame layout;
    layout.format = format;
    layout.width = width;
    layout.height = 1;
    FillRows rows;
    for (int p = 0; p < fi.planes; ++p) {
        auto& row = rows[static_cast<std::size_t>(p)];
        row.resize(layout.row_bytes(p));
        const int per_pixel = fi.planes == 1 ? fi.components : 1;
        const std::size_t samples = row.size() / pixel_bytes(format, p) * per_pixel;
        for (std::size_t i = 0; i < samples; ++i) {
            const double v = values[static_cast<std::size_t>(fi.planes == 1 ? i % per_pixel : p)];
            if (fi.sample == SampleType::U8) {
                row[i] = static_cast<std::uint8_t>(v);
            } else if (fi.sample == SampleType::U16) {
                const auto s = static_cast<std::uint16_t>(v);
                std::memcpy(row.data() + i * 2, &s, 2);
            } else {
                const auto f = static_cast<float>(v);
                std::memcpy(row.data() + i * 4, &f, 4);
            }
        }
    }
    return rows;
}

class Pad final : public Node {
  public:
    Pad(const ParamSet& params, const NodeContext& ctx)
        : width_(int_value(params, "width")),
          height_(int_value(params, "height")),
          x_param_(int_value(params, "x")),
          y_param_(int_value(params, "y")),
          colour_(parse_color(params.get_string("color"))),
          pool_size_(ctx.pool_size) {}

    StreamDesc configure(const StreamDesc& in) override {
        if (width_ < in.width || height_ < in.height)
            throw InputError(fmt::format("pad {}x{} is smaller than the {}x{} input", width_,
                                         height_, in.width, in.height));
        const auto& fi = info(in.format);
        const int gx = fi.family == ColorFamily::Yuv ? 1 << fi.chroma_shift_x : 1;
        int gy = fi.family == ColorFamily::Yuv ? 1 << fi.chroma_shift_y : 1;
        // An interlaced picture placed on an odd row would swap its fields under an unchanged
        // field-order tag; 4:2:0 fields also need whole chroma rows each.
        const bool interlaced =
            in.field_order != FieldOrder::Progressive && in.field_order != FieldOrder::Unknown;
        if (interlaced) gy *= 2;
        x_ = place("x", x_param_, in.width, width_, gx, in.format, "the chroma subsampling of");
        y_ = place("y", y_param_, in.height, height_, gy, in.format,
                   interlaced ? "keeping the fields of interlaced" : "the chroma subsampling of");
        in_ = in;
        StreamDesc out = in;
        out.width = width_;
        out.height = height_;
        identity_ = width_ == in.width && height_ == in.height;
        if (!identity_) {
            pool_ = std::make_unique<FramePool>(in.format, width_, height_, pool_size_);
            fill_ = make_fill_rows(colour_, in.format, in.tags, width_);
        }
        return out;
    }

    FramePtr process(const FramePtr& in) override {
        check_frame(*in, in_, "pad");
        if (identity_) return in;
        // The bars follow each frame's own tags (they normally match the stream's).
        FillRows own;
        const FillRows* fill = &fill_;
        if (!(in->tags == in_.tags)) {
            own = make_fill_rows(colour_, in->format, in->tags, width_);
            fill = &own;
        }
        auto out = pool_->acquire();
        copy_frame_props(*in, *out);
        for (int p = 0; p < info(in->format).planes; ++p) {
            const auto ps = static_cast<std::size_t>(p);
            const std::uint8_t* bar = (*fill)[ps].data();
            const std::size_t row_bytes = out->row_bytes(p);
            const std::size_t left = static_cast<std::size_t>(x_ >> plane_shift_x(in->format, p)) *
                                     pixel_bytes(in->format, p);
            const std::size_t picture = in->row_bytes(p);
            const int top = y_ >> plane_shift_y(in->format, p);
            const int rows = in->plane_height(p);
            for (int row = 0; row < out->plane_height(p); ++row) {
                std::uint8_t* dst = out->mutable_plane(p) + row * out->stride[ps];
                if (row < top || row >= top + rows) {
                    std::memcpy(dst, bar, row_bytes);
                    continue;
                }
                std::memcpy(dst, bar, left);
                std::memcpy(dst + left, in->plane(p) + (row - top) * in->stride[ps], picture);
                std::memcpy(dst + left + picture, bar + left + picture, row_bytes - left - picture);
            }
        }
        return out;
    }

  private:
    // The picture's offset along one axis: given (on the chroma grid, inside the canvas) or
    // centred and rounded down to the chroma grid.
    static int place(const char* axis, int given, int size, int canvas, int grid,
                     PixelFormat format, const char* why) {
        if (given < 0) return (canvas - size) / 2 / grid * grid;
        if (given + size > canvas)
            throw InputError(
                fmt::format("pad {} {} puts the {}-pixel picture past the {}-pixel "
                            "canvas",
                            axis, given, size, canvas));
        if (given % grid != 0)
            throw InputError(fmt::format("pad {} {} is not a multiple of {} ({} {})", axis, given,
                                         grid, why, describe_format(format)));
        return given;
    }

    int width_;
    int height_;
    int x_param_;
    int y_param_;
    Rgb colour_;
    std::size_t pool_size_;
    int x_ = 0;
    int y_ = 0;
    StreamDesc in_;
    bool identity_ = false;
    std::unique_ptr<FramePool> pool_;
    FillRows fill_;
};

}  // namespace

FilterInfo pad_filter_info() {
    return transform_info(
        "pad",
        "Places the picture on a larger canvas filled with a colour (letterboxing and "
        "pillarboxing).",
        {
            int_param("width", std::nullopt, 1, kMaxSize,
                      "Canvas width in pixels, at least the input's"),
            int_param("height", std::nullopt, 1, kMaxSize,
                      "Canvas height in pixels, at least the input's"),
            int_param("x", -1, -1, kMaxSize,
                      "Left edge of the picture on the canvas; -1: centred (rounded down to the "
                      "chroma subsampling grid)"),
            int_param("y", -1, -1, kMaxSize,
                      "Top edge of the picture on the canvas; -1: centred (rounded down to the "
                      "chroma subsampling grid)"),
            string_param("color", "black",
                         "Colour of the bars: black, white, gray or #RRGGBB (R'G'B', converted "
                         "with the frame's own matrix and range: limited-range black is code "
                         "16 scaled to the bit depth with neutral chroma)"),
        },
        [](const ParamSet& params, const NodeContext& ctx) {
            return std::make_unique<Pad>(params, ctx);
        });
}

}  // namespace cinepipe::transform
