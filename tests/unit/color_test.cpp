// Grading operations against OpenColorIO itself: the engine's processor must give exactly
// what OCIO gives for the same RGB (it is OCIO, built once and applied in strips), CDL files
// are read per the ASC schema, and bad files or names are one clear error.

#include "cinepipe/color.h"

#include <OpenColorIO/OpenColorIO.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "cinepipe/error.h"
#include "default_ocio_config.h"
#include "test_support.h"

namespace cinepipe {
namespace {

namespace OCIO = OCIO_NAMESPACE;
using test::TempDir;

std::string write_cube(const TempDir& dir, const std::string& name = "look.cube") {
    const std::string path = dir / name;
    test::write_test_cube(path);
    return path;
}

std::string write_shaper(const TempDir& dir) {
    const std::string path = dir / "shaper.cube";
    std::ofstream out(path);
    out << "LUT_1D_SIZE 1024\n";
    for (int i = 0; i < 1024; ++i) {
        const double v = std::pow(i / 1023.0, 1 / 2.4);
        out << v << " " << v << " " << v << "\n";
    }
    return path;
}

// A planar float frame of random RGB in 0..1 (plus a few values outside, as real footage has).
VideoFrame random_frame(FramePool& pool, unsigned seed) {
    auto f = pool.acquire();
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-0.05f, 1.05f);
    for (int p = 0; p < info(f->format).planes; ++p)
        for (int y = 0; y < f->height; ++y) {
            auto* row = reinterpret_cast<float*>(f->mutable_plane(p) +
                                                 y * f->stride[static_cast<std::size_t>(p)]);
            for (int x = 0; x < f->width; ++x) row[x] = d(rng);
        }
    return *f;
}

// OCIO on packed RGB, as a user of the library would apply it.
std::vector<float> ocio_reference(const OCIO::ConstProcessorRcPtr& processor, const VideoFrame& f) {
    std::vector<float> rgb(static_cast<std::size_t>(f.width) * f.height * 3);
    for (int y = 0; y < f.height; ++y)
        for (int x = 0; x < f.width; ++x)
            for (int c = 0; c < 3; ++c) {
                const int plane = c == 0 ? 2 : c - 1;  // R is plane 2, G 0, B 1
                rgb[(static_cast<std::size_t>(y) * f.width + x) * 3 + c] =
                    reinterpret_cast<const float*>(
                        f.plane(plane) + y * f.stride[static_cast<std::size_t>(plane)])[x];
            }
    OCIO::PackedImageDesc desc(rgb.data(), f.width, f.height, 3);
    processor->getDefaultCPUProcessor()->apply(desc);
    return rgb;
}

double max_difference(const std::vector<float>& ref, const VideoFrame& f) {
    double worst = 0;
    for (int y = 0; y < f.height; ++y)
        for (int x = 0; x < f.width; ++x)
            for (int c = 0; c < 3; ++c) {
                const int plane = c == 0 ? 2 : c - 1;
                const float v = reinterpret_cast<const float*>(
                    f.plane(plane) + y * f.stride[static_cast<std::size_t>(plane)])[x];
                worst = std::max(
                    worst, std::fabs(double(v) -
                                     ref[(static_cast<std::size_t>(y) * f.width + x) * 3 + c]));
            }
    return worst;
}

// Our processor's exact path on one frame (strips, planar) against OCIO's on the same RGB.
// (The lattice path is compared with this one in color_fast_path_test.cpp.)
double compare_with_ocio(ColorPipeline ours, const OCIO::ConstProcessorRcPtr& theirs) {
    FramePool pool(PixelFormat::Gbrpf32, 193, 111, 2);  // odd sizes: strips must not care
    const VideoFrame in = random_frame(pool, 7);
    const auto ref = ocio_reference(theirs, in);
    auto out = pool.acquire();
    ours.exact = true;
    ColorProcessor::create(ours)->apply(in, *out);
    return max_difference(ref, *out);
}

TEST(Color, Cube3dTetrahedralEqualsOcio) {
    TempDir dir;
    const std::string cube = write_cube(dir);
    ColorOp op;
    op.kind = ColorOp::Kind::Lut;
    op.lut = cube;
    auto t = OCIO::FileTransform::Create();
    t->setSrc(cube.c_str());
    t->setInterpolation(OCIO::INTERP_TETRAHEDRAL);
    const auto tetrahedral = OCIO::Config::CreateRaw()->getProcessor(t);
    EXPECT_LT(compare_with_ocio({{}, {op}}, tetrahedral), 1e-6);
    // The cube is curved enough that trilinear would fail the comparison above.
    op.interpolation = LutInterpolation::Linear;
    EXPECT_GT(compare_with_ocio({{}, {op}}, tetrahedral), 1e-5);
}

TEST(Color, Shaper1dEqualsOcio) {
    TempDir dir;
    const std::string shaper = write_shaper(dir);
    ColorOp op;
    op.kind = ColorOp::Kind::Lut;
    op.lut = shaper;
    auto t = OCIO::FileTransform::Create();
    t->setSrc(shaper.c_str());
    EXPECT_LT(compare_with_ocio({{}, {op}}, OCIO::Config::CreateRaw()->getProcessor(t)), 1e-6);
}

TEST(Color, CdlEqualsOcioAsc) {
    ColorOp op;
    op.kind = ColorOp::Kind::Cdl;
    op.cdl.slope = {1.2, 0.95, 0.9};
    op.cdl.offset = {0.02, -0.01, 0.0};
    op.cdl.power = {0.9, 1.0, 1.1};
    op.cdl.saturation = 0.8;
    auto t = OCIO::CDLTransform::Create();
    t->setStyle(OCIO::CDL_ASC);
    t->setSlope(op.cdl.slope.data());
    t->setOffset(op.cdl.offset.data());
    t->setPower(op.cdl.power.data());
    t->setSat(op.cdl.saturation);
    EXPECT_LT(compare_with_ocio({{}, {op}}, OCIO::Config::CreateRaw()->getProcessor(t)), 1e-6);
}

TEST(Color, CdlFollowsTheAscFormulaOnKnownValues) {
    // out = clamp(in * slope + offset)^power, then saturation around Rec.709 luma.
    ColorOp op;
    op.kind = ColorOp::Kind::Cdl;
    op.cdl.slope = {2, 1, 0.5};
    op.cdl.offset = {0.1, 0, 0};
    op.cdl.power = {1, 2, 1};
    FramePool pool(PixelFormat::Gbrpf32, 1, 1, 2);
    auto f = pool.acquire();
    auto px = [&](int plane) { return reinterpret_cast<float*>(f->mutable_plane(plane)); };
    *px(2) = 0.3f;  // R
    *px(0) = 0.5f;  // G
    *px(1) = 0.8f;  // B
    ColorProcessor::create({{}, {op}, /*exact=*/true})->apply(*f);
    EXPECT_NEAR(*px(2), 0.7, 1e-5);   // 0.3 * 2 + 0.1
    EXPECT_NEAR(*px(0), 0.25, 1e-5);  // 0.5 ^ 2
    EXPECT_NEAR(*px(1), 0.4, 1e-5);   // 0.8 * 0.5
}

TEST(Color, ConfigConversionEqualsOcio) {
    // The built-in config: ARRI LogC3 to Rec.709 display.
    const ColorConfigNames names = color_config_names();
    ASSERT_FALSE(names.colorspaces.empty());
    ColorOp op;
    op.kind = ColorOp::Kind::ColorSpace;
    op.from = "logc3";
    op.to = "rec709";
    FramePool pool(PixelFormat::Gbrpf32, 64, 32, 2);
    const VideoFrame in = random_frame(pool, 3);
    auto out = pool.acquire();
    const auto processor = ColorProcessor::create({{}, {op}, /*exact=*/true});
    processor->apply(in, *out);
    std::istringstream text(default_ocio_config_text());
    const auto config = OCIO::Config::CreateFromStream(text);
    EXPECT_LT(max_difference(ocio_reference(config->getProcessor("logc3", "rec709"), in), *out),
              1e-6);
    ASSERT_TRUE(processor->output_tags().has_value());
    EXPECT_EQ(processor->output_tags()->primaries, ColorPrimaries::Bt709);
    EXPECT_FALSE(processor->is_noop());
    EXPECT_NE(processor->description().find("logc3 -> rec709"), std::string::npos);
}

TEST(Color, IdentityLutAndUnityCdlAreNoOps) {
    TempDir dir;
    const std::string path = dir / "identity.cube";
    {
        std::ofstream out(path);
        out << "LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n";
    }
    ColorOp lut;
    lut.kind = ColorOp::Kind::Lut;
    lut.lut = path;
    ColorOp cdl;
    cdl.kind = ColorOp::Kind::Cdl;
    EXPECT_TRUE(ColorProcessor::create({{}, {lut}})->is_noop());
    EXPECT_TRUE(ColorProcessor::create({{}, {cdl}})->is_noop());
    EXPECT_TRUE(ColorProcessor::create({{}, {cdl, lut}})->is_noop());
}

TEST(Color, CdlFilesBySchemaAndId) {
    TempDir dir;
    const std::string ccc = dir / "day1.ccc";
    std::ofstream(ccc) << R"(<?xml version="1.0" encoding="UTF-8"?>
<ColorCorrectionCollection xmlns="urn:ASC:CDL:v1.2">
  <ColorCorrection id="A001C001">
    <SOPNode><Slope>1.1 1.0 0.9</Slope><Offset>0.01 0 -0.01</Offset><Power>1 1 1.05</Power></SOPNode>
    <SatNode><Saturation>0.9</Saturation></SatNode>
  </ColorCorrection>
  <ColorCorrection id="A001C002">
    <SOPNode><Slope>0.8 0.8 0.8</Slope><Offset>0 0 0</Offset><Power>1 1 1</Power></SOPNode>
    <SatNode><Saturation>1.2</Saturation></SatNode>
  </ColorCorrection>
</ColorCorrectionCollection>
)";
    const auto all = load_cdl_collection(ccc);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, "A001C001");
    const Cdl c2 = load_cdl(ccc, "A001C002");
    EXPECT_DOUBLE_EQ(c2.slope[0], 0.8);
    EXPECT_DOUBLE_EQ(c2.saturation, 1.2);
    const Cdl c1 = load_cdl(ccc);
    EXPECT_DOUBLE_EQ(c1.offset[2], -0.01);
    EXPECT_DOUBLE_EQ(c1.power[2], 1.05);
    try {
        (void)load_cdl(ccc, "B002");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("ids: A001C001, A001C002"), std::string::npos)
            << e.what();
    }
}

TEST(Color, BadFilesAndNamesAreOneLineErrorsNamingThem) {
    TempDir dir;
    const std::string bad_cube = dir / "bad.cube";
    std::ofstream(bad_cube) << "LUT_3D_SIZE 2\n0 0 0\n1 0 zero\n";
    ColorOp lut;
    lut.kind = ColorOp::Kind::Lut;
    lut.lut = bad_cube;
    try {
        (void)ColorProcessor::create({{}, {lut}});
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.cube"), std::string::npos) << e.what();
    }
    const std::string bad_cdl = dir / "bad.cc";
    std::ofstream(bad_cdl) << "<ColorCorrection><SOPNode><Slope>one</Slope></SOPNode>";
    EXPECT_THROW((void)load_cdl(bad_cdl), InputError);
    ColorOp cs;
    cs.kind = ColorOp::Kind::ColorSpace;
    cs.from = "logc9";
    cs.to = "rec709";
    try {
        (void)ColorProcessor::create({{}, {cs}});
        FAIL();
    } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("unknown colour space 'logc9'"), std::string::npos) << what;
        EXPECT_NE(what.find("available:"), std::string::npos) << what;
    }
    EXPECT_THROW((void)parse_triplet("1,2"), std::invalid_argument);
    EXPECT_EQ(parse_triplet("0.5"), (std::array<double, 3>{0.5, 0.5, 0.5}));
}

TEST(Color, AMissingOrBrokenConfigIsOneLineNamingIt) {
    TempDir dir;
    ColorOp cs;
    cs.kind = ColorOp::Kind::ColorSpace;
    cs.from = "a";
    cs.to = "b";
    const auto error_of = [&](const std::string& config) {
        try {
            (void)ColorProcessor::create({config, {cs}});
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    const std::string missing = error_of(dir / "nope.ocio");
    EXPECT_NE(missing.find("nope.ocio: OCIO config not found"), std::string::npos) << missing;
    std::ofstream(dir / "broken.ocio") << "ocio_profile_version: 2\nroles: [not, a, map\n";
    const std::string broken = error_of(dir / "broken.ocio");
    EXPECT_NE(broken.find("broken.ocio: not a usable OCIO config"), std::string::npos) << broken;
    EXPECT_EQ(broken.find('\n'), std::string::npos) << broken;
}

}  // namespace
}  // namespace cinepipe
