// ALE files carrying per-shot CDLs: rows parsed exactly, ungraded rows skipped, clips matched
// by name or file (a reel only when it has one row), malformed values named with their line.

#include "cinepipe/ale.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cinepipe/error.h"
#include "cinepipe/grade_book.h"
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

MediaInfo clip(const std::string& name, const std::string& reel) {
    MediaInfo info;
    info.clip_name = name;
    info.reel_name = reel;
    return info;
}

TEST(Ale, MatchesByNameFileOrAnUnambiguousReel) {
    TempDir dir;
    std::ofstream(dir / "day.ale") << kAle;
    const GradeBook book = GradeBook::load(dir / "day.ale");
    EXPECT_TRUE(book.is_ale());
    EXPECT_EQ(book.size(), 3u);
    const auto by_name = book.match("/x/other.mov", clip("A001C001", ""));
    ASSERT_TRUE(by_name);
    EXPECT_EQ(by_name->cdl.id, "A001C001");
    EXPECT_EQ(by_name->matched_by, "clip name");
    EXPECT_EQ(by_name->line, 10);
    EXPECT_DOUBLE_EQ(by_name->cdl.saturation, 0.9);
    const auto by_file = book.match("/x/A001C003_v2.mov", clip("", ""));
    ASSERT_TRUE(by_file);
    EXPECT_EQ(by_file->cdl.id, "A001C003");
    EXPECT_EQ(by_file->matched_by, "file name");
    const auto by_reel = book.match("/x/unnamed.mov", clip("", "B002"));  // B002: one graded row
    ASSERT_TRUE(by_reel);
    EXPECT_EQ(by_reel->cdl.id, "B002C001");
    EXPECT_EQ(by_reel->matched_by, "reel");
    // A camera's full clip name carries a date and hash after the clip id the ALE row uses.
    const auto by_id = book.match("/x/A001C003_201125_R1AB.mov", clip("A001C003_201125_R1AB", ""));
    ASSERT_TRUE(by_id);
    EXPECT_EQ(by_id->cdl.id, "A001C003");
    EXPECT_EQ(by_id->matched_by, "camera clip id");
    EXPECT_FALSE(book.match("/x/A001C0031.mov", clip("", "")));  // not the id A001C003
    EXPECT_FALSE(book.match("/x/unnamed.mov", clip("", "A001")));  // A001 has two: ambiguous
    EXPECT_FALSE(book.match("/x/A001C002.mov", clip("A001C002", "A001")));  // not graded
}

TEST(GradeBook, CccMatchesByNameFileCameraIdOrReelAndFlagsAmbiguity) {
    TempDir dir;
    std::ofstream(dir / "day.ccc")
        << "<ColorCorrectionCollection xmlns=\"urn:ASC:CDL:v1.2\">\n"
           "<ColorCorrection id=\"A001C001_v1\"><SOPNode><Slope>1.1 1 1</Slope><Offset>0 0 0</Offset>"
           "<Power>1 1 1</Power></SOPNode></ColorCorrection>\n"
           "<ColorCorrection id=\"B002\"><SOPNode><Slope>0.9 1 1</Slope><Offset>0 0 0</Offset>"
           "<Power>1 1 1</Power></SOPNode></ColorCorrection>\n"
           "<ColorCorrection id=\"A001C001_v2\"><SOPNode><Slope>2 2 2</Slope><Offset>0 0 0</Offset>"
           "<Power>1 1 1</Power></SOPNode></ColorCorrection>\n"
           "</ColorCorrectionCollection>\n";
    const GradeBook book = GradeBook::load(dir / "day.ccc");
    EXPECT_FALSE(book.is_ale());
    EXPECT_EQ(book.ids(), (std::vector<std::string>{"A001C001_v1", "B002", "A001C001_v2"}));
    const auto exact = book.match("/x/A001C001_v2.mov", clip("", ""));
    ASSERT_TRUE(exact);
    EXPECT_EQ(exact->matched_by, "file name");
    EXPECT_DOUBLE_EQ(exact->cdl.slope[0], 2);
    EXPECT_FALSE(exact->ambiguous);
    // Two grades share the camera clip id: the first is used and the match is flagged.
    const auto m = book.match("/x/A001C001_201125_R1AB.mov", clip("", ""));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->matched_by, "camera clip id");
    EXPECT_DOUBLE_EQ(m->cdl.slope[0], 1.1);
    EXPECT_TRUE(m->ambiguous);
    const auto reel = book.match("/x/B002C007.mov", clip("B002C007", "B002"));
    ASSERT_TRUE(reel);
    EXPECT_EQ(reel->matched_by, "reel");
    EXPECT_FALSE(reel->ambiguous);
    EXPECT_FALSE(book.match("/x/C003C001.mov", clip("C003C001", "C003")));

    // Duplicate ids are the file's error (OCIO refuses them), named with the file.
    std::string dup = test::read_file(dir / "day.ccc");
    dup.replace(dup.find("A001C001_v2"), 11, "A001C001_v1");
    std::ofstream(dir / "dup.ccc") << dup;
    try {
        (void)GradeBook::load(dir / "dup.ccc");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("dup.ccc"), std::string::npos) << e.what();
    }

    // One correction grades any clip.
    std::ofstream(dir / "one.cc") << "<ColorCorrection id=\"look\"><SOPNode><Slope>1 1 1</Slope>"
                                     "<Offset>0.1 0 0</Offset><Power>1 1 1</Power></SOPNode>"
                                     "</ColorCorrection>\n";
    const auto any = GradeBook::load(dir / "one.cc").match("/x/anything.mov", clip("", ""));
    ASSERT_TRUE(any);
    EXPECT_EQ(any->matched_by, "only correction");
    EXPECT_DOUBLE_EQ(any->cdl.offset[0], 0.1);
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
