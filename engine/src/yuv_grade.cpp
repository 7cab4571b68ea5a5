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

inline float clamp_code(float v, float max_code) {
    return std::min(std::max(v, 0.0f), max_code);
}

// 4:4:4: codes to R'G'B' in one pass, and back in one pass.
template <typename T>
CINEPIPE_ROW_KERNEL void rgb_from_444(const Coefficients& k, const T* __restrict y,
                                      const T* __restrict cb, const T* __restrict cr,
                                      float* __restrict r, float* __restrict g, float* __restrict b,
                                      int n) {
    const float inv_y = 1.0f / k.y_scale;
    const float inv_c = 1.0f / k.c_scale;
    for (int i = 0; i < n; ++i) {
        const float l = (static_cast<float>(y[i]) - k.y_offset) * inv_y;
        const float u = (static_cast<float>(cb[i]) - k.c_offset) * inv_c;
        const float v = (static_cast<float>(cr[i]) - k.c_offset) * inv_c;
        r[i] = l + k.r_cr * v;
        g[i] = l - k.g_cb * u - k.g_cr * v;
        b[i] = l + k.b_cb * u;
    }
}

template <typename T>
CINEPIPE_ROW_KERNEL void rgb_to_444(const Coefficients& k, const float* __restrict r,
                                    const float* __restrict g, const float* __restrict b,
                                    T* __restrict y, T* __restrict cb, T* __restrict cr, int n) {
    const float inv_b = 1.0f / k.b_cb;
    const float inv_r = 1.0f / k.r_cr;
    for (int i = 0; i < n; ++i) {
        const float l = k.kr * r[i] + k.kg * g[i] + k.kb * b[i];
        y[i] = static_cast<T>(clamp_code(l * k.y_scale + k.y_offset + 0.5f, k.max_code));
        cb[i] = static_cast<T>(
            clamp_code((b[i] - l) * inv_b * k.c_scale + k.c_offset + 0.5f, k.max_code));
        cr[i] = static_cast<T>(
            clamp_code((r[i] - l) * inv_r * k.c_scale + k.c_offset + 0.5f, k.max_code));
    }
}

// 4:2:2 rows are worked on split by parity: the lattice does not care about pixel order, and
// split, both chroma filters read contiguous samples. Pixel 2k ("even", co-sited with chroma
// sample k) is at k of the float rows, pixel 2k + 1 ("odd") at ne + k.

// The half-width chroma, normalised.
template <typename T>
CINEPIPE_ROW_KERNEL void chroma_to_float(const T* __restrict in, float* __restrict out, int n,
                                         float offset, float inv_scale) {
    for (int i = 0; i < n; ++i) out[i] = (static_cast<float>(in[i]) - offset) * inv_scale;
}

// Odd pixels' chroma: the 4-tap half-band interpolation (-1 9 9 -1)/16 of the samples around
// them, edges repeated.
CINEPIPE_ROW_KERNEL void interpolate_odd(const float* __restrict half, float* __restrict odd,
                                         int ne, int no) {
    const auto at = [&](int k) { return half[std::clamp(k, 0, ne - 1)]; };
    const auto edge = [&](int k) {
        return (9.0f * (at(k) + at(k + 1)) - (at(k - 1) + at(k + 2))) * (1.0f / 16.0f);
    };
    const int first = 1;
    const int last = std::min(no - 1, ne - 3);  // inclusive: k + 2 <= ne - 1
    if (last < first) {
        for (int k = 0; k < no; ++k) odd[k] = edge(k);
        return;
    }
    odd[0] = edge(0);
    for (int k = first; k <= last; ++k)
        odd[k] = (9.0f * (half[k] + half[k + 1]) - (half[k - 1] + half[k + 2])) * (1.0f / 16.0f);
    for (int k = last + 1; k < no; ++k) odd[k] = edge(k);
}

// Luma codes and full-width chroma to R'G'B', split by parity.
template <typename T>
CINEPIPE_ROW_KERNEL void rgb_from_422(const Coefficients& k, const T* __restrict y,
                                      const float* __restrict cb_even,
                                      const float* __restrict cr_even,
                                      const float* __restrict cb_odd,
                                      const float* __restrict cr_odd, float* __restrict r,
                                      float* __restrict g, float* __restrict b, int ne, int no) {
    const float inv_y = 1.0f / k.y_scale;
    for (int i = 0; i < no; ++i) {
        const float le = (static_cast<float>(y[2 * i]) - k.y_offset) * inv_y;
        const float lo = (static_cast<float>(y[2 * i + 1]) - k.y_offset) * inv_y;
        r[i] = le + k.r_cr * cr_even[i];
        g[i] = le - k.g_cb * cb_even[i] - k.g_cr * cr_even[i];
        b[i] = le + k.b_cb * cb_even[i];
        r[ne + i] = lo + k.r_cr * cr_odd[i];
        g[ne + i] = lo - k.g_cb * cb_odd[i] - k.g_cr * cr_odd[i];
        b[ne + i] = lo + k.b_cb * cb_odd[i];
    }
    if (no < ne) {  // odd width: the last pixel has no odd partner
        const int i = ne - 1;
        const float le = (static_cast<float>(y[2 * i]) - k.y_offset) * inv_y;
        r[i] = le + k.r_cr * cr_even[i];
        g[i] = le - k.g_cb * cb_even[i] - k.g_cr * cr_even[i];
        b[i] = le + k.b_cb * cb_even[i];
    }
}

// R'G'B' (split by parity) back to luma codes, written interleaved, and full-width chroma.
template <typename T>
CINEPIPE_ROW_KERNEL void rgb_to_422(const Coefficients& k, const float* __restrict r,
                                    const float* __restrict g, const float* __restrict b,
                                    T* __restrict y, float* __restrict cb, float* __restrict cr,
                                    int ne, int no) {
    const float inv_b = 1.0f / k.b_cb;
    const float inv_r = 1.0f / k.r_cr;
    for (int i = 0; i < no; ++i) {
        const float le = k.kr * r[i] + k.kg * g[i] + k.kb * b[i];
        const float lo = k.kr * r[ne + i] + k.kg * g[ne + i] + k.kb * b[ne + i];
        y[2 * i] = static_cast<T>(clamp_code(le * k.y_scale + k.y_offset + 0.5f, k.max_code));
        y[2 * i + 1] = static_cast<T>(clamp_code(lo * k.y_scale + k.y_offset + 0.5f, k.max_code));
        cb[i] = (b[i] - le) * inv_b;
        cr[i] = (r[i] - le) * inv_r;
        cb[ne + i] = (b[ne + i] - lo) * inv_b;
        cr[ne + i] = (r[ne + i] - lo) * inv_r;
    }
    if (no < ne) {
        const int i = ne - 1;
        const float le = k.kr * r[i] + k.kg * g[i] + k.kb * b[i];
        y[2 * i] = static_cast<T>(clamp_code(le * k.y_scale + k.y_offset + 0.5f, k.max_code));
        cb[i] = (b[i] - le) * inv_b;
        cr[i] = (r[i] - le) * inv_r;
    }
}

// Full-width graded chroma (split by parity) back to co-sited 4:2:2 codes, as a lifting step:
// what the odd pixels hold beyond the interpolation of their even neighbours (the detail the
// grade added) is folded into the samples with weights 1/4, an anti-aliasing low-pass, while
// chroma the grade left alone comes back exactly. A filter that blurs (the 7-tap half-band
// decimator) would halve the finest chroma detail on every pass through an identity grade.
// `detail`: scratch for the odd pixels.
template <typename T>
CINEPIPE_ROW_KERNEL void decimate(const Coefficients& k, const float* __restrict even,
                                  const float* __restrict odd, float* __restrict detail,
                                  T* __restrict out, int ne, int no) {
    const auto code = [&](float v) {
        return static_cast<T>(clamp_code(v * k.c_scale + k.c_offset + 0.5f, k.max_code));
    };
    if (no == 0) {
        for (int i = 0; i < ne; ++i) out[i] = code(even[i]);
        return;
    }
    interpolate_odd(even, detail, ne, no);
    for (int i = 0; i < no; ++i) detail[i] = odd[i] - detail[i];
    // The edges mirror: the missing neighbour's detail is the present one's.
    out[0] = code(even[0] + 0.5f * detail[0]);
    for (int i = 1; i < no; ++i) out[i] = code(even[i] + 0.25f * (detail[i - 1] + detail[i]));
    if (ne > no) out[ne - 1] = code(even[ne - 1] + 0.5f * detail[no - 1]);
}

// Every row of `in` into `out`; `out` may be `in` itself: a row is read whole before any of
// it is written.
template <typename T>
void grade_frame(const Coefficients& k, const VideoFrame& in, VideoFrame& out,
                 const RowGrade& grade) {
    const int w = in.width;
    const bool halved = info(in.format).chroma_shift_x == 1;
    const bool alpha = info(in.format).has_alpha;
    const bool same = &in == &out;
    const int ne = halved ? (w + 1) / 2 : w;  // even pixels (chroma samples)
    const int no = w / 2;                     // odd pixels (4:2:2)
    // R, G, B, and for 4:2:2 two half-width normalised chroma rows, the odd pixels' chroma,
    // and full-width graded chroma.
    thread_local std::vector<float> buffer;
    const auto floats = [](int n) { return static_cast<std::size_t>(n); };
    buffer.resize(3 * floats(w) + (halved ? 2 * floats(ne) + 2 * floats(no) + 2 * floats(w) : 0));
    float* fr = buffer.data();
    float* fg = fr + w;
    float* fb = fg + w;
    float* hcb = fb + w;
    float* hcr = hcb + ne;
    float* ocb = hcr + ne;
    float* ocr = ocb + no;
    float* gcb = ocr + no;
    float* gcr = gcb + w;
    const float inv_c = 1.0f / k.c_scale;
    for (int y = 0; y < in.height; ++y) {
        if (halved) {
            chroma_to_float(row<T>(in, 1, y), hcb, ne, k.c_offset, inv_c);
            chroma_to_float(row<T>(in, 2, y), hcr, ne, k.c_offset, inv_c);
            interpolate_odd(hcb, ocb, ne, no);
            interpolate_odd(hcr, ocr, ne, no);
            rgb_from_422(k, row<T>(in, 0, y), hcb, hcr, ocb, ocr, fr, fg, fb, ne, no);
            grade(fr, fg, fb, w);
            rgb_to_422(k, fr, fg, fb, mutable_row<T>(out, 0, y), gcb, gcr, ne, no);
            decimate(k, gcb, gcb + ne, ocb, mutable_row<T>(out, 1, y), ne, no);
            decimate(k, gcr, gcr + ne, ocr, mutable_row<T>(out, 2, y), ne, no);
        } else {
            rgb_from_444(k, row<T>(in, 0, y), row<T>(in, 1, y), row<T>(in, 2, y), fr, fg, fb, w);
            grade(fr, fg, fb, w);
            rgb_to_444(k, fr, fg, fb, mutable_row<T>(out, 0, y), mutable_row<T>(out, 1, y),
                       mutable_row<T>(out, 2, y), w);
        }
        if (alpha && !same) std::copy_n(row<T>(in, 3, y), w, mutable_row<T>(out, 3, y));
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
