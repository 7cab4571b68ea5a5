#include "cinepipe/pixel_format.h"

#include <array>

namespace cinepipe {

namespace {
using F = ColorFamily;
using S = SampleType;
// Order matches the PixelFormat enum.
constexpr std::array<PixelFormatInfo, 16> kInfo{{
    {"yuv420p", F::Yuv, S::U8, 8, 3, 3, 1, 1, false},
    {"yuv422p", F::Yuv, S::U8, 8, 3, 3, 1, 0, false},
    {"yuv444p", F::Yuv, S::U8, 8, 3, 3, 0, 0, false},
    {"yuv420p10", F::Yuv, S::U16, 10, 3, 3, 1, 1, false},
    {"yuv422p10", F::Yuv, S::U16, 10, 3, 3, 1, 0, false},
    {"yuv444p10", F::Yuv, S::U16, 10, 3, 3, 0, 0, false},
    {"yuva444p10", F::Yuv, S::U16, 10, 4, 4, 0, 0, true},
    {"yuva444p12", F::Yuv, S::U16, 12, 4, 4, 0, 0, true},
    {"yuv420p12", F::Yuv, S::U16, 12, 3, 3, 1, 1, false},
    {"yuv422p12", F::Yuv, S::U16, 12, 3, 3, 1, 0, false},
    {"yuv444p12", F::Yuv, S::U16, 12, 3, 3, 0, 0, false},
    {"yuv444p16", F::Yuv, S::U16, 16, 3, 3, 0, 0, false},
    {"rgb48", F::Rgb, S::U16, 16, 1, 3, 0, 0, false},
    {"rgba64", F::Rgb, S::U16, 16, 1, 4, 0, 0, true},
    {"gbrpf32", F::Rgb, S::F32, 32, 3, 3, 0, 0, false},
    {"gbrapf32", F::Rgb, S::F32, 32, 4, 4, 0, 0, true},
}};
}  // namespace

const PixelFormatInfo& info(PixelFormat fmt) {
    return kInfo.at(static_cast<std::size_t>(fmt));
}

std::optional<PixelFormat> pixel_format_from_string(const std::string& name) {
    for (std::size_t i = 0; i < kInfo.size(); ++i)
        if (name == kInfo[i].name) return static_cast<PixelFormat>(i);
    return std::nullopt;
}

}  // namespace cinepipe
