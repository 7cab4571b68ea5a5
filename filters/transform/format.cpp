// format: converts to another pixel format, optionally changing the YUV range or matrix
// (limited <-> full, Rec.601 <-> Rec.709 <-> Rec.2020). The input side is read with the
// frame's own matrix and range.

#include <memory>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "cinepipe/error.h"
#include "cinepipe/frame_converter.h"
#include "transform_filters.h"

namespace cinepipe::transform {

namespace {

// Every pixel format of the working set, in the enum's order (info() stops at its end).
std::vector<std::string> pixel_format_names() {
    std::vector<std::string> names;
    for (int i = 0; i < 256; ++i) {
        try {
            names.emplace_back(info(static_cast<PixelFormat>(i)).name);
        } catch (const std::out_of_range&) {
            break;
        }
    }
    return names;
}

std::optional<ColorRange> range_from(const std::string& name) {
    if (name == "limited") return ColorRange::Limited;
    if (name == "full") return ColorRange::Full;
    return std::nullopt;  // keep
}

std::optional<MatrixCoefficients> matrix_from(const std::string& name) {
    if (name == "bt601") return MatrixCoefficients::Smpte170m;
    if (name == "bt709") return MatrixCoefficients::Bt709;
    if (name == "bt2020") return MatrixCoefficients::Bt2020Ncl;
    return std::nullopt;  // keep
}

class Format final : public Node {
  public:
    Format(const ParamSet& params, const NodeContext& ctx)
        : format_(*pixel_format_from_string(params.get_string("pix_fmt"))),
          range_(range_from(params.get_string("range"))),
          matrix_(matrix_from(params.get_string("matrix"))),
          range_name_(params.get_string("range")),
          pool_size_(ctx.pool_size) {}

    StreamDesc configure(const StreamDesc& in) override {
        const auto& fi = info(format_);
        if (fi.family == ColorFamily::Yuv) {
            if (fi.chroma_shift_y && (in.width % 2 != 0 || in.height % 2 != 0))
                throw InputError(
                    fmt::format("format {} needs an even width and height; input is "
                                "{}x{}",
                                fi.name, in.width, in.height));
            if (fi.chroma_shift_x && in.width % 2 != 0)
                throw InputError(fmt::format("format {} needs an even width; input is {}x{}",
                                             fi.name, in.width, in.height));
        } else {
            if (range_ == ColorRange::Limited)
                throw InputError(
                    fmt::format("format {} is RGB, always full range: range {} "
                                "applies to YUV targets only",
                                fi.name, range_name_));
            if (matrix_)
                throw InputError(
                    fmt::format("format {} is RGB: matrix applies to YUV targets "
                                "only",
                                fi.name));
        }
        StreamDesc out = in;
        out.format = format_;
        out.tags = converted_tags(in.tags, in.format, format_);
        if (fi.family == ColorFamily::Yuv) {
            if (range_) out.tags.range = *range_;
            if (matrix_) out.tags.matrix = *matrix_;
        }
        ConverterOptions options;
        options.format = format_;
        options.width = in.width;
        options.height = in.height;
        options.pool_size = pool_size_;
        options.range = range_;
        options.matrix = matrix_;
        converter_ = std::make_unique<FrameConverter>(options);
        return out;
    }

    FramePtr process(const FramePtr& in) override { return converter_->convert(in); }

  private:
    PixelFormat format_;
    std::optional<ColorRange> range_;
    std::optional<MatrixCoefficients> matrix_;
    std::string range_name_;
    std::size_t pool_size_;
    std::unique_ptr<FrameConverter> converter_;
};

}  // namespace

FilterInfo format_filter_info() {
    return transform_info(
        "format",
        "Converts the picture to another pixel format, optionally changing the YUV range or "
        "matrix.",
        {
            choice_param("pix_fmt", pixel_format_names(), std::nullopt,
                         "Target pixel format (4:2:0 needs an even width and height, 4:2:2 an "
                         "even width)"),
            choice_param("range", {"keep", "limited", "full"}, "keep",
                         "YUV output range: keep (the input's; RGB input becomes limited), "
                         "limited (video levels) or full; the pixels are converted to match"),
            choice_param("matrix", {"keep", "bt601", "bt709", "bt2020"}, "keep",
                         "YUV output matrix: keep (the input's; RGB input gets bt709, or bt2020 "
                         "for Rec.2020 primaries), bt601, bt709 or bt2020; the pixels are "
                         "converted to match"),
        },
        [](const ParamSet& params, const NodeContext& ctx) {
            return std::make_unique<Format>(params, ctx);
        });
}

}  // namespace cinepipe::transform
