// The marker writers (filters/qc/qc_markers.cpp) on hand-made results: what no planted clip
// produces on demand, i.e. messages with EDL-breaking characters, CSV quoting, the reel name's
// limits, and timecode across a gap. End to end against the JSON report: qc_markers_test.cpp
// in tests/integration.

#include <gtest/gtest.h>

#include <string>

#include "cinepipe/qc.h"

namespace cinepipe {
namespace {

QcResult result_with(std::vector<QcEvent> events) {
    QcResult r;
    r.frames = 100;
    r.events = std::move(events);
    r.timecodes.push_back({0, Timecode::parse("01:00:00:00", Rational{25, 1})});
    return r;
}

MediaInfo clip(const std::string& path, const std::string& reel = "") {
    MediaInfo m;
    m.path = path;
    m.reel_name = reel;
    VideoStreamInfo v;
    v.frame_rate = Rational{25, 1};
    m.video = v;
    return m;
}

TEST(QcMarkers, EdlNamesAreOneLineOfAsciiWithoutFieldSeparators) {
    const QcResult r = result_with(
        {{"loudness", Severity::Error, 10, 12, 0, "-20.1 LUFS | target -23 ±0.5 LU\r\nsee\tlog"},
         {"black", Severity::Info, 50, 50, 0, "caf\xC3\xA9  noir "}});
    const std::string edl = qc_markers_edl(r, clip("/media/a clip.mov"));
    EXPECT_NE(edl.find(" |C:ResolveColorRed |M:loudness: -20.1 LUFS / target -23 +/-0.5 LU see "
                       "log |D:3\n"),
              std::string::npos)
        << edl;
    EXPECT_NE(edl.find(" |C:ResolveColorBlue |M:black: caf? noir |D:1\n"), std::string::npos)
        << edl;
    for (const char c : edl) {
        EXPECT_LT(static_cast<unsigned char>(c), 0x80) << edl;
        EXPECT_NE(c, '\r') << edl;
        EXPECT_NE(c, '\t') << edl;
    }
    EXPECT_EQ(edl.rfind("TITLE: a clip.mov QC\nFCM: NON-DROP FRAME\n\n", 0), 0u) << edl;
}

TEST(QcMarkers, ReelIsEightCharactersOfLettersDigitsAndUnderscore) {
    const QcResult r = result_with({{"black", Severity::Warning, 0, 0, 0, "x"}});
    const auto event_line = [&](const MediaInfo& m) {
        const std::string edl = qc_markers_edl(r, m);
        const auto at = edl.find("\n001  ");
        return at == std::string::npos ? edl : edl.substr(at + 1, edl.find('\n', at + 1) - at - 1);
    };
    EXPECT_EQ(event_line(clip("x.mov", "A001C003_long")),
              "001  A001C003 V     C        01:00:00:00 01:00:00:01 01:00:00:00 01:00:00:01  ");
    EXPECT_EQ(event_line(clip("x.mov", "R 1/b")).substr(0, 14), "001  R_1_b    ");
    // No reel: the clip name, else the file's stem.
    MediaInfo named = clip("/m/file.mov");
    named.clip_name = "Scene-12";
    EXPECT_EQ(event_line(named).substr(0, 14), "001  Scene_12 ");
    EXPECT_EQ(event_line(clip("/m/ab.mov")).substr(0, 14), "001  ab       ");
}

TEST(QcMarkers, CsvQuotesCommasQuotesAndLineBreaks) {
    const QcResult r = result_with({{"flash", Severity::Warning, 3, 4, 0, "a, \"b\"\nc"},
                                    {"freeze", Severity::Error, 5, 9, 0, "plain"}});
    EXPECT_EQ(qc_markers_csv(r, clip("x.mov")),
              "timecode_in,timecode_out,frame_in,frame_out,duration_frames,check,severity,"
              "message\r\n"
              "01:00:00:03,01:00:00:04,3,4,2,flash,warning,\"a, \"\"b\"\"\nc\"\r\n"
              "01:00:00:05,01:00:00:09,5,9,5,freeze,error,plain\r\n");
}

TEST(QcMarkers, TimecodesFollowTheSourceAcrossAGap) {
    // Frames 40.. after a timestamp gap carry the source's clock: 10 frames were missing.
    QcResult r = result_with({{"dropped_frame", Severity::Error, 40, 41, 0, "gap"}});
    r.timecodes.push_back({40, Timecode::parse("01:00:02:00", Rational{25, 1})});
    const std::string edl = qc_markers_edl(r, clip("x.mov"));
    EXPECT_NE(edl.find("01:00:02:00 01:00:02:01 01:00:02:00 01:00:02:01  \n"), std::string::npos)
        << edl;
    EXPECT_NE(qc_markers_csv(r, clip("x.mov")).find("01:00:02:00,01:00:02:01,40,41,2,"),
              std::string::npos);
}

}  // namespace
}  // namespace cinepipe
