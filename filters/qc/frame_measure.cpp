// Built with -O3 (filters/CMakeLists.txt): the per-pixel loops are written so the compiler
// vectorises them, which is what keeps QC near decode speed.

#include "frame_measure.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

// The per-pixel passes are also built for AVX2 and picked at run time (ifunc): twice the
// lanes of the x86-64 baseline the rest of the binary targets.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define CINEPIPE_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CINEPIPE_SIMD_CLONES
#endif

namespace cinepipe::qc {

namespace {

std::vector<int> grid_map(int size, int cells) {
    std::vector<int> map(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i)
        map[static_cast<std::size_t>(i)] = static_cast<int>(static_cast<std::int64_t>(i) * cells / size);
    return map;
}

// Start of each grid cell along a line of `size` samples (cells + 1 entries).
std::array<int, kGridX + 1> cell_starts(int size, int cells) {
    std::array<int, kGridX + 1> s{};
    for (int c = 0; c <= cells; ++c)
        s[static_cast<std::size_t>(c)] = static_cast<int>((static_cast<std::int64_t>(c) * size + cells - 1) / cells);
    return s;
}

}  // namespace

FrameMeasurer::FrameMeasurer(const MeasureConfig& config, PixelFormat format, int width,
                             int height, const ColorTags& tags)
    : config_(config),
      format_(format),
      width_(width),
      height_(height),
      rgb_(info(format).family == ColorFamily::Rgb),
      block_of_column_(grid_map(width, kGridX)),
      block_of_row_(grid_map(height, kGridY)),
      block_pixels_(kBlocks, 0.0) {
    const int shift_y = info(format).chroma_shift_y;
    chroma_rows_ = grid_map((height + (1 << shift_y) - 1) >> shift_y, kGridY);
    const int depth = info(format).bit_depth;
    const bool full = tags.range == ColorRange::Full;
    if (rgb_) {
        bits_ = 16;
        black_ = 0;
        range_ = 65535;
    } else {
        bits_ = depth;
        const double scale = std::ldexp(1.0, depth - 8);
        black_ = full ? 0 : 16 * scale;
        range_ = full ? std::ldexp(1.0, depth) - 1 : 219 * scale;
        chroma_zero_ = full ? 0 : 16 * scale;
        chroma_range_ = full ? std::ldexp(1.0, depth) - 1 : 224 * scale;
    }
    switch (tags.matrix) {
        case MatrixCoefficients::Bt2020Ncl:
        case MatrixCoefficients::Bt2020Cl:
            kr_ = 0.2627;
            kb_ = 0.0593;
            break;
        case MatrixCoefficients::Bt470bg:
        case MatrixCoefficients::Smpte170m:
            kr_ = 0.299;
            kb_ = 0.114;
            break;
        case MatrixCoefficients::Unspecified:
            // As libav assumes: Rec.601 below HD, Rec.709 from 720 lines.
            if (height < 720) {
                kr_ = 0.299;
                kb_ = 0.114;
            }
            break;
        default:
            break;
    }
    // Rows per block row times columns per block column: counted per line, not per pixel
    // (a per-pixel count cost 8 ms of the run's serial start-up at 1080p).
    std::array<double, kGridX> columns{};
    std::array<double, kGridY> rows{};
    for (const int c : block_of_column_) columns[static_cast<std::size_t>(c)] += 1;
    for (const int r : block_of_row_) rows[static_cast<std::size_t>(r)] += 1;
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < columns.size(); ++c)
            block_pixels_[r * kGridX + c] = rows[r] * columns[c];
    if (rgb_) {
        const auto pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
        prev_.resize(pixels);
        prev2_.resize(pixels);
        rgb_luma_.resize(pixels);
    }
}

namespace {

// First row at or after `y0` of the lattice offset + k * step.
int first_row(int y0, int offset, int step) {
    return y0 <= offset ? offset : offset + (y0 - offset + step - 1) / step * step;
}

// Rows per band: every pass reads a band while it is in L2 (about 120 KB of 1080p 10-bit luma
// and as much chroma), instead of each pass fetching the whole picture from memory again.
constexpr int kBandRows = 16;

}  // namespace

template <typename T>
CINEPIPE_SIMD_CLONES void FrameMeasurer::luma_rows(const T* plane, std::ptrdiff_t stride, int y0, int y1,
                                                   Sums& s) const {
    const int itb = static_cast<int>(std::floor(black_ + config_.black_level * range_));
    const int ilo = static_cast<int>(std::ceil(black_ + config_.luma_low * range_));
    const int ihi = static_cast<int>(std::floor(black_ + config_.luma_high * range_));
    const auto starts = cell_starts(width_, kGridX);
    const auto* row = reinterpret_cast<const std::uint8_t*>(plane) + y0 * stride;
    for (int y = y0; y < y1; ++y, row += stride) {
        const T* p = reinterpret_cast<const T*>(row);
        const int by = block_of_row_[static_cast<std::size_t>(y)];
        for (int c = 0; c < kGridX; ++c) {
            unsigned sum = 0, nb = 0, no = 0;
            unsigned lmn = std::numeric_limits<unsigned>::max(), lmx = 0;
            for (int x = starts[static_cast<std::size_t>(c)]; x < starts[static_cast<std::size_t>(c) + 1]; ++x) {
                const unsigned v = p[x];
                sum += v;
                lmn = std::min(lmn, v);
                lmx = std::max(lmx, v);
                nb += static_cast<unsigned>(static_cast<int>(v) <= itb);
                no += static_cast<unsigned>(static_cast<int>(v) < ilo) +
                      static_cast<unsigned>(static_cast<int>(v) > ihi);
            }
            s.block_sum[static_cast<std::size_t>(by) * kGridX + static_cast<std::size_t>(c)] += sum;
            s.luma_sum += sum;
            s.black += nb;
            s.luma_out += no;
            s.luma_min = std::min(s.luma_min, lmn);
            s.luma_max = std::max(s.luma_max, lmx);
        }
    }
}

void FrameMeasurer::finish_luma(const Sums& s, Observation& o) const {
    const double n = static_cast<double>(width_) * height_;
    o.luma_min = s.luma_min;
    o.luma_max = s.luma_max;
    o.luma_avg = static_cast<double>(s.luma_sum) / n;
    o.norm_avg = (o.luma_avg - black_) / range_;
    o.black_fraction = static_cast<double>(s.black) / n;
    o.luma_out_fraction = static_cast<double>(s.luma_out) / n;
    for (int b = 0; b < kBlocks; ++b)
        o.block_luma[static_cast<std::size_t>(b)] = static_cast<float>(
            (s.block_sum[static_cast<std::size_t>(b)] / block_pixels_[static_cast<std::size_t>(b)] - black_) / range_);
}

template <typename T>
CINEPIPE_SIMD_CLONES void FrameMeasurer::chroma_rows(const VideoFrame& f, int y0, int y1, Sums& s) const {
    const int cw = f.plane_width(1);
    const int ilo = static_cast<int>(std::ceil(chroma_zero_ + config_.chroma_low * chroma_range_));
    const int ihi = static_cast<int>(std::floor(chroma_zero_ + config_.chroma_high * chroma_range_));
    const auto starts = cell_starts(cw, kGridX);
    const auto& rows = chroma_rows_;
    for (int plane = 1; plane <= 2; ++plane) {
        const auto stride = f.stride[static_cast<std::size_t>(plane)];
        const std::uint8_t* row = f.plane(plane) + y0 * stride;
        for (int y = y0; y < y1; ++y, row += stride) {
            const T* p = reinterpret_cast<const T*>(row);
            const int by = rows[static_cast<std::size_t>(y)];
            for (int c = 0; c < kGridX; ++c) {
                unsigned sum = 0, no = 0;
                const int x0 = starts[static_cast<std::size_t>(c)];
                const int x1 = starts[static_cast<std::size_t>(c) + 1];
                for (int x = x0; x < x1; ++x) {
                    const unsigned v = p[x];
                    sum += v;
                    no += static_cast<unsigned>(static_cast<int>(v) < ilo) +
                          static_cast<unsigned>(static_cast<int>(v) > ihi);
                }
                const auto b = static_cast<std::size_t>(by) * kGridX + static_cast<std::size_t>(c);
                s.chroma_sums[static_cast<std::size_t>(plane - 1) * kBlocks + b] += sum;
                if (plane == 1) s.chroma_counts[b] += x1 - x0;
                s.chroma_out += no;
            }
        }
    }
}

void FrameMeasurer::finish_chroma(const VideoFrame& f, const Sums& s, Observation& o) const {
    const int cw = f.plane_width(1);
    const int ch = f.plane_height(1);
    const auto& sums = s.chroma_sums;
    const auto& counts = s.chroma_counts;
    const std::uint64_t out = s.chroma_out;
    o.chroma_out_fraction = static_cast<double>(out) / (2.0 * cw * ch);
    const double mid = std::ldexp(1.0, bits_ - 1);
    const double kg = 1 - kr_ - kb_;
    for (std::size_t b = 0; b < kBlocks; ++b) {
        const double y = std::clamp(static_cast<double>(o.block_luma[b]), 0.0, 1.0);
        const double cb = (sums[b] / counts[b] - mid) / chroma_range_;
        const double cr = (sums[kBlocks + b] / counts[b] - mid) / chroma_range_;
        const double r = y + 2 * (1 - kr_) * cr;
        const double bl = y + 2 * (1 - kb_) * cb;
        const double g = (y - kr_ * r - kb_ * bl) / kg;
        o.block_rgb[b] = {static_cast<float>(std::clamp(r, 0.0, 1.0)),
                          static_cast<float>(std::clamp(g, 0.0, 1.0)),
                          static_cast<float>(std::clamp(bl, 0.0, 1.0))};
    }
}

// EBU R103's RGB gamut, on every eighth pixel of every fourth line: the matrix per pixel is
// the one costly step, and an excursion over 1% of the picture cannot hide from a 1/32 sample.
// As R103 measures after a low-pass filter (transients at sharp saturated edges, the ringing of
// any resampling, are not out of gamut), each sample is the mean of a 2x2 luma neighbourhood
// and of the two chroma samples beside it.
template <typename T>
CINEPIPE_SIMD_CLONES void FrameMeasurer::gamut_rows(const VideoFrame& f, int y0, int y1, Sums& s) const {
    const auto& fi = info(f.format);
    const double mid = std::ldexp(1.0, bits_ - 1);
    const double kg = 1 - kr_ - kb_;
    // Sums of four samples to normalised values, without a division per sample.
    const double y_scale = 0.25 / range_;
    const double y_offset = -black_ / range_;
    const double c_scale = 0.25 / chroma_range_;
    const double c_offset = -mid / chroma_range_;
    const double r_cr = 2 * (1 - kr_);
    const double b_cb = 2 * (1 - kb_);
    const double inv_kg = 1 / kg;
    std::uint64_t out = 0, n = 0;
    for (int y = first_row(y0, 0, 4); y < y1 && y + 1 < height_; y += 4) {
        const T* py = reinterpret_cast<const T*>(f.plane(0) + y * f.stride[0]);
        const T* py2 = reinterpret_cast<const T*>(f.plane(0) + (y + 1) * f.stride[0]);
        // The chroma rows and columns under the 2x2 luma (one sample when subsampled).
        const int cy1 = y >> fi.chroma_shift_y;
        const int cy2 = (y + 1) >> fi.chroma_shift_y;
        const T* pu = reinterpret_cast<const T*>(f.plane(1) + cy1 * f.stride[1]);
        const T* pu2 = reinterpret_cast<const T*>(f.plane(1) + cy2 * f.stride[1]);
        const T* pv = reinterpret_cast<const T*>(f.plane(2) + cy1 * f.stride[2]);
        const T* pv2 = reinterpret_cast<const T*>(f.plane(2) + cy2 * f.stride[2]);
        for (int x = 0; x + 1 < width_; x += 8) {
            const int cx1 = x >> fi.chroma_shift_x;
            const int cx2 = (x + 1) >> fi.chroma_shift_x;
            const double yy = (py[x] + py[x + 1] + py2[x] + py2[x + 1]) * y_scale + y_offset;
            const double cb = (pu[cx1] + pu[cx2] + pu2[cx1] + pu2[cx2]) * c_scale + c_offset;
            const double cr = (pv[cx1] + pv[cx2] + pv2[cx1] + pv2[cx2]) * c_scale + c_offset;
            const double r = yy + r_cr * cr;
            const double b = yy + b_cb * cb;
            const double g = (yy - kr_ * r - kb_ * b) * inv_kg;
            const double lo = std::min(std::min(r, g), b);
            const double hi = std::max(std::max(r, g), b);
            out += static_cast<std::uint64_t>(lo < config_.gamut_low || hi > config_.gamut_high);
            ++n;
        }
    }
    s.gamut_out += out;
    s.gamut_n += n;
}

void FrameMeasurer::finish_gamut(const Sums& s, Observation& o) {
    o.gamut_out_fraction =
        s.gamut_n ? static_cast<double>(s.gamut_out) / static_cast<double>(s.gamut_n) : 0.0;
}

// An RGB master: its Rec.709 luma as 16-bit for the luma measurements, its block colours, its
// gamut excursions and (float) non-finite samples.
void FrameMeasurer::rgb_to_luma(const VideoFrame& f, Observation& o) {
    const double kg = 1 - kr_ - kb_;
    const auto& fi = info(f.format);
    std::array<double, 3 * kBlocks> sums{};
    std::uint64_t out = 0;
    std::int64_t nonfinite = 0;
    for (int y = 0; y < height_; ++y) {
        std::uint16_t* dst = rgb_luma_.data() + static_cast<std::ptrdiff_t>(y) * width_;
        const int by = block_of_row_[static_cast<std::size_t>(y)];
        for (int x = 0; x < width_; ++x) {
            double r, g, b;
            if (fi.sample == SampleType::F32) {
                // Planar G, B, R.
                g = reinterpret_cast<const float*>(f.plane(0) + y * f.stride[0])[x];
                b = reinterpret_cast<const float*>(f.plane(1) + y * f.stride[1])[x];
                r = reinterpret_cast<const float*>(f.plane(2) + y * f.stride[2])[x];
                if (!std::isfinite(r) || !std::isfinite(g) || !std::isfinite(b)) {
                    ++nonfinite;
                    r = g = b = 0;
                }
            } else {
                const auto* p = reinterpret_cast<const std::uint16_t*>(f.plane(0) + y * f.stride[0]) +
                                static_cast<std::ptrdiff_t>(x) * fi.components;
                r = p[0] / 65535.0;
                g = p[1] / 65535.0;
                b = p[2] / 65535.0;
            }
            out += static_cast<std::uint64_t>(std::min({r, g, b}) < config_.gamut_low ||
                                              std::max({r, g, b}) > config_.gamut_high);
            const double luma = kr_ * r + kg * g + kb_ * b;
            dst[x] = static_cast<std::uint16_t>(std::lround(std::clamp(luma, 0.0, 1.0) * 65535));
            const auto blk = static_cast<std::size_t>(by) * kGridX +
                              static_cast<std::size_t>(block_of_column_[static_cast<std::size_t>(x)]);
            sums[blk] += r;
            sums[kBlocks + blk] += g;
            sums[2 * kBlocks + blk] += b;
        }
    }
    o.nonfinite = nonfinite;
    o.gamut_out_fraction = static_cast<double>(out) / (static_cast<double>(width_) * height_);
    for (std::size_t b = 0; b < kBlocks; ++b)
        for (std::size_t c = 0; c < 3; ++c)
            o.block_rgb[b][c] = static_cast<float>(
                std::clamp(sums[c * kBlocks + b] / block_pixels_[b], 0.0, 1.0));
}

// Gradients across the 8x8 grid's edges against gradients inside blocks: compression blocking
// makes the edges step. Every eighth line for the vertical edges, every 16th line pair for
// the horizontal ones.
template <typename T>
CINEPIPE_SIMD_CLONES void FrameMeasurer::blockiness_rows(const T* plane, std::ptrdiff_t stride, int y0, int y1,
                                                         Sums& s) const {
    double& edge = s.edge;
    double& inner = s.inner;
    std::uint64_t& edge_n = s.edge_n;
    std::uint64_t& inner_n = s.inner_n;
    const auto* base = reinterpret_cast<const std::uint8_t*>(plane);
    for (int y = first_row(y0, 2, 8); y < y1 && y < height_; y += 8) {
        const T* p = reinterpret_cast<const T*>(base + y * stride);
        std::uint64_t e = 0, i = 0;
        for (int x = 8; x + 8 <= width_; x += 8) {
            e += static_cast<std::uint64_t>(std::abs(int(p[x]) - int(p[x - 1])));
            for (int k = 1; k < 8; ++k)
                i += static_cast<std::uint64_t>(std::abs(int(p[x + k]) - int(p[x + k - 1])));
        }
        edge += static_cast<double>(e);
        inner += static_cast<double>(i);
        edge_n += static_cast<std::uint64_t>(width_ / 8 - 1);
        inner_n += static_cast<std::uint64_t>((width_ / 8 - 1) * 7);
    }
    for (int y = first_row(y0, 8, 16); y < y1 && y + 4 < height_; y += 16) {
        const T* above = reinterpret_cast<const T*>(base + (y - 1) * stride);
        const T* at = reinterpret_cast<const T*>(base + y * stride);
        const T* in1 = reinterpret_cast<const T*>(base + (y + 3) * stride);
        const T* in2 = reinterpret_cast<const T*>(base + (y + 4) * stride);
        std::uint64_t e = 0, i = 0;
        for (int x = 0; x < width_; x += 2) {
            e += static_cast<std::uint64_t>(std::abs(int(at[x]) - int(above[x])));
            i += static_cast<std::uint64_t>(std::abs(int(in2[x]) - int(in1[x])));
        }
        edge += static_cast<double>(e);
        inner += static_cast<double>(i) ;
        edge_n += static_cast<std::uint64_t>((width_ + 1) / 2);
        inner_n += static_cast<std::uint64_t>((width_ + 1) / 2);
    }
}

void FrameMeasurer::finish_blockiness(const Sums& s, Observation& o) const {
    const double edge = s.edge;
    const double inner = s.inner;
    const std::uint64_t edge_n = s.edge_n;
    const std::uint64_t inner_n = s.inner_n;
    if (edge_n == 0 || inner_n == 0) return;
    // A floor of 0.2% of the range keeps flat pictures (black, a grey card) at 1.
    const double floor = 0.002 * range_;
    o.blockiness = (edge / static_cast<double>(edge_n) + floor) /
                   (inner / static_cast<double>(inner_n) + floor);
}

// Combing: a line that stands out from both its neighbours, in the same direction, while the
// neighbours (the other field) agree. Every fourth column of every other line (combing marks
// whole areas: a 1/8 sample sees it). With the previous frame, the field motion also votes for
// a field order.
template <typename T>
CINEPIPE_SIMD_CLONES void FrameMeasurer::comb_rows(const T* plane, std::ptrdiff_t stride, int y0, int y1,
                                                   Sums& s) const {
    const int thr = std::max(1, static_cast<int>(config_.comb_threshold * range_));
    const auto* base = reinterpret_cast<const std::uint8_t*>(plane);
    std::uint64_t combed = 0, n = 0;
    for (int y = first_row(y0, 1, 2); y < y1 && y + 1 < height_; y += 2) {
        const T* a = reinterpret_cast<const T*>(base + (y - 1) * stride);
        const T* b = reinterpret_cast<const T*>(base + y * stride);
        const T* c = reinterpret_cast<const T*>(base + (y + 1) * stride);
        unsigned k = 0;
        for (int x = 0; x < width_; x += 4) {
            const int d1 = int(b[x]) - int(a[x]);
            const int d2 = int(b[x]) - int(c[x]);
            const int m = std::min(std::abs(d1), std::abs(d2));
            k += static_cast<unsigned>((d1 ^ d2) >= 0 && m > thr && 2 * std::abs(int(a[x]) - int(c[x])) < m);
        }
        combed += k;
        n += static_cast<std::uint64_t>((width_ + 3) / 4);
    }
    s.combed += combed;
    s.comb_n += n;
}

void FrameMeasurer::finish_comb(const Sums& s, Observation& o) {
    o.comb_fraction = s.comb_n ? static_cast<double>(s.combed) / static_cast<double>(s.comb_n) : 0.0;
}

// The field motion between successive pictures: the pair of fields closer in time differs
// less. Every fourth line, every other column.
template <typename T>
CINEPIPE_SIMD_CLONES void FrameMeasurer::field_motion(const T* before, std::ptrdiff_t before_stride,
                                                      const T* after, std::ptrdiff_t after_stride,
                                                      Difference& d) const {
    const auto* before_base = reinterpret_cast<const std::uint8_t*>(before);
    const auto* after_base = reinterpret_cast<const std::uint8_t*>(after);
    double d_bt = 0, d_tb = 0;
    for (int y = 0; y + 1 < height_; y += 4) {
        const T* top = reinterpret_cast<const T*>(after_base + y * after_stride);
        const T* bottom = reinterpret_cast<const T*>(after_base + (y + 1) * after_stride);
        const T* ptop = reinterpret_cast<const T*>(before_base + y * before_stride);
        const T* pbottom = reinterpret_cast<const T*>(before_base + (y + 1) * before_stride);
        std::uint64_t s1 = 0, s2 = 0;
        for (int x = 0; x < width_; x += 2) {
            s1 += static_cast<std::uint64_t>(std::abs(int(top[x]) - int(pbottom[x])));
            s2 += static_cast<std::uint64_t>(std::abs(int(bottom[x]) - int(ptop[x])));
        }
        d_bt += static_cast<double>(s1);
        d_tb += static_cast<double>(s2);
    }
    d.bottom_to_top = d_bt;
    d.top_to_bottom = d_tb;
}

// The field motion of a combed picture votes for a field order.
void FrameMeasurer::field_vote(const Difference& d, Observation& o) {
    if (o.comb_fraction < 0.001) return;
    if (d.bottom_to_top < 0.8 * d.top_to_bottom) o.field_vote = 1;  // B(n-1) -> T(n): top first
    else if (d.top_to_bottom < 0.8 * d.bottom_to_top) o.field_vote = -1;  // T(n-1) -> B(n)
}

template <typename T>
CINEPIPE_SIMD_CLONES FrameMeasurer::Difference FrameMeasurer::difference_of(const T* before,
                                                                            std::ptrdiff_t before_stride,
                                                                            const T* after,
                                                                            std::ptrdiff_t after_stride) const {
    const auto starts = cell_starts(width_, kGridX);
    const auto* before_base = reinterpret_cast<const std::uint8_t*>(before);
    const auto* after_base = reinterpret_cast<const std::uint8_t*>(after);
    std::array<double, kBlocks> sad{};
    std::uint64_t total = 0;
    for (int y = 0; y < height_; ++y) {
        const T* p = reinterpret_cast<const T*>(after_base + y * after_stride);
        const T* q = reinterpret_cast<const T*>(before_base + y * before_stride);
        const int by = block_of_row_[static_cast<std::size_t>(y)];
        for (int c = 0; c < kGridX; ++c) {
            unsigned s = 0;
            for (int x = starts[static_cast<std::size_t>(c)]; x < starts[static_cast<std::size_t>(c) + 1]; ++x)
                s += static_cast<unsigned>(std::abs(int(p[x]) - int(q[x])));
            sad[static_cast<std::size_t>(by) * kGridX + static_cast<std::size_t>(c)] += s;
            total += s;
        }
    }
    Difference d;
    d.mean = static_cast<double>(total) / (static_cast<double>(width_) * height_ * range_);
    d.identical = total == 0;
    for (std::size_t b = 0; b < kBlocks; ++b)
        d.blocks[b] = static_cast<float>(sad[b] / block_pixels_[b] / range_);
    return d;
}

FrameMeasurer::Difference FrameMeasurer::difference(const VideoFrame& before, const VideoFrame& after,
                                                     bool successive) const {
    const auto run = [&](const auto* b, const auto* a) {
        Difference d = difference_of(b, before.stride[0], a, after.stride[0]);
        if (successive && config_.comb) field_motion(b, before.stride[0], a, after.stride[0], d);
        return d;
    };
    if (info(after.format).bit_depth > 8)
        return run(reinterpret_cast<const std::uint16_t*>(before.plane(0)),
                   reinterpret_cast<const std::uint16_t*>(after.plane(0)));
    return run(before.plane(0), after.plane(0));
}

void FrameMeasurer::apply(const Difference& d, Observation& o) {
    o.diff = d.mean;
    o.identical = d.identical;
    o.block_diff = d.blocks;
    want_skip_ = *std::max_element(d.blocks.begin(), d.blocks.end()) >= config_.skip_diff_after;
}

// RGB: the luma just made (rgb_luma_) against the previous two, which it then replaces.
void FrameMeasurer::keep_and_diff(Observation& o) {
    const std::ptrdiff_t stride = static_cast<std::ptrdiff_t>(width_) * 2;
    const std::uint16_t* luma = rgb_luma_.data();
    if (want_skip_ && have_prev2_) o.block_diff_skip = difference_of(prev2_.data(), stride, luma, stride).blocks;
    if (have_prev_) {
        Difference d = difference_of(prev_.data(), stride, luma, stride);
        if (config_.comb) {
            field_motion(prev_.data(), stride, luma, stride, d);
            field_vote(d, o);
        }
        apply(d, o);
    }
    prev2_.swap(prev_);
    prev_.swap(rgb_luma_);  // rgb_luma_ is rewritten whole by the next picture
    have_prev2_ = have_prev_;
    have_prev_ = true;
}

Observation FrameMeasurer::measure_alone(const VideoFrame& f) const {
    Observation o;
    o.index = f.index;
    o.corrupt = f.corrupt;
    o.pts = f.pts;
    o.duration = f.duration;
    o.time_base = f.time_base;
    if (rgb_) return o;  // measured in order: through one luma buffer (rgb_measure)
    const auto run = [&](auto sample) {
        using T = decltype(sample);
        const T* luma = reinterpret_cast<const T*>(f.plane(0));
        const int shift_y = info(f.format).chroma_shift_y;
        const int chroma_height = f.plane_height(1);
        Sums sums;
        for (int y0 = 0; y0 < height_; y0 += kBandRows) {
            const int y1 = std::min(height_, y0 + kBandRows);
            luma_rows(luma, f.stride[0], y0, y1, sums);
            chroma_rows<T>(f, y0 >> shift_y, y1 == height_ ? chroma_height : y1 >> shift_y, sums);
            if (config_.levels) gamut_rows<T>(f, y0, y1, sums);
            if (config_.blockiness) blockiness_rows(luma, f.stride[0], y0, y1, sums);
            if (config_.comb) comb_rows(luma, f.stride[0], y0, y1, sums);
        }
        finish_luma(sums, o);
        finish_chroma(f, sums, o);  // after the luma: it needs the block luma
        if (config_.levels) finish_gamut(sums, o);
        if (config_.blockiness) finish_blockiness(sums, o);
        if (config_.comb) finish_comb(sums, o);
    };
    if (info(f.format).bit_depth > 8)
        run(std::uint16_t{});
    else
        run(std::uint8_t{});
    return o;
}

void FrameMeasurer::measure_in_order(const FramePtr& frame, Observation& o, const KnownDifferences& known) {
    const VideoFrame& f = *frame;
    if (rgb_) {
        rgb_measure(f, o);
        return;
    }
    if (prev_frame_) {
        if (want_skip_ && prev2_frame_)
            o.block_diff_skip = (known.two_before && prev2_frame_->index == f.index - 2
                                     ? *known.two_before
                                     : difference(*prev2_frame_, f, false))
                                    .blocks;
        const Difference d = known.previous && prev_frame_->index == f.index - 1
                                 ? *known.previous
                                 : difference(*prev_frame_, f);
        if (config_.comb) field_vote(d, o);
        apply(d, o);
    }
    prev2_frame_ = std::move(prev_frame_);
    prev_frame_ = frame;
}

Observation FrameMeasurer::measure(const FramePtr& frame) {
    Observation o = measure_alone(*frame);
    measure_in_order(frame, o);
    return o;
}

void FrameMeasurer::rgb_measure(const VideoFrame& f, Observation& o) {
    rgb_to_luma(f, o);
    const std::uint16_t* luma = rgb_luma_.data();
    const std::ptrdiff_t stride = static_cast<std::ptrdiff_t>(width_) * 2;
    Sums sums;
    luma_rows(luma, stride, 0, height_, sums);
    finish_luma(sums, o);
    if (config_.blockiness) {
        blockiness_rows(luma, stride, 0, height_, sums);
        finish_blockiness(sums, o);
    }
    if (config_.comb) {
        comb_rows(luma, stride, 0, height_, sums);
        finish_comb(sums, o);
    }
    keep_and_diff(o);
    o.chroma_out_fraction = 0;
}

}  // namespace cinepipe::qc
