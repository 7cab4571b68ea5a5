#pragma once
// Private to filters/qc: one pass per plane over each picture, computing every measurement the
// enabled checks share (luma statistics, level excursions, the block grid, differences to the
// previous frames, blocking, combing). The native luma plane is read as it is: no RGB
// conversion for YUV pictures.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "cinepipe/frame.h"
#include "qc_check.h"

namespace cinepipe::qc {

class FrameMeasurer {
  public:
    FrameMeasurer(const MeasureConfig& config, PixelFormat format, int width, int height,
                  const ColorTags& tags);

    // Luma difference between two pictures (YUV only).
    struct Difference {
        double mean = 0;  // mean absolute difference, fractions of the range
        bool identical = false;
        std::array<float, kBlocks> blocks{};
        // With the comb check, between successive pictures: the earlier picture's bottom
        // field against the later top field, and its top against the later bottom.
        double bottom_to_top = 0, top_to_bottom = 0;
    };

    // What needs no other picture (levels, block grid, blocking, combing): may run on many
    // pictures at once, ahead of measure_in_order() for the same picture.
    [[nodiscard]] Observation measure_alone(const VideoFrame& frame) const;
    // `after` against `before`, for YUV pictures: may also run on many pairs at once.
    // `successive`: the pictures follow each other (the field motion is measured too).
    [[nodiscard]] Difference difference(const VideoFrame& before, const VideoFrame& after,
                                        bool successive = true) const;
    // Whether a check may ask for the difference of pictures i and i-2.
    [[nodiscard]] bool may_skip() const { return config_.skip_diff_after <= 1; }
    // What measure_in_order() can be given: difference() against the pictures numbered
    // frame->index - 1 and - 2, taken ahead.
    struct KnownDifferences {
        std::optional<Difference> previous;
        std::optional<Difference> two_before;
    };
    // Completes `o`, measure_alone()'s result for `frame`, with what needs the frames before
    // it (differences, the field order); call in frame order. A known difference is used when
    // its picture is the one measured last (last but one), and taken here otherwise. Keeps the
    // last two pictures.
    void measure_in_order(const FramePtr& frame, Observation& o, const KnownDifferences& known = {});
    // Both, in frame order.
    Observation measure(const FramePtr& frame);

  private:
    // One picture's running sums, band by band (integers, or integer-valued doubles, so the
    // order they are added in does not change them).
    struct Sums {
        std::array<double, kBlocks> block_sum{};
        unsigned luma_min = 0xffffffffU;
        unsigned luma_max = 0;
        std::uint64_t luma_sum = 0, black = 0, luma_out = 0;
        std::array<double, 2 * kBlocks> chroma_sums{};
        std::array<double, kBlocks> chroma_counts{};
        std::uint64_t chroma_out = 0;
        std::uint64_t gamut_out = 0, gamut_n = 0;
        double edge = 0, inner = 0;
        std::uint64_t edge_n = 0, inner_n = 0;
        std::uint64_t combed = 0, comb_n = 0;
    };
    // Each pass over rows [y0, y1) (chroma_rows: chroma rows), adding to `s`; finish_*
    // turns the sums into the observation.
    template <typename T>
    void luma_rows(const T* plane, std::ptrdiff_t stride, int y0, int y1, Sums& s) const;
    template <typename T>
    void chroma_rows(const VideoFrame& f, int y0, int y1, Sums& s) const;
    template <typename T>
    void gamut_rows(const VideoFrame& f, int y0, int y1, Sums& s) const;
    template <typename T>
    void blockiness_rows(const T* plane, std::ptrdiff_t stride, int y0, int y1, Sums& s) const;
    template <typename T>
    void comb_rows(const T* plane, std::ptrdiff_t stride, int y0, int y1, Sums& s) const;
    void finish_luma(const Sums& s, Observation& o) const;
    void finish_chroma(const VideoFrame& f, const Sums& s, Observation& o) const;
    static void finish_gamut(const Sums& s, Observation& o);
    void finish_blockiness(const Sums& s, Observation& o) const;
    static void finish_comb(const Sums& s, Observation& o);
    void rgb_to_luma(const VideoFrame& f, Observation& o);
    template <typename T>
    void field_motion(const T* before, std::ptrdiff_t before_stride, const T* after,
                      std::ptrdiff_t after_stride, Difference& d) const;
    static void field_vote(const Difference& d, Observation& o);
    template <typename T>
    [[nodiscard]] Difference difference_of(const T* before, std::ptrdiff_t before_stride,
                                           const T* after, std::ptrdiff_t after_stride) const;
    void rgb_measure(const VideoFrame& f, Observation& o);
    void keep_and_diff(Observation& o);
    void apply(const Difference& d, Observation& o);

    MeasureConfig config_;
    PixelFormat format_;
    int width_;
    int height_;
    bool rgb_;
    int bits_;                 // luma code bits as measured (16 for RGB pictures, via rgb_to_luma)
    double black_;             // code value of legal black
    double range_;             // code values from legal black to legal white
    double chroma_zero_ = 0;   // chroma code value 0 (16 at 8 bits limited)
    double chroma_range_ = 0;  // 224 at 8 bits limited
    double kr_ = 0.2126, kb_ = 0.0722;
    std::vector<int> block_of_column_;  // grid column of each picture column
    std::vector<int> block_of_row_;
    std::vector<int> chroma_rows_;      // grid row of each chroma line
    std::vector<double> block_pixels_;  // pixels per grid block
    // YUV: the two pictures measured last, whose luma planes the differences read. Held
    // rather than copied: a held picture is not written in place by other nodes.
    FramePtr prev_frame_, prev2_frame_;
    // RGB: the two previous pictures' luma (16-bit), and this one's.
    std::vector<std::uint16_t> prev_, prev2_, rgb_luma_;
    bool have_prev_ = false;
    bool have_prev2_ = false;
    bool want_skip_ = false;  // the previous frame asked for the i-2 comparison
    std::array<double, 3 * kBlocks> block_chroma_{};
};

}  // namespace cinepipe::qc
