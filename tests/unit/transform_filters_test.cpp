// The built-in transform filters (filters/transform), driven through the registry as a graph
// would: validate parameters against the schema, create, configure, process. Frames are
// generated in code with known sample values.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <tbb/parallel_for.h>

#include "cinepipe/builtin_filters.h"
#include "cinepipe/error.h"
#include "cinepipe/filter_registry.h"
#include "cinepipe/frame_converter.h"
#include "tsan_hand_over.h"

namespace cinepipe {
namespace {

// --- frames -----------------------------------------------------------------------------------

int per_pixel(PixelFormat f) {
    const auto& fi = info(f);
    return fi.planes == 1 ? fi.components : 1;
}

// Sample `comp` of pixel (x, y) in `plane` (packed formats: plane 0, comp 0..n-1); float
// samples as they are, integers as code values.
double at(const VideoFrame& f, int plane, int x, int y, int comp = 0) {
    const auto& fi = info(f.format);
    const std::uint8_t* row = f.plane(plane) + static_cast<std::ptrdiff_t>(y) * f.stride[plane];
    const int index = x * per_pixel(f.format) + comp;
    if (fi.sample == SampleType::U8) return row[index];
    if (fi.sample == SampleType::U16) {
        std::uint16_t v = 0;
        std::memcpy(&v, row + index * 2, 2);
        return v;
    }
    float v = 0;
    std::memcpy(&v, row + index * 4, 4);
    return v;
}

void put(VideoFrame& f, int plane, int x, int y, int comp, double value) {
    const auto& fi = info(f.format);
    std::uint8_t* row = f.mutable_plane(plane) + static_cast<std::ptrdiff_t>(y) * f.stride[plane];
    const int index = x * per_pixel(f.format) + comp;
    if (fi.sample == SampleType::U8) {
        row[index] = static_cast<std::uint8_t>(value);
    } else if (fi.sample == SampleType::U16) {
        const auto v = static_cast<std::uint16_t>(value);
        std::memcpy(row + index * 2, &v, 2);
    } else {
        const auto v = static_cast<float>(value);
        std::memcpy(row + index * 4, &v, 4);
    }
}

using Filler = std::function<double(int plane, int comp, int x, int y)>;

ColorTags rgb_tags() {
    ColorTags tags = rec709_limited();
    tags.matrix = MatrixCoefficients::Rgb;
    tags.range = ColorRange::Full;
    return tags;
}

ColorTags default_tags(PixelFormat format) {
    return info(format).family == ColorFamily::Rgb ? rgb_tags() : rec709_limited();
}

// A `w`x`h` frame of `format` whose sample (plane, comp, x, y) is value(...), with recognisable
// timing so tests can check it is carried over.
FramePtr make_frame(PixelFormat format, int w, int h, const Filler& value, ColorTags tags = {},
                    Rational sar = {1, 1}, std::int64_t index = 7) {
    FramePool pool(format, w, h, 1);  // the frame keeps its buffer after the pool is gone
    auto f = pool.acquire();
    f->tags = tags == ColorTags{} ? default_tags(format) : tags;
    f->sample_aspect = sar;
    f->index = index;
    f->pts = 1000 + index * 2;
    f->duration = 2;
    f->time_base = {1, 48};
    f->timecode = Timecode({24, 1}, false, 86400 + index);
    for (int p = 0; p < info(format).planes; ++p)
        for (int y = 0; y < f->plane_height(p); ++y)
            for (int x = 0; x < f->plane_width(p); ++x)
                for (int c = 0; c < per_pixel(format); ++c) put(*f, p, x, y, c, value(p, c, x, y));
    return f;
}

// Every sample different (within the format's range), so a misplaced copy shows.
FramePtr pattern_frame(PixelFormat format, int w, int h, std::int64_t index = 7) {
    const auto& fi = info(format);
    return make_frame(
        format, w, h,
        [&](int p, int c, int x, int y) -> double {
            const int v = (x * 7 + y * 131 + p * 1009 + c * 61 + static_cast<int>(index) * 17);
            if (fi.sample == SampleType::F32) return (v % 4093) / 4096.0;
            return v % (1 << std::min(fi.bit_depth, 16));
        },
        {}, {1, 1}, index);
}

FramePtr flat_yuv(PixelFormat format, int w, int h, int y, int u, int v, ColorTags tags = {}) {
    return make_frame(
        format, w, h,
        [&](int p, int, int, int) { return p == 0   ? y
                                           : p == 1 ? u
                                           : p == 2 ? v
                                                    : 0; }, tags);
}

StreamDesc desc_of(const VideoFrame& f) {
    StreamDesc d;
    d.format = f.format;
    d.width = f.width;
    d.height = f.height;
    d.tags = f.tags;
    d.sample_aspect = f.sample_aspect;
    d.field_order = f.field_order;
    return d;
}

StreamDesc desc(PixelFormat format, int w, int h, Rational sar = {1, 1}) {
    StreamDesc d;
    d.format = format;
    d.width = w;
    d.height = h;
    d.tags = default_tags(format);
    d.sample_aspect = sar;
    return d;
}

// Largest |sample - value(plane, comp)| over the whole frame.
double max_error(const VideoFrame& f, const std::function<double(int plane, int comp)>& value) {
    double worst = 0;
    for (int p = 0; p < info(f.format).planes; ++p)
        for (int y = 0; y < f.plane_height(p); ++y)
            for (int x = 0; x < f.plane_width(p); ++x)
                for (int c = 0; c < per_pixel(f.format); ++c)
                    worst = std::max(worst, std::abs(at(f, p, x, y, c) - value(p, c)));
    return worst;
}

double max_difference(const VideoFrame& a, const VideoFrame& b) {
    EXPECT_EQ(a.format, b.format);
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    double worst = 0;
    for (int p = 0; p < info(a.format).planes; ++p)
        for (int y = 0; y < a.plane_height(p); ++y)
            for (int x = 0; x < a.plane_width(p); ++x)
                for (int c = 0; c < per_pixel(a.format); ++c)
                    worst = std::max(worst, std::abs(at(a, p, x, y, c) - at(b, p, x, y, c)));
    return worst;
}

bool same_bytes(const VideoFrame& a, const VideoFrame& b) {
    if (a.format != b.format || a.width != b.width || a.height != b.height) return false;
    for (int p = 0; p < info(a.format).planes; ++p)
        for (int y = 0; y < a.plane_height(p); ++y)
            if (std::memcmp(a.plane(p) + y * a.stride[p], b.plane(p) + y * b.stride[p],
                            a.row_bytes(p)) != 0)
                return false;
    return true;
}

void expect_same_timing(const VideoFrame& out, const VideoFrame& in) {
    EXPECT_EQ(out.index, in.index);
    EXPECT_EQ(out.pts, in.pts);
    EXPECT_EQ(out.duration, in.duration);
    EXPECT_EQ(out.time_base, in.time_base);
    ASSERT_TRUE(out.timecode.has_value());
    EXPECT_EQ(*out.timecode, *in.timecode);
}

bool same_ratio(Rational a, Rational b) {
    return a.num == b.num && a.den == b.den;
}

// --- the registry harness ---------------------------------------------------------------------

class TransformFilters : public ::testing::Test {
  protected:
    TransformFilters() { register_transform_filters(registry_); }

    const FilterInfo& filter(const std::string& name) {
        const FilterInfo* info = registry_.find(name);
        if (!info) throw std::logic_error("no filter " + name);
        return *info;
    }

    std::unique_ptr<Node> create(const std::string& name,
                                 const std::map<std::string, std::string>& params = {},
                                 std::size_t pool_size = 8) {
        std::map<std::string, RawValue> raw;
        for (const auto& [k, v] : params) raw[k] = RawValue{v, false};
        const FilterInfo& info = filter(name);
        NodeContext ctx;
        ctx.id = name;
        ctx.pool_size = pool_size;
        return info.create(validate_params(info.params, raw), ctx);
    }

    // Creates, configures for `in` and processes one frame.
    FramePtr run(const std::string& name, const std::map<std::string, std::string>& params,
                 const FramePtr& in, StreamDesc* out_desc = nullptr) {
        auto node = create(name, params);
        const StreamDesc out = node->configure(desc_of(*in));
        if (out_desc) *out_desc = out;
        return node->process(in);
    }

    // The InputError message configure() throws, or "" when it does not throw.
    std::string configure_error(const std::string& name,
                                const std::map<std::string, std::string>& params,
                                const StreamDesc& in) {
        try {
            create(name, params)->configure(in);
        } catch (const InputError& e) {
            return e.what();
        }
        return "";
    }

    FilterRegistry registry_;
};

// --- registry ---------------------------------------------------------------------------------

TEST_F(TransformFilters, RegistersEveryTransformWithADocumentedSchema) {
    const std::map<std::string, std::vector<std::string>> expected{
        {"scale", {"width", "height", "fit", "filter"}},
        {"crop", {"x", "y", "width", "height"}},
        {"pad", {"width", "height", "x", "y", "color"}},
        {"format", {"pix_fmt", "range", "matrix"}},
        {"setparams",
         {"primaries", "transfer", "matrix", "range", "field_order", "only_unspecified", "sar"}},
        {"passthrough", {}},
    };
    for (const auto& [name, params] : expected) {
        SCOPED_TRACE(name);
        const FilterInfo& info = filter(name);
        EXPECT_EQ(info.name, name);
        EXPECT_EQ(info.version, "1.0");
        EXPECT_EQ(info.kind, NodeKind::Transform);
        EXPECT_EQ(info.family, "transform");
        EXPECT_TRUE(info.thread_safe);
        EXPECT_FALSE(info.needs_in_order);
        EXPECT_FALSE(info.help.empty());
        EXPECT_TRUE(info.create);
        std::vector<std::string> names;
        for (const auto& p : info.params) {
            names.push_back(p.name);
            EXPECT_FALSE(p.help.empty()) << p.name;
        }
        EXPECT_EQ(names, params);
    }
    EXPECT_NE(filter("passthrough").help.find("frame rate"), std::string::npos);
}

TEST_F(TransformFilters, SchemasCarryDefaultsRangesAndChoices) {
    const auto spec = [&](const std::string& filter_name, const std::string& param) {
        for (const auto& p : filter(filter_name).params)
            if (p.name == param) return p;
        throw std::logic_error("no parameter " + param);
    };
    EXPECT_EQ(spec("scale", "width").default_value, ParamValue{std::int64_t{0}});
    EXPECT_EQ(spec("scale", "width").max, 32768);
    EXPECT_EQ(spec("scale", "filter").default_value, ParamValue{std::string("lanczos")});
    EXPECT_EQ(
        spec("scale", "filter").choices,
        (std::vector<std::string>{"point", "bilinear", "bicubic", "spline", "lanczos", "area"}));
    EXPECT_FALSE(spec("pad", "width").default_value.has_value());  // required
    EXPECT_EQ(spec("pad", "x").default_value, ParamValue{std::int64_t{-1}});
    EXPECT_EQ(spec("pad", "color").default_value, ParamValue{std::string("black")});
    EXPECT_FALSE(spec("format", "pix_fmt").default_value.has_value());
    const auto formats = spec("format", "pix_fmt").choices;
    EXPECT_EQ(formats.size(), 16u);
    for (const auto& f : formats) EXPECT_TRUE(pixel_format_from_string(f).has_value()) << f;
    const auto transfers = spec("setparams", "transfer").choices;
    EXPECT_EQ(transfers.front(), "keep");
    for (const char* name : {"bt709", "smpte2084", "arib-std-b67", "unknown"})
        EXPECT_NE(std::find(transfers.begin(), transfers.end(), name), transfers.end()) << name;
    EXPECT_EQ(spec("setparams", "range").choices,
              (std::vector<std::string>{"keep", "tv", "pc", "unknown"}));

    EXPECT_THROW(create("pad", {{"height", "720"}}), std::invalid_argument);  // width missing
    EXPECT_THROW(create("scale", {{"width", "-2"}}), std::invalid_argument);
    EXPECT_THROW(create("scale", {{"filter", "gauss"}}), std::invalid_argument);
    EXPECT_THROW(create("crop", {{"x", "-1"}}), std::invalid_argument);
}

// --- scale ------------------------------------------------------------------------------------

TEST_F(TransformFilters, ScaleToAnExplicitSizeAdjustsTheSampleAspect) {
    const auto in = pattern_frame(PixelFormat::Yuv422p10, 64, 36);
    StreamDesc out_desc;
    const auto out = run("scale", {{"width", "32"}, {"height", "32"}}, in, &out_desc);
    EXPECT_EQ(out->width, 32);
    EXPECT_EQ(out->height, 32);
    EXPECT_EQ(out->format, PixelFormat::Yuv422p10);
    // Display aspect 16:9 kept: 32x32 pixels each 16:9 wide.
    EXPECT_TRUE(same_ratio(out->sample_aspect, {16, 9})) << out->sample_aspect.to_string();
    EXPECT_TRUE(same_ratio(out_desc.sample_aspect, {16, 9}));
    EXPECT_EQ(out_desc.width, 32);
    EXPECT_EQ(out_desc.height, 32);
    expect_same_timing(*out, *in);
    EXPECT_EQ(out->tags, in->tags);
}

TEST_F(TransformFilters, ScaleComputesTheMissingDimensionFromTheDisplayAspect) {
    const auto size = [&](std::map<std::string, std::string> params, StreamDesc in) {
        return create("scale", params)->configure(in);
    };
    auto out = size({{"width", "1280"}}, desc(PixelFormat::Yuv422p10, 1920, 1080));
    EXPECT_EQ(out.width, 1280);
    EXPECT_EQ(out.height, 720);
    EXPECT_TRUE(same_ratio(out.sample_aspect, {1, 1}));
    out = size({{"height", "720"}}, desc(PixelFormat::Yuv422p10, 1920, 1080));
    EXPECT_EQ(out.width, 1280);
    EXPECT_EQ(out.height, 720);
    // Anamorphic HDV: 1440x1080 with 4:3 pixels displays as 16:9.
    out = size({{"width", "1280"}}, desc(PixelFormat::Yuv422p10, 1440, 1080, {4, 3}));
    EXPECT_EQ(out.height, 720);
    EXPECT_TRUE(same_ratio(out.sample_aspect, {1, 1})) << out.sample_aspect.to_string();
    out = size({{"height", "540"}}, desc(PixelFormat::Yuv422p10, 1440, 1080, {4, 3}));
    EXPECT_EQ(out.width, 960);
    EXPECT_TRUE(same_ratio(out.sample_aspect, {1, 1}));
    // 1000 wide: 562.5 rounds to the nearest even 562; the SAR absorbs the half row.
    out = size({{"width", "1000"}}, desc(PixelFormat::Yuv422p10, 1920, 1080));
    EXPECT_EQ(out.height, 562);
    EXPECT_TRUE(same_ratio(out.sample_aspect, Rational{562 * 1920, 1000 * 1080}.reduced()))
        << out.sample_aspect.to_string();
    // An unknown SAR counts as square for the size and stays unknown.
    out = size({{"width", "960"}}, desc(PixelFormat::Yuv422p10, 1920, 1080, {0, 1}));
    EXPECT_EQ(out.height, 540);
    EXPECT_EQ(out.sample_aspect.num, 0);
}

TEST_F(TransformFilters, ScaleOfAnAnamorphicFrameGivesSquarePixels) {
    const auto in = make_frame(PixelFormat::Yuv420p8, 48, 36,
                               [](int p, int, int, int) { return p == 0 ? 100 : 128; }, {}, {4, 3});
    const auto out = run("scale", {{"width", "32"}}, in);
    EXPECT_EQ(out->width, 32);
    EXPECT_EQ(out->height, 18);
    EXPECT_TRUE(same_ratio(out->sample_aspect, {1, 1})) << out->sample_aspect.to_string();
}

TEST_F(TransformFilters, ScaleNeedsAWidthOrAHeight) {
    EXPECT_NE(configure_error("scale", {}, desc(PixelFormat::Yuv422p10, 64, 36)).find("both"),
              std::string::npos);
}

TEST_F(TransformFilters, ScaleOfAFlatColourKeepsTheColourWithEveryKernel) {
    const auto yuv = flat_yuv(PixelFormat::Yuv422p10, 64, 36, 700, 300, 800);
    const auto rgb = make_frame(PixelFormat::Rgb48, 64, 36, [](int, int c, int, int) {
        return c == 0 ? 50000 : c == 1 ? 20000 : 9000;
    });
    const auto rgbf = make_frame(PixelFormat::Gbrpf32, 64, 36, [](int p, int, int, int) {
        return p == 0 ? 0.25 : p == 1 ? 0.5 : 0.75;
    });
    for (const char* kernel : {"point", "bilinear", "bicubic", "spline", "lanczos", "area"}) {
        SCOPED_TRACE(kernel);
        for (const auto& [w, h] : {std::pair{40, 24}, std::pair{96, 54}}) {
            const std::map<std::string, std::string> params{
                {"width", std::to_string(w)}, {"height", std::to_string(h)}, {"filter", kernel}};
            const auto out = run("scale", params, yuv);
            ASSERT_EQ(out->width, w);
            ASSERT_EQ(out->height, h);
            EXPECT_LE(max_error(*out, [](int p, int) { return p == 0   ? 700
                                                              : p == 1 ? 300
                                                                       : 800; }),
                      1);
            // swscale scales RGB through its own ~15-bit intermediate: a flat colour stays
            // within 0.05% (a third of a 10-bit code).
            const auto out_rgb = run("scale", params, rgb);
            EXPECT_LE(max_error(*out_rgb,
                                [](int, int c) { return c == 0   ? 50000
                                                        : c == 1 ? 20000
                                                                 : 9000; }),
                      32);
            const auto out_rgbf = run("scale", params, rgbf);
            EXPECT_LE(max_error(*out_rgbf,
                                [](int p, int) { return p == 0   ? 0.25
                                                        : p == 1 ? 0.5
                                                                 : 0.75; }),
                      0.0005);
        }
    }
}

TEST_F(TransformFilters, ScaleKernelsDiffer) {
    // Halving a fine pattern: point keeps every other sample exactly, the others filter.
    const auto in = pattern_frame(PixelFormat::Yuv444p10, 64, 32);
    const auto point = run("scale", {{"width", "32"}, {"height", "16"}, {"filter", "point"}}, in);
    const auto lanczos = run("scale", {{"width", "32"}, {"height", "16"}}, in);
    const auto area = run("scale", {{"width", "32"}, {"height", "16"}, {"filter", "area"}}, in);
    EXPECT_GT(max_difference(*point, *lanczos), 10);
    EXPECT_GT(max_difference(*area, *lanczos), 10);
}

TEST_F(TransformFilters, ScalePassesFramesAlreadyAtTheSizeThrough) {
    const auto in = pattern_frame(PixelFormat::Yuv422p10, 64, 36);
    EXPECT_EQ(run("scale", {{"width", "64"}}, in).get(), in.get());
}

// --- crop -------------------------------------------------------------------------------------

TEST_F(TransformFilters, CropCopiesExactlyTheSubRectangle) {
    for (const PixelFormat format :
         {PixelFormat::Yuv420p10, PixelFormat::Yuv422p8, PixelFormat::Yuva444p12,
          PixelFormat::Rgb48, PixelFormat::Rgba64, PixelFormat::Gbrapf32}) {
        SCOPED_TRACE(to_string(format));
        const auto in = pattern_frame(format, 64, 48);
        StreamDesc out_desc;
        const auto out = run("crop", {{"x", "10"}, {"y", "6"}, {"width", "20"}, {"height", "16"}},
                             in, &out_desc);
        ASSERT_EQ(out->width, 20);
        ASSERT_EQ(out->height, 16);
        EXPECT_EQ(out_desc.width, 20);
        EXPECT_EQ(out_desc.height, 16);
        EXPECT_EQ(out->format, format);
        const auto& fi = info(format);
        int compared = 0;
        for (int p = 0; p < fi.planes; ++p) {
            const bool chroma = fi.family == ColorFamily::Yuv && (p == 1 || p == 2);
            const int sx = chroma ? fi.chroma_shift_x : 0;
            const int sy = chroma ? fi.chroma_shift_y : 0;
            for (int y = 0; y < out->plane_height(p); ++y)
                for (int x = 0; x < out->plane_width(p); ++x)
                    for (int c = 0; c < per_pixel(format); ++c) {
                        ASSERT_EQ(at(*out, p, x, y, c),
                                  at(*in, p, x + (10 >> sx), y + (6 >> sy), c))
                            << "plane " << p << " at " << x << "," << y;
                        ++compared;
                    }
        }
        EXPECT_GT(compared, 20 * 16);
        expect_same_timing(*out, *in);
        EXPECT_EQ(out->tags, in->tags);
        // Pooled, aligned rows, as encoders want.
        for (int p = 0; p < fi.planes; ++p) {
            EXPECT_EQ(reinterpret_cast<std::uintptr_t>(out->plane(p)) % 64, 0u);
            EXPECT_EQ(out->stride[p] % 64, 0);
        }
    }
}

TEST_F(TransformFilters, CropWidthAndHeightZeroTakeTheRest) {
    const auto in = pattern_frame(PixelFormat::Yuv422p10, 64, 48);
    const auto out = run("crop", {{"x", "8"}, {"y", "5"}}, in);
    EXPECT_EQ(out->width, 56);
    EXPECT_EQ(out->height, 43);
    EXPECT_EQ(at(*out, 0, 0, 0), at(*in, 0, 8, 5));
    EXPECT_EQ(at(*out, 2, 27, 42), at(*in, 2, 31, 47));
    // The whole picture is the input itself.
    EXPECT_EQ(run("crop", {}, in).get(), in.get());
}

TEST_F(TransformFilters, CropOutsideThePictureIsAnInputError) {
    const auto hd = desc(PixelFormat::Yuv422p10, 1920, 1080);
    EXPECT_EQ(configure_error("crop", {{"width", "2000"}}, hd),
              "crop 0,0 2000x1080 does not fit a 1920x1080 picture");
    EXPECT_EQ(configure_error("crop", {{"x", "100"}, {"width", "1840"}, {"height", "1080"}}, hd),
              "crop 100,0 1840x1080 does not fit a 1920x1080 picture");
    EXPECT_EQ(configure_error("crop", {{"y", "1080"}}, hd),
              "crop 0,1080 is outside a 1920x1080 picture");
    EXPECT_EQ(configure_error("crop", {{"x", "100"}, {"width", "1820"}}, hd), "");
}

TEST_F(TransformFilters, CropOffTheChromaGridIsAnInputErrorNamingTheFormat) {
    const auto error = [&](PixelFormat f, std::map<std::string, std::string> params) {
        return configure_error("crop", params, desc(f, 64, 48));
    };
    const std::string odd_x = error(PixelFormat::Yuv422p10, {{"x", "3"}});
    EXPECT_NE(odd_x.find("multiples of 2"), std::string::npos) << odd_x;
    EXPECT_NE(odd_x.find("yuv422p10"), std::string::npos) << odd_x;
    EXPECT_NE(error(PixelFormat::Yuv422p10, {{"width", "31"}}).find("yuv422p10"),
              std::string::npos);
    EXPECT_EQ(error(PixelFormat::Yuv422p10, {{"y", "3"}, {"height", "11"}}), "");  // rows are whole
    const std::string odd_y = error(PixelFormat::Yuv420p8, {{"y", "3"}});
    EXPECT_NE(odd_y.find("yuv420p"), std::string::npos) << odd_y;
    EXPECT_NE(error(PixelFormat::Yuv420p8, {{"height", "21"}}), "");
    EXPECT_EQ(error(PixelFormat::Yuv444p10, {{"x", "3"}, {"y", "3"}, {"width", "31"}}), "");
    EXPECT_EQ(error(PixelFormat::Rgb48, {{"x", "3"}, {"y", "3"}, {"width", "31"}}), "");
}

// --- pad --------------------------------------------------------------------------------------

TEST_F(TransformFilters, PadCentresThePictureInLimitedRangeBlackBars) {
    const auto in = pattern_frame(PixelFormat::Yuv422p10, 32, 18);  // rec709 limited
    StreamDesc out_desc;
    const auto out = run("pad", {{"width", "48"}, {"height", "24"}}, in, &out_desc);
    ASSERT_EQ(out->width, 48);
    ASSERT_EQ(out->height, 24);
    EXPECT_EQ(out_desc.width, 48);
    EXPECT_EQ(out_desc.height, 24);
    EXPECT_TRUE(same_ratio(out->sample_aspect, in->sample_aspect));
    expect_same_timing(*out, *in);
    // Centred: 8 columns left, 3 rows on top (4:2:2 has whole chroma rows).
    const int x0 = 8;
    const int y0 = 3;
    for (int p = 0; p < 3; ++p) {
        const int sx = p == 0 ? 0 : 1;
        for (int y = 0; y < out->plane_height(p); ++y)
            for (int x = 0; x < out->plane_width(p); ++x) {
                const int px = x - (x0 >> sx);
                const int py = y - y0;
                const bool inside =
                    px >= 0 && py >= 0 && px < in->plane_width(p) && py < in->plane_height(p);
                const double expected = inside ? at(*in, p, px, py) : p == 0 ? 64 : 512;
                ASSERT_EQ(at(*out, p, x, y), expected) << "plane " << p << " at " << x << "," << y;
            }
    }
}

TEST_F(TransformFilters, PadBlackFollowsTheFramesFormatAndRange) {
    ColorTags full = rec709_limited();
    full.range = ColorRange::Full;
    const auto yuv_full = flat_yuv(PixelFormat::Yuv444p12, 16, 16, 2000, 1000, 3000, full);
    auto out = run("pad", {{"width", "20"}, {"height", "16"}}, yuv_full);
    EXPECT_EQ(at(*out, 0, 0, 0), 0);
    EXPECT_EQ(at(*out, 1, 0, 0), 2048);
    EXPECT_EQ(at(*out, 2, 19, 15), 2048);
    EXPECT_EQ(at(*out, 0, 2, 0), 2000);

    const auto yuv8 = flat_yuv(PixelFormat::Yuv420p8, 16, 16, 100, 100, 100);
    out = run("pad", {{"width", "16"}, {"height", "20"}}, yuv8);
    EXPECT_EQ(at(*out, 0, 0, 0), 16);
    EXPECT_EQ(at(*out, 1, 0, 0), 128);
    EXPECT_EQ(at(*out, 0, 0, 2), 100);

    const auto rgba =
        make_frame(PixelFormat::Rgba64, 16, 16, [](int, int, int, int) { return 30000; });
    out = run("pad", {{"width", "18"}, {"height", "18"}}, rgba);
    for (int c = 0; c < 3; ++c) EXPECT_EQ(at(*out, 0, 0, 0, c), 0);
    EXPECT_EQ(at(*out, 0, 0, 0, 3), 65535);  // opaque
    EXPECT_EQ(at(*out, 0, 1, 1, 0), 30000);

    const auto yuva = flat_yuv(PixelFormat::Yuva444p10, 16, 16, 500, 500, 500);
    out = run("pad", {{"width", "18"}, {"height", "16"}}, yuva);
    EXPECT_EQ(at(*out, 3, 0, 0), 1023);
}

TEST_F(TransformFilters, PadColourUsesTheFramesMatrix) {
    const auto bars = [&](PixelFormat format, ColorTags tags, const std::string& colour) {
        const auto in = flat_yuv(format, 16, 16, 0, 0, 0, tags);
        const auto out = run("pad", {{"width", "20"}, {"height", "16"}, {"color", colour}}, in);
        return std::vector<double>{at(*out, 0, 0, 0), at(*out, 1, 0, 0), at(*out, 2, 0, 0)};
    };
    const ColorTags bt709 = rec709_limited();
    ColorTags bt601 = rec709_limited();
    bt601.matrix = MatrixCoefficients::Smpte170m;
    ColorTags unspecified = rec709_limited();
    unspecified.matrix = MatrixCoefficients::Unspecified;
    ColorTags bt2020 = rec709_limited();
    bt2020.matrix = MatrixCoefficients::Bt2020Ncl;
    // Red, 10-bit limited: Y = (16 + 219 Kr) * 4, Cb = (128 - 112 Kr / (1 - Kb)) * 4, Cr = 960.
    EXPECT_EQ(bars(PixelFormat::Yuv444p10, bt709, "#FF0000"), (std::vector<double>{250, 409, 960}));
    EXPECT_EQ(bars(PixelFormat::Yuv444p10, unspecified, "#ff0000"),
              (std::vector<double>{250, 409, 960}));
    EXPECT_EQ(bars(PixelFormat::Yuv444p10, bt601, "#FF0000"), (std::vector<double>{326, 361, 960}));
    EXPECT_EQ(bars(PixelFormat::Yuv444p10, bt2020, "#FF0000"),
              (std::vector<double>{294, 387, 960}));
    EXPECT_EQ(bars(PixelFormat::Yuv444p10, bt709, "white"), (std::vector<double>{940, 512, 512}));
    EXPECT_EQ(bars(PixelFormat::Yuv422p8, bt709, "gray"), (std::vector<double>{126, 128, 128}));

    // Planar float RGB is stored G, B, R.
    const auto f32 = make_frame(PixelFormat::Gbrpf32, 8, 8, [](int, int, int, int) { return 0.5; });
    const auto out = run("pad", {{"width", "10"}, {"height", "8"}, {"color", "#FF8000"}}, f32);
    EXPECT_FLOAT_EQ(at(*out, 0, 0, 0), 128 / 255.0f);
    EXPECT_FLOAT_EQ(at(*out, 1, 0, 0), 0.0f);
    EXPECT_FLOAT_EQ(at(*out, 2, 0, 0), 1.0f);
    EXPECT_FLOAT_EQ(at(*out, 2, 1, 0), 0.5f);

    EXPECT_THROW(create("pad", {{"width", "20"}, {"height", "16"}, {"color", "pink"}}), InputError);
    EXPECT_THROW(create("pad", {{"width", "20"}, {"height", "16"}, {"color", "#12345G"}}),
                 InputError);
}

TEST_F(TransformFilters, PadAtAGivenOffsetAndItsErrors) {
    const auto in = pattern_frame(PixelFormat::Yuv420p10, 16, 8);
    const auto out = run("pad", {{"width", "24"}, {"height", "16"}, {"x", "6"}, {"y", "0"}}, in);
    EXPECT_EQ(at(*out, 0, 6, 0), at(*in, 0, 0, 0));
    EXPECT_EQ(at(*out, 0, 21, 7), at(*in, 0, 15, 7));
    EXPECT_EQ(at(*out, 1, 3, 0), at(*in, 1, 0, 0));
    EXPECT_EQ(at(*out, 0, 0, 0), 64);
    EXPECT_EQ(at(*out, 0, 6, 8), 64);
    // Centring rounds down to the 4:2:0 grid: (24 - 16) / 2 = 4, (15 - 8) / 2 = 3 -> 2.
    const auto centred = run("pad", {{"width", "24"}, {"height", "15"}}, in);
    EXPECT_EQ(at(*centred, 0, 4, 2), at(*in, 0, 0, 0));
    EXPECT_EQ(at(*centred, 0, 4, 1), 64);

    const auto small = desc(PixelFormat::Yuv420p10, 1920, 1080);
    EXPECT_EQ(configure_error("pad", {{"width", "1280"}, {"height", "1080"}}, small),
              "pad 1280x1080 is smaller than the 1920x1080 input");
    EXPECT_NE(configure_error("pad", {{"width", "1920"}, {"height", "1090"}, {"y", "3"}}, small)
                  .find("yuv420p10"),
              std::string::npos);
    EXPECT_NE(configure_error("pad", {{"width", "1930"}, {"height", "1080"}, {"x", "12"}}, small),
              "");
    EXPECT_EQ(run("pad", {{"width", "16"}, {"height", "8"}}, in).get(), in.get());
}

// --- format -----------------------------------------------------------------------------------

TEST_F(TransformFilters, FormatRoundTripThroughRgbIsNearlyLossless) {
    // A smooth picture inside the RGB gamut (chroma varies slowly, so 4:2:2 loses nothing
    // going through 4:4:4 RGB).
    const auto in = make_frame(PixelFormat::Yuv422p10, 64, 32, [](int p, int, int x, int y) {
        if (p == 0) return 300 + 6 * x + 4 * y;
        return p == 1 ? 470 + 2 * x + y : 560 - 2 * x + y;
    });
    StreamDesc rgb_desc;
    const auto rgb = run("format", {{"pix_fmt", "rgb48"}}, in, &rgb_desc);
    EXPECT_EQ(rgb->format, PixelFormat::Rgb48);
    EXPECT_EQ(rgb_desc.format, PixelFormat::Rgb48);
    EXPECT_EQ(rgb->tags.matrix, MatrixCoefficients::Rgb);
    EXPECT_EQ(rgb->tags.range, ColorRange::Full);
    EXPECT_EQ(rgb_desc.tags, rgb->tags);
    const auto back = run("format", {{"pix_fmt", "yuv422p10"}}, rgb);
    EXPECT_EQ(back->tags, in->tags);
    EXPECT_LE(max_difference(*back, *in), 2);
    expect_same_timing(*back, *in);
}

TEST_F(TransformFilters, FormatLimitedToFullRangeMapsTheLevelsExactly) {
    // Left half black (64), right half white (940), chroma at its extremes 64 and 960.
    const auto in = make_frame(PixelFormat::Yuv422p10, 32, 8, [](int p, int, int x, int) {
        if (p == 0) return x < 16 ? 64 : 940;
        if (p == 1) return x < 8 ? 64 : 512;
        return x < 8 ? 960 : 512;
    });
    StreamDesc out_desc;
    const auto full = run("format", {{"pix_fmt", "yuv422p10"}, {"range", "full"}}, in, &out_desc);
    EXPECT_EQ(out_desc.tags.range, ColorRange::Full);
    EXPECT_EQ(full->tags.range, ColorRange::Full);
    EXPECT_EQ(full->tags.matrix, MatrixCoefficients::Bt709);
    EXPECT_EQ(at(*full, 0, 0, 0), 0);
    EXPECT_EQ(at(*full, 0, 31, 7), 1023);
    EXPECT_EQ(at(*full, 1, 0, 0), 0);
    EXPECT_EQ(at(*full, 2, 0, 0), 1023);
    EXPECT_EQ(at(*full, 1, 15, 0), 512);
    // And back: full -> limited restores the original code values.
    const auto limited = run("format", {{"pix_fmt", "yuv422p10"}, {"range", "limited"}}, full);
    EXPECT_EQ(limited->tags.range, ColorRange::Limited);
    EXPECT_EQ(max_difference(*limited, *in), 0);
    // Changing depth and range at once: 8-bit full.
    const auto full8 = run("format", {{"pix_fmt", "yuv422p"}, {"range", "full"}}, in);
    EXPECT_EQ(at(*full8, 0, 0, 0), 0);
    EXPECT_EQ(at(*full8, 0, 31, 0), 255);
}

TEST_F(TransformFilters, FormatChangesTheMatrix) {
    ColorTags bt601 = rec709_limited();
    bt601.matrix = MatrixCoefficients::Smpte170m;
    // Red in Rec.601 10-bit limited, as pad computes it: Y 326, Cb 361, Cr 960.
    const auto in = flat_yuv(PixelFormat::Yuv444p10, 16, 8, 326, 361, 960, bt601);
    StreamDesc out_desc;
    const auto out = run("format", {{"pix_fmt", "yuv444p10"}, {"matrix", "bt709"}}, in, &out_desc);
    EXPECT_EQ(out->tags.matrix, MatrixCoefficients::Bt709);
    EXPECT_EQ(out_desc.tags.matrix, MatrixCoefficients::Bt709);
    EXPECT_LE(max_error(*out, [](int p, int) { return p == 0 ? 250 : p == 1 ? 409 : 960; }), 2);
    // A matrix with the same coefficients is a relabel: the same pixels.
    const auto same = run("format", {{"pix_fmt", "yuv444p10"}, {"matrix", "bt601"}}, in);
    EXPECT_EQ(same.get(), in.get());
    ColorTags bt470bg = bt601;
    bt470bg.matrix = MatrixCoefficients::Bt470bg;
    const auto relabelled = run("format", {{"pix_fmt", "yuv444p10"}, {"matrix", "bt601"}},
                                flat_yuv(PixelFormat::Yuv444p10, 16, 8, 326, 361, 960, bt470bg));
    EXPECT_EQ(relabelled->tags.matrix, MatrixCoefficients::Smpte170m);
}

TEST_F(TransformFilters, FormatNeedsSizesTheChromaSubsamplingFits) {
    EXPECT_EQ(configure_error("format", {{"pix_fmt", "yuv420p10"}},
                              desc(PixelFormat::Yuv444p10, 1919, 1080)),
              "format yuv420p10 needs an even width and height; input is 1919x1080");
    EXPECT_EQ(configure_error("format", {{"pix_fmt", "yuv420p"}},
                              desc(PixelFormat::Yuv444p10, 1920, 1081)),
              "format yuv420p needs an even width and height; input is 1920x1081");
    EXPECT_EQ(configure_error("format", {{"pix_fmt", "yuv422p10"}},
                              desc(PixelFormat::Yuv444p10, 1919, 1080)),
              "format yuv422p10 needs an even width; input is 1919x1080");
    EXPECT_EQ(configure_error("format", {{"pix_fmt", "yuv422p10"}},
                              desc(PixelFormat::Yuv444p10, 1920, 1081)),
              "");
    EXPECT_EQ(configure_error("format", {{"pix_fmt", "rgb48"}}, desc(PixelFormat::Yuv444p10, 7, 7)),
              "");
    EXPECT_NE(configure_error("format", {{"pix_fmt", "rgb48"}, {"range", "limited"}},
                              desc(PixelFormat::Yuv444p10, 8, 8)),
              "");
    EXPECT_NE(configure_error("format", {{"pix_fmt", "gbrpf32"}, {"matrix", "bt709"}},
                              desc(PixelFormat::Yuv444p10, 8, 8)),
              "");
    EXPECT_THROW(create("format"), std::invalid_argument);  // pix_fmt is required
}

TEST_F(TransformFilters, FormatToTheSameFormatIsTheSameFrame) {
    const auto in = pattern_frame(PixelFormat::Yuv422p10, 16, 8);
    EXPECT_EQ(run("format", {{"pix_fmt", "yuv422p10"}}, in).get(), in.get());
    EXPECT_EQ(run("format", {{"pix_fmt", "yuv422p10"}, {"range", "limited"}}, in).get(), in.get());
}

// --- setparams and passthrough ----------------------------------------------------------------

TEST_F(TransformFilters, SetParamsRelabelsWithoutCopying) {
    const auto in = pattern_frame(PixelFormat::Yuv422p10, 16, 8);
    StreamDesc out_desc;
    const auto out = run("setparams",
                         {{"primaries", "bt2020"},
                          {"transfer", "smpte2084"},
                          {"matrix", "bt2020nc"},
                          {"range", "pc"},
                          {"field_order", "tt"},
                          {"sar", "4/3"}},
                         in, &out_desc);
    EXPECT_NE(out.get(), in.get());
    for (int p = 0; p < 3; ++p) EXPECT_EQ(out->plane(p), in->plane(p));
    EXPECT_EQ(out->storage.get(), in->storage.get());
    const ColorTags expected{ColorPrimaries::Bt2020, TransferCharacteristic::Pq,
                             MatrixCoefficients::Bt2020Ncl, ColorRange::Full};
    EXPECT_EQ(out->tags, expected);
    EXPECT_EQ(out->field_order, FieldOrder::TT);
    EXPECT_TRUE(same_ratio(out->sample_aspect, {4, 3}));
    EXPECT_EQ(out_desc.tags, expected);
    EXPECT_EQ(out_desc.field_order, FieldOrder::TT);
    EXPECT_TRUE(same_ratio(out_desc.sample_aspect, {4, 3}));
    expect_same_timing(*out, *in);
    // The input is untouched.
    EXPECT_EQ(in->tags, rec709_limited());
    EXPECT_EQ(in->field_order, FieldOrder::Progressive);
}

TEST_F(TransformFilters, SetParamsKeepsWhatIsNotGiven) {
    const auto in = pattern_frame(PixelFormat::Yuv422p10, 16, 8);
    const auto out = run("setparams", {{"transfer", "arib-std-b67"}, {"sar", "16:12"}}, in);
    ColorTags expected = rec709_limited();
    expected.transfer = TransferCharacteristic::Hlg;
    EXPECT_EQ(out->tags, expected);
    EXPECT_EQ(out->sample_aspect.num, 4);
    EXPECT_EQ(out->sample_aspect.den, 3);
    EXPECT_EQ(run("setparams", {}, in).get(), in.get());
    EXPECT_THROW(create("setparams", {{"sar", "4x3"}}), InputError);
    EXPECT_THROW(create("setparams", {{"sar", "0:1"}}), InputError);
    EXPECT_THROW(create("setparams", {{"range", "limited"}}), std::invalid_argument);
}

TEST_F(TransformFilters, PassthroughReturnsTheSameFrame) {
    auto node = create("passthrough");
    const StreamDesc in_desc = desc(PixelFormat::Yuv422p10, 16, 8);
    const StreamDesc out_desc = node->configure(in_desc);
    EXPECT_EQ(out_desc.width, 16);
    EXPECT_EQ(out_desc.format, PixelFormat::Yuv422p10);
    for (std::int64_t i = 0; i < 3; ++i) {
        const auto in = pattern_frame(PixelFormat::Yuv422p10, 16, 8, i);
        const auto out = node->process(in);
        EXPECT_EQ(out.get(), in.get());
        EXPECT_EQ(out->index, i);
        EXPECT_EQ(out->pts, 1000 + i * 2);
    }
}

// --- thread safety ----------------------------------------------------------------------------

TEST_F(TransformFilters, ManyThreadsGiveTheSameFramesAsOne) {
    constexpr int kFrames = 24;
    std::vector<FramePtr> inputs;
    for (int i = 0; i < kFrames; ++i)
        inputs.push_back(pattern_frame(PixelFormat::Yuv422p10, 48, 32, i));
    struct Step {
        std::string name;
        std::map<std::string, std::string> params;
    };
    const std::vector<Step> chain{
        {"crop", {{"x", "2"}, {"y", "1"}, {"width", "44"}, {"height", "30"}}},
        {"scale", {{"width", "64"}, {"filter", "bicubic"}}},
        {"pad", {{"width", "72"}, {"height", "48"}, {"color", "#204060"}}},
        {"format", {{"pix_fmt", "yuv420p10"}, {"range", "full"}, {"matrix", "bt601"}}},
        {"setparams", {{"primaries", "smpte170m"}}},
        {"passthrough", {}},
    };
    // Each run keeps every output alive, so the pools must hold all of them.
    const auto build = [&] {
        std::vector<std::unique_ptr<Node>> nodes;
        StreamDesc d = desc_of(*inputs.front());
        for (const auto& s : chain) {
            nodes.push_back(create(s.name, s.params, 2 * kFrames));
            d = nodes.back()->configure(d);
        }
        return nodes;
    };
    const auto process = [](std::vector<std::unique_ptr<Node>>& nodes, FramePtr f) {
        for (auto& n : nodes) f = n->process(f);
        return f;
    };
    auto sequential_nodes = build();
    std::vector<FramePtr> sequential(kFrames);
    for (int i = 0; i < kFrames; ++i) sequential[i] = process(sequential_nodes, inputs[i]);
    auto parallel_nodes = build();
    std::vector<FramePtr> parallel(kFrames);
    tbb::parallel_for(0, kFrames, [&](int i) {
        parallel[i] = process(parallel_nodes, inputs[i]);
        tsan_release(&parallel[i]);  // libtbb's own hand-over is invisible to TSan
    });
    for (const auto& f : parallel) tsan_acquire(&f);
    for (int i = 0; i < kFrames; ++i) {
        ASSERT_EQ(parallel[i]->width, 72);
        ASSERT_EQ(parallel[i]->format, PixelFormat::Yuv420p10);
        EXPECT_EQ(parallel[i]->index, i);
        EXPECT_EQ(parallel[i]->tags, sequential[i]->tags);
        EXPECT_TRUE(same_bytes(*parallel[i], *sequential[i])) << "frame " << i;
    }
    EXPECT_FALSE(same_bytes(*sequential[0], *sequential[1]));
}

// --- FrameConverter options the filters use ---------------------------------------------------

TEST(FrameConverterOptions, DefaultKernelIsLanczos) {
    const auto in = pattern_frame(PixelFormat::Yuv444p10, 64, 32);
    ConverterOptions options{PixelFormat::Yuv444p10, 40, 20};
    const auto by_default = FrameConverter(options).convert(in);
    options.filter = ScaleFilter::Lanczos;
    EXPECT_TRUE(same_bytes(*FrameConverter(options).convert(in), *by_default));
    options.filter = ScaleFilter::Bilinear;
    EXPECT_FALSE(same_bytes(*FrameConverter(options).convert(in), *by_default));
}

TEST(FrameConverterOptions, RangeOverrideConvertsYuvLevelsExactly) {
    ConverterOptions options{PixelFormat::Yuv444p10, 16, 8};
    options.range = ColorRange::Full;
    const FrameConverter to_full(options);
    const auto black = to_full.convert(flat_yuv(PixelFormat::Yuv444p10, 16, 8, 64, 512, 512));
    EXPECT_EQ(max_error(*black, [](int p, int) { return p == 0 ? 0 : 512; }), 0);
    EXPECT_EQ(black->tags.range, ColorRange::Full);
    const auto white = to_full.convert(flat_yuv(PixelFormat::Yuv444p10, 16, 8, 940, 64, 960));
    EXPECT_EQ(max_error(*white, [](int p, int) { return p == 0 ? 1023 : p == 1 ? 0 : 1023; }), 0);
    // RGB to full-range YUV goes straight through swscale.
    options.format = PixelFormat::Yuv444p12;
    const auto rgb_white = FrameConverter(options).convert(
        make_frame(PixelFormat::Rgb48, 16, 8, [](int, int, int, int) { return 65535; }));
    EXPECT_EQ(rgb_white->tags.range, ColorRange::Full);
    EXPECT_LE(max_error(*rgb_white, [](int p, int) { return p == 0 ? 4095 : 2048; }), 1);
    // The override never applies to RGB targets.
    options.format = PixelFormat::Rgb48;
    options.range = ColorRange::Limited;
    const auto rgb = FrameConverter(options).convert(black);
    EXPECT_EQ(rgb->tags.range, ColorRange::Full);
    EXPECT_LE(max_error(*rgb, [](int, int) { return 0; }), 0);
}

TEST(FrameConverterOptions, OverridesThatKeepThePixelsOnlyRelabel) {
    ColorTags unspecified = rec709_limited();
    unspecified.range = ColorRange::Unspecified;
    const auto in = flat_yuv(PixelFormat::Yuv422p10, 16, 8, 100, 200, 300, unspecified);
    ConverterOptions options{PixelFormat::Yuv422p10, 16, 8};
    options.range = ColorRange::Limited;
    const auto out = FrameConverter(options).convert(in);
    EXPECT_NE(out.get(), in.get());
    EXPECT_EQ(out->plane(0), in->plane(0));
    EXPECT_EQ(out->tags.range, ColorRange::Limited);
    EXPECT_EQ(in->tags.range, ColorRange::Unspecified);
}

}  // namespace
}  // namespace cinepipe
