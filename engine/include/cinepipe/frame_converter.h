#pragma once
// Pixel-format and size conversion of frames (swscale inside). YUV<->RGB uses the frame's
// own matrix and range tags. Interlaced frames whose vertical chroma subsampling changes are
// converted one field at a time (as vf_scale's interl=1), so colour never bleeds between
// fields. Safe to call from many threads at once.

#include <memory>

#include "cinepipe/frame.h"

namespace cinepipe {

struct ConverterOptions {
    PixelFormat format = PixelFormat::Yuv422p10;
    int width = 0;  // 0: keep the source size
    int height = 0;
    std::size_t pool_size = 8;  // bound on converted frames alive at once
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

    // Returns `in` itself when it already has the target format and size.
    [[nodiscard]] FramePtr convert(const FramePtr& in) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cinepipe
