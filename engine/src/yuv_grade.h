#pragma once
// The fused strip pass of the fast colour path: rows of a YUV picture (4:4:4 or 4:2:2, 8 to
// 16 bits) go YUV -> float RGB -> grade -> YUV while they are in cache, with no float frame
// and no swscale round trip. Chroma is co-sited (ProRes, DNxHR, MPEG-2 style): 4:2:2 chroma
// is brought to full width with a 4-tap half-band filter and back by a lifting step that
// low-passes only what the grade added, so an identity grade returns every code unchanged.

#include <functional>
#include <optional>

#include "cinepipe/frame.h"

namespace cinepipe::lut {

// Y'CbCr <-> R'G'B' for one matrix, range and bit depth.
struct YuvCoding {
    float kr = 0.2126f;
    float kb = 0.0722f;
    int bits = 10;
    bool full_range = false;
};

// The coding the fast pass uses for a frame's format and tags: nullopt when the format is
// not 4:4:4/4:2:2 YUV or the matrix is not BT.709, BT.601 or BT.2020 (non-constant
// luminance); an unspecified matrix reads as BT.601, as swscale reads it elsewhere in the
// engine, and an unspecified range as limited.
std::optional<YuvCoding> yuv_coding_for(const VideoFrame& frame);

// The grade, in place on the pixels of one row as planar float R'G'B'. The pixels are not in
// picture order (4:2:2 rows come split by parity, even pixels first), so a grade must work
// on each pixel alone, as colour transforms do.
using RowGrade = std::function<void(float* r, float* g, float* b, int n)>;

// Grades every row of `in` into `out` (same format, size and tags). `out` may be `in`: each
// row is read whole before it is written.
void grade_yuv(const YuvCoding& coding, const VideoFrame& in, VideoFrame& out,
               const RowGrade& grade);

}  // namespace cinepipe::lut
