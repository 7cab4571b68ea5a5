#pragma once
// Pixel-format and size conversion of frames (swscale inside). YUV<->RGB uses the frame's
// own matrix and range tags. Interlaced frames whose vertical chroma subsampling changes are
// converted one field at a time (as vf_scale's interl=1), so colour never bleeds between
// fields. Safe to call from many threads at once.

#include <cstdint>
#include <memory>
#include <optional>

#include "cinepipe/color_tags.h"
#include "cinepipe/frame.h"

namespace cinepipe {

// The resampling kernel used when the size changes (and for chroma resampling).
enum class ScaleFilter : std::uint8_t { Point, Bilinear, Bicubic, Spline, Lanczos, Area };

struct ConverterOptions {
    PixelFormat format = PixelFormat::Yuv422p10;
    int width = 0;  // 0: keep the source size
    int height = 0;
    std::size_t pool_size = 8;  // bound on converted frames alive at once
    ScaleFilter filter = ScaleFilter::Lanczos;
    // YUV targets only (ignored for RGB, which is always full range): the output's range
    // and matrix instead of the ones converted_tags() keeps, with the pixels converted to
    // match (limited<->full, Rec.601<->Rec.709 ...). The input side always uses the frame's
    // own tags.
    std::optional<ColorRange> range = std::nullopt;
    std::optional<MatrixCoefficients> matrix = std::nullopt;
};

// The tags a converted frame carries: YUV->YUV keeps matrix and range; YUV->RGB is full-range
// RGB; RGB->YUV is limited range with the Rec.709 matrix (Rec.2020 for Rec.2020 primaries).
// Primaries and transfer never change: a format conversion is not a colour conversion.
ColorTags converted_tags(ColorTags tags, PixelFormat from, PixelFormat to);

class FrameConverter {
  public:
    explicit FrameConverter(const ConverterOptions& options);
    ~FrameConverter();
    FrameConverter(const FrameConverter&) = delete;
    FrameConverter& operator=(const FrameConverter&) = delete;

    // Returns `in` itself when it already has the target format and size (and the range and
    // matrix asked for). When only the tags need to change (e.g. an unspecified range
    // relabelled limited), the result is a relabelled view sharing `in`'s pixels.
    [[nodiscard]] FramePtr convert(const FramePtr& in) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cinepipe
