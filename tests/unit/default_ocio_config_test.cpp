// The embedded default OpenColorIO config (samples/ocio/config.ocio, compiled in): it parses
// and validates with the OpenColorIO the engine links, every name and alias resolves, each
// camera encoding puts 18% grey where its maker publishes it, every space round-trips, and
// every scene space reaches both displays.

#include <gtest/gtest.h>

#include <OpenColorIO/OpenColorIO.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "default_ocio_config.h"

namespace OCIO = OCIO_NAMESPACE;

namespace cinepipe {
namespace {

OCIO::ConstConfigRcPtr load_default_config() {
    std::istringstream text(default_ocio_config_text());
    return OCIO::Config::CreateFromStream(text);
}

std::array<float, 3> apply_rgb(const OCIO::ConstProcessorRcPtr& processor,
                               std::array<float, 3> rgb) {
    processor->getDefaultCPUProcessor()->applyRGB(rgb.data());
    return rgb;
}

std::array<float, 3> convert(const OCIO::ConstConfigRcPtr& config, const char* from, const char* to,
                             std::array<float, 3> rgb) {
    return apply_rgb(config->getProcessor(from, to), rgb);
}

// The scene-referred spaces, by the alias a command line would use.
const std::vector<std::string> kSceneSpaces = {"aces",  "ACEScg",    "ACEScct",   "logc3",
                                               "slog3", "slog3cine", "vlog",      "clog2",
                                               "clog3", "log3g10",   "lin_rec709"};

TEST(DefaultOcioConfig, ParsesAndValidates) {
    OCIO::ConstConfigRcPtr config;
    ASSERT_NO_THROW(config = load_default_config());
    ASSERT_TRUE(config);
    EXPECT_NO_THROW(config->validate());
    EXPECT_EQ(config->getMajorVersion(), 2u);
    EXPECT_GE(config->getMinorVersion(), 1u);  // aliases need profile 2.1
    EXPECT_STREQ(config->getName(), "cinepipe-default-v1");
}

TEST(DefaultOcioConfig, NamesAliasesAndRolesResolve) {
    const auto config = load_default_config();
    const std::vector<std::pair<std::string, std::string>> names = {
        {"aces", "ACES2065-1"},
        {"ACES2065-1", "ACES2065-1"},
        {"acescg", "ACEScg"},  // names match without regard to case
        {"acescct", "ACEScct"},
        {"logc3", "ARRI LogC3 (EI800) / AWG"},
        {"slog3", "Sony S-Log3 / S-Gamut3"},
        {"slog3cine", "Sony S-Log3 / S-Gamut3.Cine"},
        {"vlog", "Panasonic V-Log / V-Gamut"},
        {"clog2", "Canon Log 2 / Cinema Gamut"},
        {"clog3", "Canon Log 3 / Cinema Gamut"},
        {"log3g10", "RED Log3G10 / REDWideGamutRGB"},
        {"lin_rec709", "Linear Rec.709"},
        {"rec709", "Rec.1886 Rec.709 - Display"},
        {"srgb", "sRGB - Display"},
        {"cie_xyz_d65", "CIE-XYZ-D65"},
        {"raw", "Raw"},
        // roles
        {"scene_linear", "ACEScg"},
        {"default", "ACES2065-1"},
        {"data", "Raw"},
        {"color_timing", "ACEScct"},
        {"compositing_log", "ACEScct"},
        {"aces_interchange", "ACES2065-1"},
        {"cie_xyz_d65_interchange", "CIE-XYZ-D65"},
    };
    for (const auto& [given, canonical] : names) {
        EXPECT_EQ(std::string(config->getCanonicalName(given.c_str())), canonical) << given;
    }
    EXPECT_STREQ(config->getCanonicalName("no such space"), "");

    ASSERT_EQ(config->getNumDisplays(), 2);
    EXPECT_STREQ(config->getDefaultDisplay(), "Rec.709");
    EXPECT_STREQ(config->getDefaultView("Rec.709"), "ACES 1.0 SDR-video");
    EXPECT_STREQ(config->getDefaultView("sRGB"), "ACES 1.0 SDR-video");
    EXPECT_TRUE(config->getColorSpace("Raw")->isData());
}

// 18% grey (ACES2065-1 0.18 neutral, which every gamut's D60->D65 adaptation keeps neutral)
// against the value each encoding's specification gives it, as full-range normalised code.
struct GreyCase {
    const char* space;
    double code;
    const char* source;
};

TEST(DefaultOcioConfig, EighteenPercentGreyLandsOnPublishedCodeValues) {
    const auto config = load_default_config();
    const std::vector<GreyCase> cases = {
        // ACEScct 0.18 -> 0.4135884 (Academy S-2016-001, ACEScct specification).
        {"acescct", 0.4135884, "ACES S-2016-001"},
        // LogC3 EI 800: 0.18 -> 0.3910068 ("ALEXA Log C Curve - Usage in VFX", ARRI 2012:
        // c*log10(a*x+b)+d with a=5.555556 b=0.052272 c=0.247190 d=0.385537).
        {"logc3", 0.3910068, "ARRI, ALEXA Log C Curve - Usage in VFX"},
        // S-Log3: 18% grey = 10-bit code 420 = 0.4105572 (Sony, Technical Summary for
        // S-Gamut3.Cine/S-Log3 and S-Gamut3/S-Log3).
        {"slog3", 420.0 / 1023.0, "Sony S-Log3 technical summary"},
        {"slog3cine", 420.0 / 1023.0, "Sony S-Log3 technical summary"},
        // V-Log: 18% grey = 10-bit code 433, exactly 0.4233114 (Panasonic, V-Log/V-Gamut
        // Reference Manual 2014: c*log10(x+b)+d, b=0.00873 c=0.241514 d=0.598206).
        {"vlog", 0.4233114, "Panasonic V-Log/V-Gamut reference manual"},
        // Canon Log 2 / 3: 18% grey = 0.3982547 / 0.3433894 (Canon input transforms for the
        // C300 Mark II, 2016; the curves take reflectance / 0.9).
        {"clog2", 0.3982547, "Canon Log 2, Canon IDT 2016"},
        {"clog3", 0.3433894, "Canon Log 3, Canon IDT 2016"},
        // Log3G10 puts 18% grey at exactly 1/3 by design (RED, White Paper on
        // REDWideGamutRGB and Log3G10, 2017).
        {"log3g10", 1.0 / 3.0, "RED Log3G10 white paper"},
        // Linear spaces: grey stays 0.18 (white-preserving matrices).
        {"ACEScg", 0.18, "linear AP1"},
        {"lin_rec709", 0.18, "linear Rec.709"},
    };
    for (const auto& c : cases) {
        const auto out = convert(config, "aces", c.space, {0.18f, 0.18f, 0.18f});
        for (int ch = 0; ch < 3; ++ch) {
            EXPECT_NEAR(out[ch], c.code, 1e-4)
                << c.space << " channel " << ch << " (" << c.source << ")";
        }
        // And back: the published code value decodes to 18% grey.
        const auto f = static_cast<float>(c.code);
        const auto back = convert(config, c.space, "aces", {f, f, f});
        for (int ch = 0; ch < 3; ++ch) {
            EXPECT_NEAR(back[ch], 0.18, 1e-4) << c.space << " channel " << ch;
        }
    }
}

TEST(DefaultOcioConfig, EverySceneSpaceRoundTrips) {
    const auto config = load_default_config();
    // Scene-linear ACES values from below black to well over white, neutral and coloured.
    // (OpenColorIO 2.1's Canon curves are 1D LUTs over code 0..1, so linear values past code
    // 1.0, about 14.7 for Canon Log 3 and 59 for Canon Log 2, clip: stay below that.)
    const std::vector<std::array<float, 3>> samples = {
        {0.0f, 0.0f, 0.0f},    {0.001f, 0.001f, 0.001f}, {0.01f, 0.02f, 0.005f},
        {0.18f, 0.18f, 0.18f}, {0.18f, 0.09f, 0.045f},   {0.05f, 0.12f, 0.3f},
        {1.0f, 1.0f, 1.0f},    {0.9f, 0.5f, 0.2f},       {4.0f, 2.0f, 1.0f},
        {10.0f, 10.0f, 10.0f}, {-0.005f, 0.01f, 0.02f},
    };
    for (const auto& space : kSceneSpaces) {
        const auto to = config->getProcessor("aces", space.c_str());
        const auto from = config->getProcessor(space.c_str(), "aces");
        for (const auto& in : samples) {
            const auto out = apply_rgb(from, apply_rgb(to, in));
            for (int ch = 0; ch < 3; ++ch) {
                EXPECT_NEAR(out[ch], in[ch], 1e-4 * std::max(1.0f, std::fabs(in[ch])))
                    << space << " channel " << ch << " input " << in[0] << "," << in[1] << ","
                    << in[2];
            }
        }
    }
}

TEST(DefaultOcioConfig, DisplaysEncodeGrey) {
    const auto config = load_default_config();
    const auto display_view = [&](const char* display, const char* view) {
        return apply_rgb(config->getProcessor("aces", display, view, OCIO::TRANSFORM_DIR_FORWARD),
                         {0.18f, 0.18f, 0.18f});
    };
    // Un-tone-mapped: plain encoding of 0.18. Rec.1886 with a zero black level is a pure 2.4
    // power (ITU-R BT.1886); sRGB is the IEC 61966-2-1 piecewise curve.
    const double rec1886 = std::pow(0.18, 1.0 / 2.4);
    const double srgb = 1.055 * std::pow(0.18, 1.0 / 2.4) - 0.055;
    const auto rec709_plain = display_view("Rec.709", "Un-tone-mapped");
    const auto srgb_plain = display_view("sRGB", "Un-tone-mapped");
    for (int ch = 0; ch < 3; ++ch) {
        EXPECT_NEAR(rec709_plain[ch], rec1886, 1e-4);
        EXPECT_NEAR(srgb_plain[ch], srgb, 1e-4);
    }
    // ACES 1.0 SDR video puts mid grey near 10 nits of 100 (code ~0.39 on Rec.1886, ~0.36 on
    // sRGB), and stays neutral.
    const auto rec709_aces = display_view("Rec.709", "ACES 1.0 SDR-video");
    const auto srgb_aces = display_view("sRGB", "ACES 1.0 SDR-video");
    EXPECT_NEAR(rec709_aces[0], 0.3895, 5e-3);
    EXPECT_NEAR(srgb_aces[0], 0.3560, 5e-3);
    for (int ch = 1; ch < 3; ++ch) {
        EXPECT_NEAR(rec709_aces[ch], rec709_aces[0], 1e-5);
        EXPECT_NEAR(srgb_aces[ch], srgb_aces[0], 1e-5);
    }
    // A plain colour-space conversion to a display space (`--from aces --to rec709`) goes
    // through the default view transform, so it is the ACES view.
    const auto rec709_cs = convert(config, "aces", "rec709", {0.18f, 0.18f, 0.18f});
    const auto srgb_cs = convert(config, "aces", "srgb", {0.18f, 0.18f, 0.18f});
    for (int ch = 0; ch < 3; ++ch) {
        EXPECT_NEAR(rec709_cs[ch], rec709_aces[ch], 1e-6);
        EXPECT_NEAR(srgb_cs[ch], srgb_aces[ch], 1e-6);
    }
}

TEST(DefaultOcioConfig, DisplaySpacesInvert) {
    const auto config = load_default_config();
    // Display code -> scene -> display. The ACES 1.0 output transform inverts exactly for
    // neutrals (its red modifier's inverse is approximate for saturated colours).
    for (const char* display : {"rec709", "srgb"}) {
        const auto to_scene = config->getProcessor(display, "aces");
        const auto to_display = config->getProcessor("aces", display);
        for (float v : {0.02f, 0.1f, 0.25f, 0.5f, 0.75f, 0.9f}) {
            const auto out = apply_rgb(to_display, apply_rgb(to_scene, {v, v, v}));
            for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(out[ch], v, 1e-4) << display << " " << v;
        }
    }
    // Un-tone-mapped is a matrix and a curve: any colour inverts.
    for (const char* display : {"Rec.709", "sRGB"}) {
        const auto fwd =
            config->getProcessor("aces", display, "Un-tone-mapped", OCIO::TRANSFORM_DIR_FORWARD);
        const auto inv =
            config->getProcessor("aces", display, "Un-tone-mapped", OCIO::TRANSFORM_DIR_INVERSE);
        const std::array<float, 3> in = {0.7f, 0.3f, 0.1f};
        const auto out = apply_rgb(fwd, apply_rgb(inv, in));
        for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(out[ch], in[ch], 1e-4) << display;
    }
}

TEST(DefaultOcioConfig, EverySceneSpaceReachesBothDisplays) {
    const auto config = load_default_config();
    const std::vector<std::string> display_spaces = {"rec709", "srgb"};
    for (const auto& space : kSceneSpaces) {
        // `--from SPACE --to rec709|srgb`
        for (const auto& target : display_spaces) {
            OCIO::ConstProcessorRcPtr processor;
            ASSERT_NO_THROW(processor = config->getProcessor(space.c_str(), target.c_str()))
                << space << " -> " << target;
            const auto out = apply_rgb(processor, {0.4f, 0.4f, 0.4f});
            for (float v : out) {
                EXPECT_TRUE(std::isfinite(v)) << space << " -> " << target;
                EXPECT_GE(v, 0.0f) << space << " -> " << target;
                EXPECT_LE(v, 1.0f) << space << " -> " << target;
            }
        }
        // `--from SPACE --display D --view V`, every display and view
        for (int d = 0; d < config->getNumDisplays(); ++d) {
            const char* display = config->getDisplay(d);
            for (int v = 0; v < config->getNumViews(display); ++v) {
                const char* view = config->getView(display, v);
                EXPECT_NO_THROW(
                    config->getProcessor(space.c_str(), display, view, OCIO::TRANSFORM_DIR_FORWARD))
                    << space << " -> " << display << " / " << view;
            }
        }
    }
    // Raw is data: nothing converts into or out of it.
    EXPECT_TRUE(config->getProcessor("logc3", "Raw")->isNoOp());
    EXPECT_TRUE(
        config->getProcessor("logc3", "Rec.709", "Raw", OCIO::TRANSFORM_DIR_FORWARD)->isNoOp());
}

}  // namespace
}  // namespace cinepipe
