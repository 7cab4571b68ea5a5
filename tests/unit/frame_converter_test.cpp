#include "cinepipe/frame_converter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

namespace cinepipe {
namespace {

// --- hand-built frames ------------------------------------------------------------------------

// Integer sample `comp` of pixel (x, y) in `plane` (packed formats: plane 0, comp 0..n-1).
int at(const VideoFrame& f, int plane, int x, int y, int comp = 0) {
    const auto& fi = info(f.format);
    const int per_pixel = fi.planes == 1 ? fi.components : 1;
    const std::uint8_t* row = f.plane(plane) + static_cast<std::ptrdiff_t>(y) * f.stride[plane];
    const int index = x * per_pixel + comp;
    if (fi.sample == SampleType::U8) return row[index];
    std::uint16_t v = 0;
    std::memcpy(&v, row + index * 2, 2);
    return v;
}

void put(VideoFrame& f, int plane, int x, int y, int comp, int value) {
    const auto& fi = info(f.format);
    const int per_pixel = fi.planes == 1 ? fi.components : 1;
    std::uint8_t* row = f.mutable_plane(plane) + static_cast<std::ptrdiff_t>(y) * f.stride[plane];
    const int index = x * per_pixel + comp;
    if (fi.sample == SampleType::U8) {
        row[index] = static_cast<std::uint8_t>(value);
    } else {
        const auto v = static_cast<std::uint16_t>(value);
        std::memcpy(row + index * 2, &v, 2);
    }
}

using Filler = std::function<int(int plane, int comp, int x, int y)>;

// A frame of `format`, `w`x`h` whose sample (plane, comp, x, y) is value(plane, comp, x, y).
FramePtr make_frame(PixelFormat format, int w, int h, FieldOrder order, ColorTags tags,
                    const Filler& value) {
    FramePool pool(format, w, h, 1);  // the frame keeps its buffer after the pool is gone
    auto f = pool.acquire();
    f->field_order = order;
    f->tags = tags;
    f->pts = 42;
    f->index = 7;
    const auto& fi = info(format);
    const int per_pixel = fi.planes == 1 ? fi.components : 1;
    for (int p = 0; p < fi.planes; ++p)
        for (int y = 0; y < f->plane_height(p); ++y)
            for (int x = 0; x < f->plane_width(p); ++x)
                for (int c = 0; c < per_pixel; ++c) put(*f, p, x, y, c, value(p, c, x, y));
    return f;
}

// yuv (any planar YUV format): luma `y` everywhere; chroma rows of the top field (even rows
// of the chroma plane — in interlaced 4:2:0 chroma rows alternate between the fields too) get
// `top`, those of the bottom field `bottom`. Values are in the format's own bit depth.
FramePtr yuv_fields(PixelFormat format, int w, int h, FieldOrder order, int y, int top,
                    int bottom) {
    return make_frame(format, w, h, order, rec709_limited(), [&](int p, int, int, int row) {
        if (p == 0) return y;
        return row % 2 == 0 ? top : bottom;
    });
}

FramePtr yuv_flat(PixelFormat format, int w, int h, int y, int c) {
    return yuv_fields(format, w, h, FieldOrder::Progressive, y, c, c);
}

using Rgb = std::array<int, 3>;

FramePtr rgb48_fields(int w, int h, FieldOrder order, Rgb top, Rgb bottom) {
    ColorTags tags = rec709_limited();
    tags.matrix = MatrixCoefficients::Rgb;
    tags.range = ColorRange::Full;
    return make_frame(PixelFormat::Rgb48, w, h, order, tags, [&](int, int c, int, int row) {
        return (row % 2 == 0 ? top : bottom)[static_cast<std::size_t>(c)];
    });
}

FramePtr convert(const FramePtr& in, PixelFormat to, int w, int h) {
    FrameConverter conv(ConverterOptions{to, w, h});
    return conv.convert(in);
}

// Largest |sample - expected(row parity)| over a plane/component.
int max_field_error(const VideoFrame& f, int plane, int comp, int even, int odd) {
    int worst = 0;
    for (int y = 0; y < f.plane_height(plane); ++y)
        for (int x = 0; x < f.plane_width(plane); ++x)
            worst = std::max(worst, std::abs(at(f, plane, x, y, comp) - (y % 2 == 0 ? even : odd)));
    return worst;
}

// Number of samples of a plane/component strictly between lo and hi.
int count_between(const VideoFrame& f, int plane, int comp, int lo, int hi) {
    int n = 0;
    for (int y = 0; y < f.plane_height(plane); ++y)
        for (int x = 0; x < f.plane_width(plane); ++x) {
            const int v = at(f, plane, x, y, comp);
            n += v > lo && v < hi ? 1 : 0;
        }
    return n;
}

int max_difference(const VideoFrame& a, const VideoFrame& b) {
    EXPECT_EQ(a.format, b.format);
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    const auto& fi = info(a.format);
    const int per_pixel = fi.planes == 1 ? fi.components : 1;
    int worst = 0;
    for (int p = 0; p < fi.planes; ++p)
        for (int y = 0; y < a.plane_height(p); ++y)
            for (int x = 0; x < a.plane_width(p); ++x)
                for (int c = 0; c < per_pixel; ++c)
                    worst = std::max(worst, std::abs(at(a, p, x, y, c) - at(b, p, x, y, c)));
    return worst;
}

constexpr int kTol10 = 2;      // 10-bit code values
constexpr int kTol16 = 64;     // 16-bit RGB code values (0.1%)
constexpr int kTop8 = 16;      // strong colour in the top field
constexpr int kBottom8 = 240;  // the opposite colour in the bottom field

// --- interlaced: fields converted separately -------------------------------------------------

TEST(FrameConverter, Interlaced420To422KeepsEachFieldsChromaForEveryFieldOrder) {
    for (const FieldOrder order :
         {FieldOrder::TT, FieldOrder::BB, FieldOrder::TB, FieldOrder::BT}) {
        SCOPED_TRACE(to_string(order));
        const auto in = yuv_fields(PixelFormat::Yuv420p8, 64, 64, order, 128, kTop8, kBottom8);
        const auto out = convert(in, PixelFormat::Yuv422p10, 64, 64);
        ASSERT_EQ(out->format, PixelFormat::Yuv422p10);
        ASSERT_EQ(out->plane_height(1), 64);
        EXPECT_EQ(max_field_error(*out, 0, 0, 512, 512), 0);
        for (int p = 1; p <= 2; ++p)
            EXPECT_LE(max_field_error(*out, p, 0, kTop8 << 2, kBottom8 << 2), kTol10)
                << "plane " << p;
        EXPECT_EQ(out->field_order, order);
    }
}

TEST(FrameConverter, Progressive420To422MixesAlternatingChromaRows) {
    // The same pixels marked progressive: chroma row k covers luma rows 2k and 2k+1 and is
    // interpolated vertically, so the per-field expectation above fails. This is what the
    // interlaced path must not do, and shows the check above can fail.
    const auto in =
        yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Progressive, 128, kTop8, kBottom8);
    const auto out = convert(in, PixelFormat::Yuv422p10, 64, 64);
    for (int p = 1; p <= 2; ++p) {
        EXPECT_GT(max_field_error(*out, p, 0, kTop8 << 2, kBottom8 << 2), 200) << "plane " << p;
        EXPECT_GT(count_between(*out, p, 0, (kTop8 << 2) + 100, (kBottom8 << 2) - 100), 0)
            << "plane " << p;
    }
}

TEST(FrameConverter, UnknownFieldOrderIsConvertedAsAWholeFrame) {
    const auto in =
        yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Unknown, 128, kTop8, kBottom8);
    const auto out = convert(in, PixelFormat::Yuv422p10, 64, 64);
    EXPECT_GT(max_field_error(*out, 1, 0, kTop8 << 2, kBottom8 << 2), 200);
}

TEST(FrameConverter, Interlaced420To444KeepsEachFieldsChroma) {
    const auto in = yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::TT, 128, kTop8, kBottom8);
    const auto out = convert(in, PixelFormat::Yuv444p10, 64, 64);
    for (int p = 1; p <= 2; ++p)
        EXPECT_LE(max_field_error(*out, p, 0, kTop8 << 2, kBottom8 << 2), kTol10);
    const auto progressive = convert(
        yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Progressive, 128, kTop8, kBottom8),
        PixelFormat::Yuv444p10, 64, 64);
    EXPECT_GT(max_field_error(*progressive, 1, 0, kTop8 << 2, kBottom8 << 2), 200);
}

TEST(FrameConverter, Interlaced420ToRgbKeepsEachFieldsColour) {
    // Oracle: the colour of each field's chroma, converted from a flat progressive frame.
    const auto top =
        convert(yuv_flat(PixelFormat::Yuv420p8, 64, 64, 128, kTop8), PixelFormat::Rgb48, 64, 64);
    const auto bottom =
        convert(yuv_flat(PixelFormat::Yuv420p8, 64, 64, 128, kBottom8), PixelFormat::Rgb48, 64, 64);
    const auto in = yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::BB, 128, kTop8, kBottom8);
    const auto out = convert(in, PixelFormat::Rgb48, 64, 64);
    const auto progressive = convert(
        yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Progressive, 128, kTop8, kBottom8),
        PixelFormat::Rgb48, 64, 64);
    int worst_progressive = 0;
    for (int c = 0; c < 3; ++c) {
        const int even = at(*top, 0, 0, 0, c);
        const int odd = at(*bottom, 0, 0, 0, c);
        EXPECT_LE(max_field_error(*out, 0, c, even, odd), kTol16) << "component " << c;
        worst_progressive =
            std::max(worst_progressive, max_field_error(*progressive, 0, c, even, odd));
    }
    EXPECT_GT(worst_progressive, 4096);
}

TEST(FrameConverter, Interlaced422To420KeepsEachFieldsChroma) {
    // 4:2:2 chroma has a row per luma row; 4:2:0 chroma row j belongs to field j % 2.
    const auto in = yuv_fields(PixelFormat::Yuv422p8, 64, 64, FieldOrder::TB, 128, kTop8, kBottom8);
    const auto out = convert(in, PixelFormat::Yuv420p10, 64, 64);
    ASSERT_EQ(out->plane_height(1), 32);
    EXPECT_EQ(max_field_error(*out, 0, 0, 512, 512), 0);
    for (int p = 1; p <= 2; ++p)
        EXPECT_LE(max_field_error(*out, p, 0, kTop8 << 2, kBottom8 << 2), kTol10);
    const auto progressive = convert(
        yuv_fields(PixelFormat::Yuv422p8, 64, 64, FieldOrder::Progressive, 128, kTop8, kBottom8),
        PixelFormat::Yuv420p10, 64, 64);
    EXPECT_GT(count_between(*progressive, 1, 0, (kTop8 << 2) + 100, (kBottom8 << 2) - 100), 0);
}

TEST(FrameConverter, Interlaced444To420KeepsEachFieldsChroma) {
    const auto in =
        yuv_fields(PixelFormat::Yuv444p10, 64, 64, FieldOrder::BT, 512, kTop8 << 2, kBottom8 << 2);
    const auto out = convert(in, PixelFormat::Yuv420p8, 64, 64);
    for (int p = 1; p <= 2; ++p) EXPECT_LE(max_field_error(*out, p, 0, kTop8, kBottom8), 1);
}

TEST(FrameConverter, InterlacedRgbTo420KeepsEachFieldsChroma) {
    const Rgb a{60000, 5000, 10000};
    const Rgb b{5000, 40000, 60000};
    const auto flat_a = convert(rgb48_fields(64, 64, FieldOrder::Progressive, a, a),
                                PixelFormat::Yuv420p10, 64, 64);
    const auto flat_b = convert(rgb48_fields(64, 64, FieldOrder::Progressive, b, b),
                                PixelFormat::Yuv420p10, 64, 64);
    const auto out =
        convert(rgb48_fields(64, 64, FieldOrder::TT, a, b), PixelFormat::Yuv420p10, 64, 64);
    const auto progressive = convert(rgb48_fields(64, 64, FieldOrder::Progressive, a, b),
                                     PixelFormat::Yuv420p10, 64, 64);
    for (int p = 0; p < 3; ++p) {
        const int even = at(*flat_a, p, 0, 0);
        const int odd = at(*flat_b, p, 0, 0);
        ASSERT_GT(std::abs(even - odd), 100) << "plane " << p;
        EXPECT_LE(max_field_error(*out, p, 0, even, odd), kTol10) << "plane " << p;
        if (p > 0) {
            EXPECT_GT(max_field_error(*progressive, p, 0, even, odd), 100) << "plane " << p;
        }
    }
    EXPECT_EQ(out->tags.matrix, MatrixCoefficients::Bt709);
    EXPECT_EQ(out->tags.range, ColorRange::Limited);
}

TEST(FrameConverter, InterlacedResizeScalesEachFieldOnItsOwn) {
    const auto in = yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::TT, 128, kTop8, kBottom8);
    const auto out = convert(in, PixelFormat::Yuv422p10, 96, 128);
    ASSERT_EQ(out->width, 96);
    ASSERT_EQ(out->height, 128);
    EXPECT_LE(max_field_error(*out, 0, 0, 512, 512), kTol10);
    for (int p = 1; p <= 2; ++p)
        EXPECT_LE(max_field_error(*out, p, 0, kTop8 << 2, kBottom8 << 2), kTol10);
}

TEST(FrameConverter, InterlacedHeightWithoutWholeChromaFieldRowsFallsBackToWholeFrame) {
    // 66 rows of 4:2:0: 33 chroma rows cannot be split into two fields of whole rows.
    const auto in = yuv_fields(PixelFormat::Yuv420p8, 64, 66, FieldOrder::TT, 128, 128, 128);
    const auto out = convert(in, PixelFormat::Yuv422p10, 64, 66);
    EXPECT_EQ(max_field_error(*out, 0, 0, 512, 512), 0);
    EXPECT_EQ(max_field_error(*out, 1, 0, 512, 512), 0);
}

TEST(FrameConverter, OneConverterSwitchesBetweenInterlacedAndProgressive) {
    const auto interlaced =
        yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::TT, 128, kTop8, kBottom8);
    const auto progressive =
        yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Progressive, 128, kTop8, kBottom8);
    const auto ref_i = convert(interlaced, PixelFormat::Yuv422p10, 64, 64);
    const auto ref_p = convert(progressive, PixelFormat::Yuv422p10, 64, 64);
    ASSERT_GT(max_difference(*ref_i, *ref_p), 200);
    FrameConverter conv(ConverterOptions{PixelFormat::Yuv422p10, 64, 64});
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(max_difference(*conv.convert(interlaced), *ref_i), 0);
        EXPECT_EQ(max_difference(*conv.convert(progressive), *ref_p), 0);
    }
}

TEST(FrameConverter, ManyThreadsGiveTheSamePictures) {
    const auto interlaced =
        yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::BB, 128, kTop8, kBottom8);
    const auto progressive =
        yuv_fields(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Progressive, 128, kTop8, kBottom8);
    const auto ref_i = convert(interlaced, PixelFormat::Yuv422p10, 64, 64);
    const auto ref_p = convert(progressive, PixelFormat::Yuv422p10, 64, 64);
    ConverterOptions options{PixelFormat::Yuv422p10, 64, 64};
    options.pool_size = 16;
    FrameConverter conv(options);
    std::vector<int> worst(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < worst.size(); ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                const bool use_i = (i + static_cast<int>(t)) % 2 == 0;
                const auto out = conv.convert(use_i ? interlaced : progressive);
                worst[t] = std::max(worst[t], max_difference(*out, use_i ? *ref_i : *ref_p));
            }
        });
    for (auto& th : threads) th.join();
    for (const int w : worst) EXPECT_EQ(w, 0);
}

TEST(FrameConverter, InterlacedChromaKeepsItsVerticalPosition) {
    // A vertical chroma ramp is the same picture whether the 4:2:0 frame is progressive or
    // interlaced: chroma row k sits at frame row 2k + 0.5 either way (in an interlaced frame
    // the top field's rows a quarter, the bottom field's three quarters of a field line below
    // their luma row). Converted field by field it must land where the whole-frame conversion
    // puts it; away from the edges the two agree.
    const auto ramp = [](int p, int, int, int row) { return p == 0 ? 128 : 16 + 7 * row; };
    const auto interlaced =
        make_frame(PixelFormat::Yuv420p8, 64, 64, FieldOrder::TT, rec709_limited(), ramp);
    const auto progressive =
        make_frame(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Progressive, rec709_limited(), ramp);
    for (const PixelFormat to : {PixelFormat::Yuv422p10, PixelFormat::Yuv444p10}) {
        SCOPED_TRACE(to_string(to));
        const auto a = convert(interlaced, to, 64, 64);
        const auto b = convert(progressive, to, 64, 64);
        int worst = 0;
        for (int y = 12; y < 52; ++y)
            for (int x = 0; x < a->plane_width(1); ++x)
                worst = std::max(worst, std::abs(at(*a, 1, x, y) - at(*b, 1, x, y)));
        EXPECT_LE(worst, 2);
    }
}

// --- progressive path and tags ---------------------------------------------------------------

TEST(FrameConverter, FlatGreyKeepsItsCodeValuesAndTags) {
    const auto in = yuv_flat(PixelFormat::Yuv420p8, 64, 64, 128, 128);
    const auto out = convert(in, PixelFormat::Yuv422p10, 64, 64);
    for (int p = 0; p < 3; ++p) EXPECT_EQ(max_field_error(*out, p, 0, 512, 512), 0) << p;
    EXPECT_EQ(out->tags, rec709_limited());
    EXPECT_EQ(out->field_order, FieldOrder::Progressive);
    EXPECT_EQ(out->pts, 42);
    EXPECT_EQ(out->index, 7);
}

TEST(FrameConverter, YuvToYuvKeepsFullRangeAndFillsInUnspecifiedRange) {
    ColorTags full = rec709_limited();
    full.range = ColorRange::Full;
    full.matrix = MatrixCoefficients::Bt470bg;
    const auto grey = [](int p, int, int, int) { return p == 0 ? 200 : 128; };
    const auto out_full =
        convert(make_frame(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Progressive, full, grey),
                PixelFormat::Yuv422p10, 64, 64);
    EXPECT_EQ(out_full->tags, full);
    EXPECT_EQ(max_field_error(*out_full, 0, 0, 800, 800), 0);
    ColorTags unspecified = rec709_limited();
    unspecified.range = ColorRange::Unspecified;
    const auto out_unspec = convert(
        make_frame(PixelFormat::Yuv420p8, 64, 64, FieldOrder::Progressive, unspecified, grey),
        PixelFormat::Yuv422p10, 64, 64);
    EXPECT_EQ(out_unspec->tags.range, ColorRange::Limited);
    EXPECT_EQ(out_unspec->tags.matrix, MatrixCoefficients::Bt709);
}

TEST(FrameConverter, YuvToRgbIsTaggedRgbFullRange) {
    const auto out =
        convert(yuv_flat(PixelFormat::Yuv420p8, 64, 64, 128, 128), PixelFormat::Rgb48, 64, 64);
    EXPECT_EQ(out->tags.matrix, MatrixCoefficients::Rgb);
    EXPECT_EQ(out->tags.range, ColorRange::Full);
    EXPECT_EQ(out->tags.primaries, ColorPrimaries::Bt709);
    // Limited-range mid grey (Y 128 of 16..235) is a neutral grey in full-range RGB.
    const int r = at(*out, 0, 10, 10, 0);
    EXPECT_NEAR(at(*out, 0, 10, 10, 1), r, kTol16);
    EXPECT_NEAR(at(*out, 0, 10, 10, 2), r, kTol16);
    EXPECT_NEAR(r, (128 - 16) * 65535 / 219, 300);
}

TEST(FrameConverter, RgbToYuvIsTaggedBt709Limited) {
    const Rgb grey{32768, 32768, 32768};
    const auto out = convert(rgb48_fields(64, 64, FieldOrder::Progressive, grey, grey),
                             PixelFormat::Yuv422p10, 64, 64);
    EXPECT_EQ(out->tags.matrix, MatrixCoefficients::Bt709);
    EXPECT_EQ(out->tags.range, ColorRange::Limited);
    EXPECT_NEAR(at(*out, 1, 5, 5), 512, kTol10);  // neutral: no chroma
    EXPECT_NEAR(at(*out, 0, 5, 5), 64 + 876 / 2, kTol10);
}

TEST(FrameConverter, RgbWithBt2020PrimariesGetsTheBt2020Matrix) {
    ColorTags tags{ColorPrimaries::Bt2020, TransferCharacteristic::Pq, MatrixCoefficients::Rgb,
                   ColorRange::Full};
    const auto in = make_frame(PixelFormat::Rgb48, 64, 64, FieldOrder::Progressive, tags,
                               [](int, int, int, int) { return 30000; });
    const auto out = convert(in, PixelFormat::Yuv444p12, 64, 64);
    EXPECT_EQ(out->tags.matrix, MatrixCoefficients::Bt2020Ncl);
    EXPECT_EQ(out->tags.range, ColorRange::Limited);
    EXPECT_EQ(out->tags.transfer, TransferCharacteristic::Pq);
}

TEST(FrameConverter, ReturnsTheInputWhenFormatAndSizeAlreadyMatch) {
    const auto in = yuv_fields(PixelFormat::Yuv422p10, 64, 64, FieldOrder::TT, 512, 64, 960);
    FrameConverter conv(ConverterOptions{PixelFormat::Yuv422p10, 64, 64});
    EXPECT_EQ(conv.convert(in).get(), in.get());
    FrameConverter resize(ConverterOptions{PixelFormat::Yuv422p10, 32, 32});
    EXPECT_NE(resize.convert(in).get(), in.get());
}

TEST(FrameConverter, NeedsAnOutputSize) {
    EXPECT_THROW(FrameConverter(ConverterOptions{PixelFormat::Yuv422p10, 0, 64}),
                 std::invalid_argument);
}

}  // namespace
}  // namespace cinepipe
