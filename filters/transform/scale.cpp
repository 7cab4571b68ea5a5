// scale: resize with a chosen resampling kernel, keeping the display aspect ratio (the output
// sample aspect is adjusted as FFmpeg's scale filter does).

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "cinepipe/error.h"
#include "cinepipe/frame_converter.h"
#include "transform_filters.h"

namespace cinepipe::transform {

namespace {

constexpr int kMaxSize = 32768;

struct FilterName {
    const char* name;
    ScaleFilter filter;
};
constexpr FilterName kFilters[] = {
    {"point", ScaleFilter::Point},     {"bilinear", ScaleFilter::Bilinear},
    {"bicubic", ScaleFilter::Bicubic}, {"spline", ScaleFilter::Spline},
    {"lanczos", ScaleFilter::Lanczos}, {"area", ScaleFilter::Area},
};

ScaleFilter filter_from(const std::string& name) {
    for (const auto& f : kFilters)
        if (name == f.name) return f.filter;
    throw std::logic_error("scale: unknown filter " + name);  // the schema allows only these
}

// A sample aspect ratio the size computation can use: unknown (0:1) counts as square.
Rational usable_sar(Rational sar) {
    return sar.valid() ? sar : Rational{1, 1};
}

// `value` rounded to the nearest even number, at least 2.
int nearest_even(double value) {
    return std::max(2, static_cast<int>(std::llround(value / 2.0)) * 2);
}

// a * b / c exactly, reduced; shrunk (losing the least precision) only if it would not fit.
Rational scaled(Rational sar, std::int64_t mul, std::int64_t div) {
    __int128 num = static_cast<__int128>(sar.num) * mul;
    __int128 den = static_cast<__int128>(sar.den) * div;
    __int128 a = num;
    __int128 b = den;
    while (b != 0) {
        const __int128 t = a % b;
        a = b;
        b = t;
    }
    if (a > 1) {
        num /= a;
        den /= a;
    }
    constexpr __int128 kLimit = std::numeric_limits<std::int32_t>::max();
    while (num > kLimit || den > kLimit) {
        num = (num + 1) / 2;
        den = (den + 1) / 2;
    }
    return Rational{static_cast<std::int64_t>(num), static_cast<std::int64_t>(den)}.reduced();
}

class Scale final : public Node {
  public:
    Scale(const ParamSet& params, const NodeContext& ctx)
        : width_(int_value(params, "width")),
          height_(int_value(params, "height")),
          filter_(filter_from(params.get_string("filter"))),
          fit_(params.get_bool("fit")),
          pool_size_(ctx.pool_size) {}

    StreamDesc configure(const StreamDesc& in) override {
        if (width_ == 0 && height_ == 0)
            throw InputError("scale needs a width or a height (both are 0)");
        // Display aspect = width * sar / height; a missing dimension keeps it.
        const Rational sar = usable_sar(in.sample_aspect);
        const double display_aspect =
            static_cast<double>(in.width) * static_cast<double>(sar.num) /
            (static_cast<double>(in.height) * static_cast<double>(sar.den));
        int w = width_;
        int h = height_;
        if (fit_ && w > 0 && h > 0) {
            // A box: the largest square-pixel picture of the same display aspect inside it,
            // never larger than the source's own height.
            h = std::min(h, in.height);
            if (display_aspect * h > w) h = nearest_even(w / display_aspect);
            w = 0;
        }
        if (w == 0) w = nearest_even(h * display_aspect);
        if (fit_ && width_ > 0) w = std::min(w, width_ & ~1);  // rounding may not leave the box
        if (h == 0) h = nearest_even(w / display_aspect);
        if (w > kMaxSize || h > kMaxSize)
            throw InputError(
                fmt::format("scale to {}x{} (keeping the aspect of a {}x{} picture) "
                            "is larger than {}x{}",
                            w, h, in.width, in.height, kMaxSize, kMaxSize));
        out_ = in;
        out_.width = w;
        out_.height = h;
        out_.sample_aspect = output_sar(in.sample_aspect, in.width, in.height);
        ConverterOptions options;
        options.format = in.format;
        options.width = w;
        options.height = h;
        options.pool_size = pool_size_;
        options.filter = filter_;
        converter_ = std::make_unique<FrameConverter>(options);
        return out_;
    }

    FramePtr process(const FramePtr& in) override {
        if (in->width == out_.width && in->height == out_.height && in->format == out_.format)
            return in;
        const FramePtr converted = converter_->convert(in);
        // A relabelled view of the converted pixels with the aspect-preserving SAR.
        auto out = std::make_shared<VideoFrame>(*converted);
        out->sample_aspect = output_sar(in->sample_aspect, in->width, in->height);
        return out;
    }

  private:
    // in_sar * (out_h * in_w) / (out_w * in_h): the display aspect stays the input's. An
    // unknown SAR stays unknown.
    [[nodiscard]] Rational output_sar(Rational in_sar, int in_w, int in_h) const {
        if (!in_sar.valid()) return in_sar;
        return scaled(in_sar, static_cast<std::int64_t>(out_.height) * in_w,
                      static_cast<std::int64_t>(out_.width) * in_h);
    }

    int width_;
    int height_;
    ScaleFilter filter_;
    bool fit_ = false;
    std::size_t pool_size_;
    StreamDesc out_;
    std::unique_ptr<FrameConverter> converter_;
};

}  // namespace

FilterInfo scale_filter_info() {
    std::vector<std::string> filters;
    for (const auto& f : kFilters) filters.emplace_back(f.name);
    return transform_info(
        "scale", "Resizes the picture, keeping its pixel format and its display aspect ratio.",
        {
            int_param("width", 0, 0, kMaxSize,
                      "Output width in pixels; 0: computed from the height, keeping the display "
                      "aspect ratio (using the sample aspect), rounded to the nearest even number"),
            int_param("height", 0, 0, kMaxSize,
                      "Output height in pixels; 0: computed from the width, keeping the display "
                      "aspect ratio (using the sample aspect), rounded to the nearest even number. "
                      "Width and height may not both be 0"),
            bool_param("fit", false,
                       "Width and height are a box: the picture is scaled to fit inside it with "
                       "square pixels and its display aspect kept, never enlarged"),
            choice_param("filter", filters, "lanczos",
                         "Resampling kernel: point (nearest neighbour, hard edges), bilinear "
                         "(fast, soft), bicubic (sharper), spline, lanczos (sharpest, the "
                         "default, slight ringing on hard edges), area (averaging, good for large "
                         "reductions)"),
        },
        [](const ParamSet& params, const NodeContext& ctx) {
            return std::make_unique<Scale>(params, ctx);
        });
}

}  // namespace cinepipe::transform
