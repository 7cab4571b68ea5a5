// ALE files carrying per-shot CDLs: rows parsed exactly, ungraded rows skipped, clips matched
// by name or file (a reel only when it has one row), malformed values named with their line.

#include "cinepipe/ale.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cinepipe/error.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::TempDir;

const char* kAle =
    "Heading\nFIELD_DELIM\tTABS\nVIDEO_FORMAT\t1080\nFPS\t23.976\n\n"
    "Column\nName\tTracks\tStart\tEnd\tTape\tSource File\tASC_SOP\tASC_SAT\n\n"
    "Data\n"
    "A001C001\tV\t01:00:00:00\t01:00:10:00\tA001\tA001C001.mov\t(1.1 1.0 0.9)(0.01 0 -0.01)(1 1 1.05)\t0.9\n"
    "A001C002\tV\t01:00:10:00\t01:00:20:00\tA001\tA001C002.mov\t\t\n"
    "A001C003\tV\t01:00:20:00\t01:00:30:00\tA001\tA001C003_v2.mov\t( 0.8 0.8 0.8 ) ( 0 0 0 ) ( 1 1 1 )\t1.2\n"
    "B002C001\tV\t02:00:00:00\t02:00:10:00\tB002\tB002C001.mxf\t(1 1 1)(0 0 0)(0.9 0.9 0.9)\t\n";

TEST(Ale, ReadsGradedRowsExactly) {
    TempDir dir;
    std::ofstream(dir / "day.ale") << kAle;
    const auto g = load_ale(dir / "day.ale");
    ASSERT_EQ(g.size(), 3u);  // A001C002 has no grade
    EXPECT_EQ(g[0].name, "A001C001");
    EXPECT_EQ(g[0].tape, "A001");
    EXPECT_EQ(g[0].cdl.slope, (std::array<double, 3>{1.1, 1.0, 0.9}));
    EXPECT_EQ(g[0].cdl.offset, (std::array<double, 3>{0.01, 0, -0.01}));
    EXPECT_EQ(g[0].cdl.power, (std::array<double, 3>{1, 1, 1.05}));
    EXPECT_DOUBLE_EQ(g[0].cdl.saturation, 0.9);
    EXPECT_EQ(g[0].line, 10);
    EXPECT_DOUBLE_EQ(g[1].cdl.saturation, 1.2);
    EXPECT_DOUBLE_EQ(g[2].cdl.saturation, 1.0);  // empty ASC_SAT: unchanged saturation
}

TEST(Ale, MatchesByNameFileOrAnUnambiguousReel) {
    TempDir dir;
    std::ofstream(dir / "day.ale") << kAle;
    const auto g = load_ale(dir / "day.ale");
    EXPECT_EQ(match_shot(g, "A001C001", "", "")->name, "A001C001");
    EXPECT_EQ(match_shot(g, "", "A001C003_v2.mov", "")->name, "A001C003");
    EXPECT_EQ(match_shot(g, "", "", "B002")->name, "B002C001");  // B002 has one graded row
    EXPECT_FALSE(match_shot(g, "", "", "A001").has_value());      // A001 has two: ambiguous
    EXPECT_FALSE(match_shot(g, "A001C002", "A001C002.mov", "").has_value());  // not graded
}

TEST(Ale, MalformedFilesNameTheLine) {
    TempDir dir;
    std::string bad = kAle;
    bad.replace(bad.find("(1.1 1.0 0.9)"), 13, "(1.1 one 0.9)");
    std::ofstream(dir / "bad.ale") << bad;
    try {
        (void)load_ale(dir / "bad.ale");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.ale:10: clip 'A001C001': ASC_SOP"), std::string::npos)
            << e.what();
    }
    std::ofstream(dir / "notale.txt") << "hello\n";
    EXPECT_THROW((void)load_ale(dir / "notale.txt"), InputError);
    EXPECT_THROW((void)load_ale(dir / "missing.ale"), InputError);
}

}  // namespace
}  // namespace cinepipe
