#pragma once
// A picture's visible samples hashed (FNV-1a): equal pictures, equal sums, whatever the
// strides and padding.

#include <cstddef>
#include <cstdint>

#include "cinepipe/frame.h"

namespace cinepipe::test {

inline std::uint64_t picture_checksum(const VideoFrame& f) {
    std::uint64_t h = 1469598103934665603ULL;
    for (int p = 0; p < info(f.format).planes; ++p)
        for (int y = 0; y < f.plane_height(p); ++y) {
            const std::uint8_t* row = f.plane(p) + static_cast<std::ptrdiff_t>(y) * f.stride[p];
            for (std::size_t i = 0; i < f.row_bytes(p); ++i) h = (h ^ row[i]) * 1099511628211ULL;
        }
    return h;
}

}  // namespace cinepipe::test
