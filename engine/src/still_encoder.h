#pragma once
// An RgbImage to the bytes of a JPEG or PNG file, through libavcodec's own encoders (the
// engine already links them; OpenImageIO is loaded only for image sequences).

#include <string>

#include "cinepipe/still_image.h"

namespace cinepipe {

// Baseline JFIF: full-range YCbCr 4:2:0 with BT.601 coefficients, as JPEG defines it, at
// libav quantiser 2 (close to libjpeg's quality 90-93). Throws std::runtime_error.
std::string encode_jpeg(const RgbImage& image);

// 8-bit RGB, tagged sRGB. Throws std::runtime_error.
std::string encode_png(const RgbImage& image);

}  // namespace cinepipe
