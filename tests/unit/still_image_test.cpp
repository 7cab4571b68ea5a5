// Stills and text (cinepipe/still_image.h): JPEG and PNG written by libavcodec and checked by
// what ffmpeg decodes; text masks from FreeType with one height and baseline per renderer.

#include "cinepipe/still_image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cinepipe/error.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::TempDir;

RgbImage flat(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    RgbImage img;
    img.width = width;
    img.height = height;
    img.rgb.resize(static_cast<std::size_t>(width) * height * 3);
    for (std::size_t i = 0; i < img.rgb.size(); i += 3) {
        img.rgb[i] = r;
        img.rgb[i + 1] = g;
        img.rgb[i + 2] = b;
    }
    return img;
}

std::string ffprobe_value(const std::string& path, const std::string& entry) {
    auto r =
        test::run_command("ffprobe -v error -select_streams v:0 -show_entries stream=" + entry +
                          " -of csv=p=0 " + test::quote(path));
    while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ','))
        r.output.pop_back();
    return r.output;
}

// A flat colour comes back as that colour: exactly from PNG, within JPEG's rounding (the
// YCbCr round trip and 8-bit chroma) from JPEG, at every pixel.
TEST(StillFile, FlatColourDecodesToItselfWithFfmpeg) {
    TempDir dir;
    const RgbImage img = flat(66, 38, 200, 60, 30);  // odd chroma size on purpose (33x19)
    write_still(dir / "flat.png", img, false);
    write_still(dir / "flat.jpg", img, false);
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"flat.jpg", "flat.png"}));

    const test::DecodedImage png = test::decode_rgb24(dir / "flat.png");
    ASSERT_EQ(png.width, 66);
    ASSERT_EQ(png.height, 38);
    EXPECT_EQ(png.rgb, std::string(img.rgb.begin(), img.rgb.end()));
    EXPECT_EQ(ffprobe_value(dir / "flat.png", "pix_fmt"), "rgb24");

    const test::DecodedImage jpg = test::decode_rgb24(dir / "flat.jpg");
    ASSERT_EQ(jpg.width, 66);
    ASSERT_EQ(jpg.height, 38);
    int worst = 0;
    for (std::size_t i = 0; i < jpg.rgb.size(); ++i)
        worst = std::max(
            worst, std::abs(static_cast<unsigned char>(jpg.rgb[i]) - static_cast<int>(img.rgb[i])));
    EXPECT_LE(worst, 3);
    // JFIF: full-range 4:2:0 (ffprobe calls that yuvj420p), BT.601 matrix.
    EXPECT_EQ(ffprobe_value(dir / "flat.jpg", "pix_fmt"), "yuvj420p");
}

// Primaries and grey land where they should: a wrong matrix or range would move them by far
// more than JPEG's rounding.
TEST(StillFile, JpegKeepsSaturatedColours) {
    TempDir dir;
    const std::vector<std::array<std::uint8_t, 3>> colours{
        {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {128, 128, 128}, {16, 16, 16}, {235, 235, 235}};
    for (const auto& c : colours) {
        const std::string path = dir / "c.jpg";
        write_still(path, flat(32, 32, c[0], c[1], c[2]), true);
        const test::DecodedImage jpg = test::decode_rgb24(path);
        ASSERT_EQ(jpg.width, 32);
        for (int k = 0; k < 3; ++k)
            EXPECT_NEAR(static_cast<unsigned char>(jpg.rgb[16 * 32 * 3 + 16 * 3 + k]), c[k], 4)
                << int(c[0]) << "," << int(c[1]) << "," << int(c[2]) << " channel " << k;
    }
}

TEST(StillFile, IsAtomicAndRefusesOtherExtensions) {
    TempDir dir;
    const RgbImage img = flat(16, 16, 1, 2, 3);
    {
        StillFile uncommitted(dir / "a.jpg", img, false);
        EXPECT_EQ(dir.entries().size(), 1u);  // only the hidden temporary
        EXPECT_FALSE(std::filesystem::exists(dir / "a.jpg"));
    }
    EXPECT_TRUE(dir.entries().empty());
    StillFile file(dir / "b.png", img, false);
    file.commit();
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"b.png"});
    EXPECT_THROW(write_still(dir / "b.png", img, false), OutputError);  // exists
    EXPECT_NO_THROW(write_still(dir / "b.png", img, true));
    EXPECT_THROW(write_still(dir / "c.tif", img, false), OutputError);
    EXPECT_THROW(check_still_target(dir / "c.gif", false), OutputError);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"b.png"});
}

TEST(TextRenderer, MasksShareOneHeightAndHoldCoverage) {
    const TextRenderer r(default_burnin_font(), 24);
    EXPECT_GT(r.height(), 20);
    EXPECT_LT(r.height(), 40);
    const TextMask tc = r.render("01:00:00:00");
    const TextMask low = r.render("gjpq");
    const TextMask dots = r.render("...");
    for (const TextMask* m : {&tc, &low, &dots}) {
        EXPECT_EQ(m->height, r.height());
        ASSERT_EQ(m->coverage.size(), static_cast<std::size_t>(m->width) * m->height);
        EXPECT_GE(*std::min_element(m->coverage.begin(), m->coverage.end()), 0.0F);
        EXPECT_LE(*std::max_element(m->coverage.begin(), m->coverage.end()), 1.0F);
        EXPECT_EQ(*std::max_element(m->coverage.begin(), m->coverage.end()), 1.0F);
    }
    // Monospaced digits: a running timecode keeps its width (same last glyph, same length).
    EXPECT_EQ(r.render("23:59:41:10").width, r.render("01:00:00:00").width);
    const TextMask one = r.render("0");
    // Descenders use the rows below the baseline, which "0" leaves empty.
    auto ink_rows = [](const TextMask& m) {
        int last = -1;
        for (int y = 0; y < m.height; ++y)
            for (int x = 0; x < m.width; ++x)
                if (m.coverage[static_cast<std::size_t>(y) * m.width + x] > 0.5F) last = y;
        return last;
    };
    EXPECT_GT(ink_rows(low), ink_rows(one) + 2);
    EXPECT_EQ(r.render("").width, 0);
    EXPECT_EQ(r.render("").height, r.height());
}

TEST(TextRenderer, IsThreadSafeAndDeterministic) {
    const TextRenderer r(default_burnin_font(), 18);
    const TextMask expected = r.render("10:59:59:23 é");
    std::vector<std::thread> threads;
    threads.reserve(4);
    std::vector<int> mismatches(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                const TextMask m = r.render("10:59:59:23 é");
                if (m.width != expected.width || m.coverage != expected.coverage) ++mismatches[t];
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(TextRenderer, FindsFontsByNameAndRefusesUnknownOnes) {
    const TextRenderer by_path(default_burnin_font(), 20);
    const TextRenderer by_name("DejaVuSansMono-Bold", 20);
    const TextRenderer by_file_name("DejaVuSansMono-Bold.ttf", 20);
    EXPECT_EQ(by_name.render("Ag 12").coverage, by_path.render("Ag 12").coverage);
    EXPECT_EQ(by_file_name.render("Ag 12").coverage, by_path.render("Ag 12").coverage);
    EXPECT_THROW(TextRenderer("NoSuchFont-Regular", 20), InputError);
    EXPECT_THROW(TextRenderer("/no/such/font.ttf", 20), InputError);
    TempDir dir;
    std::ofstream(dir / "fake.ttf") << "not a font";
    EXPECT_THROW(TextRenderer(dir / "fake.ttf", 20), InputError);
}

TEST(ContactSheet, HasTitleCellsAndLabels) {
    std::vector<ContactSheetCell> cells;
    cells.reserve(5);
    for (int i = 0; i < 5; ++i)
        cells.push_back({flat(64, 36, 200, 40, 40), "00:00:0" + std::to_string(i)});
    const RgbImage sheet = make_contact_sheet(cells, 3, "Clip A001");
    EXPECT_GT(sheet.width, 3 * 64);
    EXPECT_GT(sheet.height, 2 * 36);
    EXPECT_EQ(sheet.rgb.size(), static_cast<std::size_t>(sheet.width) * sheet.height * 3);
    // Some label text (light grey on the dark background) was drawn.
    EXPECT_NE(std::find(sheet.rgb.begin(), sheet.rgb.end(), 235), sheet.rgb.end());
    TempDir dir;
    write_still(dir / "sheet.jpg", sheet, false);
    const test::DecodedImage back = test::decode_rgb24(dir / "sheet.jpg");
    EXPECT_EQ(back.width, sheet.width);
    EXPECT_EQ(back.height, sheet.height);
}

}  // namespace
}  // namespace cinepipe
