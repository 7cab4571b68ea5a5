#pragma once
// The engine's small canonical set of working pixel formats. Decoders' formats outside the
// set are converted once, at the edge, to the nearest member that loses nothing.

#include <cstdint>
#include <optional>
#include <string>

namespace cinepipe {

enum class PixelFormat : std::uint8_t {
    Yuv420p8,
    Yuv422p8,
    Yuv444p8,
    Yuv420p10,
    Yuv422p10,
    Yuv444p10,
    Yuva444p10,
    Yuva444p12,  // ProRes 4444 decodes to this
    Yuv420p12,
    Yuv422p12,
    Yuv444p12,
    Yuv444p16,
    Rgb48,     // packed R,G,B 16-bit
    Rgba64,    // packed R,G,B,A 16-bit
    Gbrpf32,   // planar G,B,R float (libav's planar order)
    Gbrapf32,  // planar G,B,R,A float
};

enum class ColorFamily : std::uint8_t { Yuv, Rgb };
enum class SampleType : std::uint8_t { U8, U16, F32 };

struct PixelFormatInfo {
    const char* name;  // stable lower-case name, e.g. "yuv422p10"
    ColorFamily family;
    SampleType sample;
    int bit_depth;       // significant bits per component (32 for float)
    int planes;          // number of memory planes
    int components;      // 3 or 4
    int chroma_shift_x;  // log2 horizontal chroma subsampling (YUV only)
    int chroma_shift_y;  // log2 vertical chroma subsampling (YUV only)
    bool has_alpha;
};

const PixelFormatInfo& info(PixelFormat fmt);
inline const char* to_string(PixelFormat fmt) {
    return info(fmt).name;
}
std::optional<PixelFormat> pixel_format_from_string(const std::string& name);

}  // namespace cinepipe
