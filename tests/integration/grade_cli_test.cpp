// End-to-end `cinepipe grade`: LUTs against FFmpeg's lut3d (tetrahedral), identity grades as
// exact no-ops, OCIO conversions tagging the output, per-clip CDLs from a .ccc, and bad
// grading files as one clear line before any output exists.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::expect_one_line_error;
using test::ffprobe;
using test::quote;
using test::run_command;
using test::TempDir;

// Root-mean-square difference per plane (Y, U, V) of two videos of one format, over all
// frames, in code values of that format (FFmpeg's psnr filter gives the squared errors).
// Frames are paired by number: the two files' timestamps need not agree.
std::array<double, 3> rms_difference(const std::string& a, const std::string& b) {
    const auto r = run_command("ffmpeg -v error -i " + quote(a) + " -i " + quote(b) +
                               " -lavfi \"[0:v]settb=1/24,setpts=N[a];[1:v]settb=1/24,setpts=N[b];"
                               "[a][b]psnr=stats_file=-\" -f null - 2>&1");
    std::array<double, 3> sum{};
    int frames = 0;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
        if (line.find("mse_y:") == std::string::npos) continue;
        const char* keys[] = {"mse_y:", "mse_u:", "mse_v:"};
        for (int i = 0; i < 3; ++i)
            sum[static_cast<std::size_t>(i)] += std::stod(line.substr(line.find(keys[i]) + 6));
        ++frames;
    }
    EXPECT_GT(frames, 0) << r.output;
    for (auto& s : sum) s = std::sqrt(s / std::max(frames, 1));
    return sum;
}

std::string framemd5s(const std::string& path) {
    const auto r =
        run_command("ffmpeg -v error -i " + quote(path) + " -map 0:v -f framemd5 - | grep -v '^#'");
    std::string hashes;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
        hashes += line.substr(line.rfind(',') + 1) + "\n";
    return hashes;
}

class Grade : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dailies_ = std::make_unique<TempDir>();
        const auto r = cinepipe("samples -q " + quote(dailies_->path().string()) +
                                " --duration 0.5 --size 320x180");
        ASSERT_EQ(r.exit_code, 0) << r.output;
        clip_ = *dailies_ / "A001C001_prores_hq.mov";
        lossless_ = *dailies_ / "A001C004_ffv1.mkv";
    }
    static void TearDownTestSuite() { dailies_.reset(); }
    static inline std::unique_ptr<TempDir> dailies_;
    static inline std::string clip_;
    static inline std::string lossless_;
    TempDir out_;
};

TEST_F(Grade, CubeMatchesFfmpegLut3dTetrahedral) {
    test::write_test_cube(out_ / "look.cube");
    const auto r = cinepipe("grade -q " + quote(clip_) + " -o " + quote(out_ / "ours.mkv") +
                            " --codec ffv1 --lut " + quote(out_ / "look.cube"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // The ffmpeg command done right: its automatic conversion back to YUV would use the BT.601
    // matrix on this BT.709 clip (about 25 code values of luma off), so both conversions
    // name BT.709 and limited range, as cinepipe does from the clip's own tags.
    test::ffmpeg("-i " + quote(clip_) +
                 " -vf scale=in_color_matrix=bt709:in_range=tv:flags=accurate_rnd+full_chroma_int+"
                 "full_chroma_inp,format=gbrpf32le,lut3d=file=" +
                 quote(out_ / "look.cube") +
                 ":interp=tetrahedral,scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd+"
                 "full_chroma_int,format=yuv422p10le -c:v ffv1 " +
                 quote(out_ / "ffmpeg.mkv"));
    const auto d = rms_difference(out_ / "ours.mkv", out_ / "ffmpeg.mkv");
    // Below one 10-bit code value (as RMS, which bounds the mean difference) for Y' and Cr.
    // Cb differs by about 3: ffmpeg's float RGB -> YUV (swscale's 16-bit integer path) is
    // the one off there; cinepipe's fused pass writes what the BT.709 formula gives
    // (ColorFastPath.FusedPassWritesWhatTheBt709FormulaGives), and keeps the chroma the
    // grade did not change where swscale's 4:2:2 decimation blurs it (3.1 here; 2.5 with a
    // blurring decimator of its own). The exact path (CINEPIPE_EXACT_COLOR=1, swscale's own
    // conversions) stays below 1 on every plane.
    EXPECT_LT(d[0], 1.0);
    EXPECT_LT(d[1], 3.5);
    EXPECT_LT(d[2], 1.0);
    ASSERT_EQ(run_command("CINEPIPE_EXACT_COLOR=1 " + quote(test::kCinepipe) + " grade -q " +
                          quote(clip_) + " -o " + quote(out_ / "exact.mkv") + " --codec ffv1 --lut " +
                          quote(out_ / "look.cube"))
                  .exit_code,
              0);
    const auto e = rms_difference(out_ / "exact.mkv", out_ / "ffmpeg.mkv");
    for (int i = 0; i < 3; ++i) EXPECT_LT(e[static_cast<std::size_t>(i)], 1.0) << "plane " << i;
    // And the LUT did change the picture.
    const auto changed = rms_difference(out_ / "ours.mkv", clip_);
    EXPECT_GT(changed[0] + changed[1] + changed[2], 5.0);
}

TEST_F(Grade, IdentityLutAndUnityCdlAreBitExact) {
    {
        std::ofstream id(out_ / "identity.cube");
        id << "LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n";
    }
    const auto r = cinepipe("grade -q " + quote(lossless_) + " -o " + quote(out_ / "same.mkv") +
                            " --codec ffv1 --slope 1,1,1 --offset 0,0,0 --power 1 --sat 1 --lut " +
                            quote(out_ / "identity.cube"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(framemd5s(out_ / "same.mkv"), framemd5s(lossless_));
    EXPECT_FALSE(framemd5s(lossless_).empty());
}

TEST_F(Grade, OcioConversionTagsTheOutput) {
    const auto r = cinepipe("grade -q " + quote(clip_) + " -o " + quote(out_ / "709.mov") +
                            " --from logc3 --to rec709");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json s = ffprobe(
        "-select_streams v:0 -show_entries stream=color_primaries,color_transfer,color_space " +
        quote(out_ / "709.mov"))["streams"][0];
    EXPECT_EQ(s["color_primaries"], "bt709");
    EXPECT_EQ(s["color_transfer"], "bt709");
    EXPECT_EQ(s["color_space"], "bt709");
}

TEST_F(Grade, CdlFromACollectionIsPickedByClipName) {
    const std::string ccc = out_ / "day.ccc";
    std::ofstream(ccc) << R"(<ColorCorrectionCollection xmlns="urn:ASC:CDL:v1.2">
  <ColorCorrection id="A001C001_prores_hq"><SOPNode><Slope>1.4 1 0.7</Slope><Offset>0 0 0</Offset><Power>1 1 1</Power></SOPNode><SatNode><Saturation>1</Saturation></SatNode></ColorCorrection>
  <ColorCorrection id="OTHER"><SOPNode><Slope>1 1 1</Slope><Offset>0 0 0</Offset><Power>1 1 1</Power></SOPNode><SatNode><Saturation>1</Saturation></SatNode></ColorCorrection>
</ColorCorrectionCollection>
)";
    const auto r = cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "cdl.mkv") +
                            " --codec ffv1 --cdl " + quote(ccc));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("CDL A001C001_prores_hq"), std::string::npos) << r.output;
    EXPECT_EQ(ffprobe("-select_streams v:0 -show_entries stream=pix_fmt " +
                      quote(out_ / "cdl.mkv"))["streams"][0]["pix_fmt"],
              "yuv422p10le");  // a lossless master keeps the camera original's sampling
    const auto d = rms_difference(out_ / "cdl.mkv", clip_);
    EXPECT_GT(d[1] + d[2], 5.0);  // the slope moved the colour
    // A clip no correction names: one line listing the ids.
    std::ofstream(out_ / "other.ccc") << R"(<ColorCorrectionCollection xmlns="urn:ASC:CDL:v1.2">
  <ColorCorrection id="X1"><SOPNode><Slope>1 1 1</Slope><Offset>0 0 0</Offset><Power>1 1 1</Power></SOPNode></ColorCorrection>
  <ColorCorrection id="X2"><SOPNode><Slope>1 1 1</Slope><Offset>0 0 0</Offset><Power>1 1 1</Power></SOPNode></ColorCorrection>
</ColorCorrectionCollection>
)";
    expect_one_line_error(cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "x.mkv") +
                                   " --cdl " + quote(out_ / "other.ccc")),
                          2, "(2 graded: X1, X2); pick one with --cdl-id");
}

TEST_F(Grade, CdlFromAnAleRowForThisClip) {
    std::ofstream(out_ / "day.ale")
        << "Heading\nFIELD_DELIM\tTABS\n\nColumn\nName\tTape\tASC_SOP\tASC_SAT\n\nData\n"
        << "A001C001_prores_hq\tA001\t(1.4 1 0.7)(0 0 0)(1 1 1)\t1\n"
        << "A001C009\tA001\t(1 1 1)(0 0 0)(1 1 1)\t1\n";
    const auto r = cinepipe("grade -q " + quote(clip_) + " -o " + quote(out_ / "ale.mkv") +
                            " --codec ffv1 --ale " + quote(out_ / "day.ale"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto d = rms_difference(out_ / "ale.mkv", clip_);
    EXPECT_GT(d[1] + d[2], 5.0);
    std::ofstream(out_ / "none.ale")
        << "Heading\nFIELD_DELIM\tTABS\n\nColumn\nName\tTape\tASC_SOP\n\nData\n"
        << "X\tA001\t(1 1 1)(0 0 0)(1 1 1)\nY\tA001\t(1 1 1)(0 0 0)(1 1 1)\n";
    expect_one_line_error(cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "n.mkv") +
                                   " --ale " + quote(out_ / "none.ale")),
                          2, "none.ale: no correction matches clip 'A001C001_prores_hq'");
}

TEST_F(Grade, InverseLutUndoesTheLutInCommandLineOrder) {
    // A 1D gamma curve: the inverse of a 1D LUT is exact up to interpolation.
    {
        std::ofstream cube(out_ / "gamma.cube");
        cube << "LUT_1D_SIZE 4096\n";
        for (int i = 0; i < 4096; ++i) {
            const double v = std::pow(i / 4095.0, 0.8);
            cube << v << " " << v << " " << v << "\n";
        }
    }
    const std::string lut = quote(out_ / "gamma.cube");
    auto r = cinepipe("grade " + quote(lossless_) + " -o " + quote(out_ / "fwd.mkv") +
                      " --codec ffv1 --lut " + lut);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // No library chatter about interpolation modes a 1D LUT does not have.
    EXPECT_EQ(r.output.find("OpenColorIO"), std::string::npos) << r.output;
    r = cinepipe("grade " + quote(lossless_) + " -o " + quote(out_ / "back.mkv") +
                 " --codec ffv1 --lut " + lut + " --inverse-lut " + lut);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("LUT gamma.cube, LUT gamma.cube (inverse)"), std::string::npos)
        << r.output;
    const auto moved = rms_difference(out_ / "fwd.mkv", lossless_);
    const auto back = rms_difference(out_ / "back.mkv", lossless_);
    EXPECT_GT(moved[0], 10.0);  // the curve moved luma by many 10-bit codes
    for (double d : back) EXPECT_LT(d, 0.6);  // and its inverse brought it back
    // The inverse first, then the curve: also back where it started, so the order held.
    r = cinepipe("grade -q " + quote(lossless_) + " -o " + quote(out_ / "back2.mkv") +
                 " --codec ffv1 --inverse-lut " + lut + " --lut " + lut);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (double d : rms_difference(out_ / "back2.mkv", lossless_)) EXPECT_LT(d, 0.6);
}

TEST_F(Grade, GradesReportsClipsWithNoMatchingGrade) {
    std::ofstream(out_ / "day.ale")
        << "Heading\nFIELD_DELIM\tTABS\n\nColumn\nName\tTape\tSource File\tASC_SOP\tASC_SAT\n\n"
        << "Data\n"
        << "A001C001\tA001\tA001C001_prores_hq.mov\t(1.4 1 0.7)(0 0 0)(1 1 1)\t0.9\n"
        << "A001C004_ffv1\tA001\t\t(1 1 1)(0.01 0 0)(1 1 1)\t1\n"
        << "Z009C001\tZ009\tZ009C001.mov\t(1 1 1)(0 0 0)(1 1 1)\t1\n";
    const std::string b_clip = *dailies_ / "B001C001_hevc_2997df.mov";
    const auto r = cinepipe("grades " + quote(out_ / "day.ale") + " " + quote(clip_) + " " +
                            quote(lossless_) + " " + quote(b_clip) + " --json " +
                            quote(out_ / "g.json"));
    EXPECT_EQ(r.exit_code, 1) << r.output;  // a clip without a grade fails the check
    EXPECT_NE(r.output.find("B001C001_hevc_2997df.mov"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("NO GRADE"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("2 of 3 clips graded"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("grades no clip used: Z009C001"), std::string::npos) << r.output;
    const json j = json::parse(test::read_file(out_ / "g.json"));
    EXPECT_EQ(j["schema"], "cinepipe.grades/1");
    ASSERT_EQ(j["clips"].size(), 3u);
    EXPECT_EQ(j["clips"][0]["grade"]["id"], "A001C001");
    EXPECT_EQ(j["clips"][0]["grade"]["matched_by"], "file name");
    EXPECT_EQ(j["clips"][0]["grade"]["line"], 8);
    EXPECT_DOUBLE_EQ(j["clips"][0]["grade"]["slope"][0].get<double>(), 1.4);
    EXPECT_EQ(j["clips"][1]["grade"]["matched_by"], "clip name");
    EXPECT_TRUE(j["clips"][2]["grade"].is_null());
    EXPECT_EQ(j["unmatched"], json::array({b_clip}));
    EXPECT_EQ(j["unused_grades"], json::array({"Z009C001"}));

    // Every clip graded: success. An unreadable clip is listed, the rest still matched, exit 2.
    EXPECT_EQ(cinepipe("grades -q " + quote(out_ / "day.ale") + " " + quote(clip_)).exit_code, 0);
    std::ofstream(out_ / "junk.mov") << "not a movie";
    const auto bad = cinepipe("grades " + quote(out_ / "day.ale") + " " +
                              quote(out_ / "junk.mov") + " " + quote(clip_));
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
    EXPECT_NE(bad.output.find("UNREADABLE"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("1 of 2 clips graded"), std::string::npos) << bad.output;
}

TEST_F(Grade, StripGradingEqualsWholeFrameConversion) {
    // On the exact path, 4:2:2 is graded in bands (YUV -> float RGB -> LUT -> YUV per band
    // through swscale, no float frame); it must give exactly what converting whole frames to
    // float RGB and back gives. (The fast path's own fused pass is compared in
    // color_fast_path_test.cpp.)
    test::write_test_cube(out_ / "look.cube");
    std::ofstream(out_ / "g.yaml")
        << "nodes:\n  - {id: src, type: source, params: {path: " << lossless_ << "}}\n"
        << "  - {id: fused, type: lut, input: src, params: {path: " << out_ / "look.cube"
        << "}}\n"
        << "  - {id: a, type: framemd5, input: fused, params: {path: " << out_ / "fused.md5"
        << "}}\n"
        << "  - {id: rgb, type: format, input: src, params: {pix_fmt: gbrpf32}}\n"
        << "  - {id: whole, type: lut, input: rgb, params: {path: " << out_ / "look.cube"
        << "}}\n"
        << "  - {id: yuv, type: format, input: whole, params: {pix_fmt: yuv422p10}}\n"
        << "  - {id: b, type: framemd5, input: yuv, params: {path: " << out_ / "whole.md5"
        << "}}\n";
    const auto check = cinepipe("render --check " + quote(out_ / "g.yaml"));
    ASSERT_EQ(check.exit_code, 0) << check.output;
    EXPECT_NE(check.output.find("fused: lut (yuv422p10 320x180 -> yuv422p10 320x180)"),
              std::string::npos)
        << check.output;
    ASSERT_EQ(run_command("CINEPIPE_EXACT_COLOR=1 " + quote(test::kCinepipe) + " render -q " +
                          quote(out_ / "g.yaml"))
                  .exit_code,
              0);
    const std::string fused = test::read_file(out_ / "fused.md5");
    EXPECT_GT(fused.size(), 300u);
    EXPECT_EQ(fused, test::read_file(out_ / "whole.md5"));
}

TEST_F(Grade, ChainedColourOperationsBecomeOneProcessor) {
    // Conversion, CDL and LUT in one OCIO processor and one pass: no rounding to the
    // source's 10 bits between them.
    test::write_test_cube(out_ / "look.cube");
    const auto r =
        cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "g.mov") +
                 " --from logc3 --to rec709 --slope 1.1,1,0.9 --lut " + quote(out_ / "look.cube"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("logc3 -> rec709, CDL, LUT look.cube [absorbed cdl, lut1]"),
              std::string::npos)
        << r.output;
}

TEST_F(Grade, ToAnImageSequence) {
    test::write_test_cube(out_ / "look.cube");
    const auto r = cinepipe("grade -q " + quote(clip_) + " -o " + quote(out_ / "g.%06d.tif") +
                            " --lut " + quote(out_ / "look.cube"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(test::count_entries(out_.path()), 1u + 12u);  // the cube and 12 frames
}

TEST_F(Grade, BadGradingInputIsOneLineAndWritesNothing) {
    std::ofstream(out_ / "bad.cube") << "LUT_3D_SIZE 2\n0 0 0\n1 0 zero\n";
    expect_one_line_error(cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "o.mov") +
                                   " --lut " + quote(out_ / "bad.cube")),
                          2, "bad.cube");
    expect_one_line_error(cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "o.mov") +
                                   " --lut " + quote(out_ / "missing.cube")),
                          2, "missing.cube: LUT file not found");
    expect_one_line_error(cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "o.mov") +
                                   " --from logc9 --to rec709"),
                          2, "unknown colour space 'logc9'");
    expect_one_line_error(cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "o.mov") +
                                   " --from logc3 --display Rec.709 --view Nope"),
                          2, "has no view 'Nope'");
    std::ofstream(out_ / "bad.cc") << "<ColorCorrection><SOPNode><Slope>one</Slope>";
    expect_one_line_error(cinepipe("grade " + quote(clip_) + " -o " + quote(out_ / "o.mov") +
                                   " --cdl " + quote(out_ / "bad.cc")),
                          2, "bad.cc");
    EXPECT_EQ(test::count_entries(out_.path()), 2u);  // only the two bad files
}

}  // namespace
}  // namespace cinepipe
