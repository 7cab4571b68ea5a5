// The fused YUV strip pass. Each row is converted to three float rows (R, G, B), graded by
// the lattice, and converted back; the float rows live in one small buffer per call, so the
// work stays in L1/L2 whatever the picture size.

#include "yuv_grade.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace cinepipe::lut {

namespace {

// The row loops are built twice, for x86-64-v3 (AVX2, FMA) and the baseline, and the CPU's
// best is picked at load time: they are most of the pass besides the lattice itself.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CINEPIPE_ROW_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CINEPIPE_ROW_KERNEL
#endif

struct Coefficients {
    float y_offset, y_scale;  // code = y * y_scale + y_offset
    float c_offset, c_scale;  // code = c * c_scale + c_offset
    float max_code;
    float kr, kg, kb;
    float r_cr, g_cb, g_cr, b_cb;  // R = Y + r_cr Cr, G = Y - g_cb Cb - g_cr Cr, B = Y + b_cb Cb
};

Coefficients coefficients(const YuvCoding& k) {
    Coefficients c{};
    const float max_code = static_cast<float>((1 << k.bits) - 1);
    if (k.full_range) {
        c.y_offset = 0;
        c.y_scale = max_code;
        c.c_offset = static_cast<float>(1 << (k.bits - 1));
        c.c_scale = max_code;
    } else {
        const float unit = static_cast<float>(1 << (k.bits - 8));
        c.y_offset = 16 * unit;
        c.y_scale = 219 * unit;
        c.c_offset = 128 * unit;
        c.c_scale = 224 * unit;
    }
    c.max_code = max_code;
    c.kr = k.kr;
    c.kb = k.kb;
    c.kg = 1 - k.kr - k.kb;
    c.r_cr = 2 * (1 - k.kr);
    c.b_cb = 2 * (1 - k.kb);
    c.g_cb = 2 * k.kb * (1 - k.kb) / c.kg;
    c.g_cr = 2 * k.kr * (1 - k.kr) / c.kg;
    return c;
}

template <typename T>
CINEPIPE_ROW_KERNEL void to_float(const T* __restrict in, float* __restrict out, int n,
                                  float offset, float inv_scale) {
    for (int i = 0; i < n; ++i) out[i] = (static_cast<float>(in[i]) - offset) * inv_scale;
}

// Co-sited 4:2:2 chroma to full width: even pixels take the sample, odd ones the 4-tap
// half-band interpolation (-1 9 9 -1)/16 of the samples around them, edges repeated. The
// interior runs without bounds checks so that it vectorises.
CINEPIPE_ROW_KERNEL void upsample(const float* __restrict half, float* __restrict full, int width) {
    const int hw = (width + 1) / 2;
    const auto at = [&](int k) { return half[std::clamp(k, 0, hw - 1)]; };
    const auto odd = [&](int k) {
        return (9.0f * (at(k) + at(k + 1)) - (at(k - 1) + at(k + 2))) * (1.0f / 16.0f);
    };
    for (int k = 0; k < hw; ++k) full[2 * k] = half[k];
    if (hw < 4) {
        for (int k = 0; 2 * k + 1 < width; ++k) full[2 * k + 1] = odd(k);
        return;
    }
    full[1] = odd(0);
    for (int k = 1; k < hw - 2; ++k)
        full[2 * k + 1] =
            (9.0f * (half[k] + half[k + 1]) - (half[k - 1] + half[k + 2])) * (1.0f / 16.0f);
    for (int k = hw - 2; 2 * k + 1 < width; ++k) full[2 * k + 1] = odd(k);
}

// Full-width chroma back to co-sited 4:2:2: the 7-tap filter (-1 0 9 16 9 0 -1)/32 that
// matches the interpolation above, centred on each even pixel, edges repeated.
CINEPIPE_ROW_KERNEL void downsample(const float* __restrict full, float* __restrict half,
                                    int width) {
    const int hw = (width + 1) / 2;
    const auto at = [&](int i) { return full[std::clamp(i, 0, width - 1)]; };
    const auto edge = [&](int k) {
        const int c = 2 * k;
        return (16.0f * at(c) + 9.0f * (at(c - 1) + at(c + 1)) - (at(c - 3) + at(c + 3))) *
               (1.0f / 32.0f);
    };
    // Interior: 2k - 3 >= 0 and 2k + 3 <= width - 1.
    const int first = 2;
    const int last = (width - 4) / 2;  // inclusive
    if (last < first) {
        for (int k = 0; k < hw; ++k) half[k] = edge(k);
        return;
    }
    for (int k = 0; k < first; ++k) half[k] = edge(k);
    for (int k = first; k <= last; ++k) {
        const float* c = full + 2 * k;
        half[k] = (16.0f * c[0] + 9.0f * (c[-1] + c[1]) - (c[-3] + c[3])) * (1.0f / 32.0f);
    }
    for (int k = last + 1; k < hw; ++k) half[k] = edge(k);
}

CINEPIPE_ROW_KERNEL void yuv_to_rgb(const Coefficients& k, const float* __restrict y,
                                    const float* __restrict cb, const float* __restrict cr,
                                    float* __restrict r, float* __restrict g, float* __restrict b,
                                    int n) {
    for (int i = 0; i < n; ++i) {
        r[i] = y[i] + k.r_cr * cr[i];
        g[i] = y[i] - k.g_cb * cb[i] - k.g_cr * cr[i];
        b[i] = y[i] + k.b_cb * cb[i];
    }
}

// R'G'B' back to Y' codes (written) and full-width Cb, Cr (normalised, for the chroma step).
template <typename T>
CINEPIPE_ROW_KERNEL void rgb_to_yuv(const Coefficients& k, const float* __restrict r,
                                    const float* __restrict g, const float* __restrict b,
                                    T* __restrict y_out, float* __restrict cb, float* __restrict cr,
                                    int n) {
    const float inv_b = 1.0f / k.b_cb;
    const float inv_r = 1.0f / k.r_cr;
    for (int i = 0; i < n; ++i) {
        const float y = k.kr * r[i] + k.kg * g[i] + k.kb * b[i];
        const float code = std::clamp(y * k.y_scale + k.y_offset + 0.5f, 0.0f, k.max_code);
        y_out[i] = static_cast<T>(code);
        cb[i] = (b[i] - y) * inv_b;
        cr[i] = (r[i] - y) * inv_r;
    }
}

template <typename T>
CINEPIPE_ROW_KERNEL void to_codes(const float* __restrict c, T* __restrict out, int n, float offset,
                                  float scale, float max_code) {
    for (int i = 0; i < n; ++i)
        out[i] = static_cast<T>(std::clamp(c[i] * scale + offset + 0.5f, 0.0f, max_code));
}

template <typename T>
const T* row(const VideoFrame& f, int plane, int y) {
    return reinterpret_cast<const T*>(f.plane(plane) +
                                      static_cast<std::ptrdiff_t>(y) *
                                          f.stride[static_cast<std::size_t>(plane)]);
}

template <typename T>
T* mutable_row(VideoFrame& f, int plane, int y) {
    return reinterpret_cast<T*>(f.mutable_plane(plane) +
                                static_cast<std::ptrdiff_t>(y) *
                                    f.stride[static_cast<std::size_t>(plane)]);
}

template <typename T>
void grade_frame(const Coefficients& k, const VideoFrame& in, VideoFrame& out,
                 const RowGrade& grade) {
    const int w = in.width;
    const bool halved = info(in.format).chroma_shift_x == 1;
    const bool alpha = info(in.format).has_alpha;
    const int cw = halved ? (w + 1) / 2 : w;
    // Y, Cb, Cr (full width), R, G, B, and half-width Cb, Cr.
    std::vector<float> buffer(static_cast<std::size_t>(6 * w + 2 * cw));
    float* fy = buffer.data();
    float* fcb = fy + w;
    float* fcr = fcb + w;
    float* fr = fcr + w;
    float* fg = fr + w;
    float* fb = fg + w;
    float* hcb = fb + w;
    float* hcr = hcb + cw;
    const float inv_y = 1.0f / k.y_scale;
    const float inv_c = 1.0f / k.c_scale;
    for (int y = 0; y < in.height; ++y) {
        to_float(row<T>(in, 0, y), fy, w, k.y_offset, inv_y);
        if (halved) {
            to_float(row<T>(in, 1, y), hcb, cw, k.c_offset, inv_c);
            to_float(row<T>(in, 2, y), hcr, cw, k.c_offset, inv_c);
            upsample(hcb, fcb, w);
            upsample(hcr, fcr, w);
        } else {
            to_float(row<T>(in, 1, y), fcb, w, k.c_offset, inv_c);
            to_float(row<T>(in, 2, y), fcr, w, k.c_offset, inv_c);
        }
        yuv_to_rgb(k, fy, fcb, fcr, fr, fg, fb, w);
        grade(fr, fg, fb, w);
        rgb_to_yuv(k, fr, fg, fb, mutable_row<T>(out, 0, y), fcb, fcr, w);
        if (halved) {
            downsample(fcb, hcb, w);
            downsample(fcr, hcr, w);
            to_codes(hcb, mutable_row<T>(out, 1, y), cw, k.c_offset, k.c_scale, k.max_code);
            to_codes(hcr, mutable_row<T>(out, 2, y), cw, k.c_offset, k.c_scale, k.max_code);
        } else {
            to_codes(fcb, mutable_row<T>(out, 1, y), w, k.c_offset, k.c_scale, k.max_code);
            to_codes(fcr, mutable_row<T>(out, 2, y), w, k.c_offset, k.c_scale, k.max_code);
        }
        if (alpha) std::copy_n(row<T>(in, 3, y), w, mutable_row<T>(out, 3, y));
    }
}

}  // namespace

std::optional<YuvCoding> yuv_coding_for(const VideoFrame& frame) {
    const auto& fi = info(frame.format);
    if (fi.family != ColorFamily::Yuv || fi.chroma_shift_y != 0 || fi.chroma_shift_x > 1)
        return std::nullopt;
    YuvCoding k;
    switch (frame.tags.matrix) {
        case MatrixCoefficients::Bt709:
            k.kr = 0.2126f;
            k.kb = 0.0722f;
            break;
        case MatrixCoefficients::Bt2020Ncl:
            k.kr = 0.2627f;
            k.kb = 0.0593f;
            break;
        case MatrixCoefficients::Unspecified:
        case MatrixCoefficients::Bt470bg:
        case MatrixCoefficients::Smpte170m:
            k.kr = 0.299f;
            k.kb = 0.114f;
            break;
        default:
            return std::nullopt;
    }
    k.bits = fi.bit_depth;
    k.full_range = frame.tags.range == ColorRange::Full;
    return k;
}

void grade_yuv(const YuvCoding& coding, const VideoFrame& in, VideoFrame& out,
               const RowGrade& grade) {
    const Coefficients k = coefficients(coding);
    if (info(in.format).sample == SampleType::U8)
        grade_frame<std::uint8_t>(k, in, out, grade);
    else
        grade_frame<std::uint16_t>(k, in, out, grade);
}

}  // namespace cinepipe::lut
