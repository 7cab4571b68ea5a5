// `cinepipe qc --markers` (docs/qc.md, "Markers for editors"): clips with defects planted at
// known frames, checked with --json and --markers together; the EDL and the CSV are parsed
// back here and must place one marker per event of the JSON report, at its timecodes, with its
// length, check, severity and message.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::expect_one_line_error;
using test::quote;
using test::TempDir;

// ---------------------------------------------------------------------------------------------
// Reading the marker files back

struct EdlMarker {
    int number = 0;
    std::string reel, src_in, src_out, rec_in, rec_out;
    std::string color, name;
    std::int64_t duration = -1;  // |D:, -1 when the comment line is missing
};

struct Edl {
    std::string title, fcm;
    std::vector<EdlMarker> markers;
    std::vector<std::string> stray;  // lines that are none of the above
};

// Resolve's marker EDL: "TITLE:", "FCM:", then per marker an event line in CMX3600's fixed
// columns and a comment line " |C:colour |M:name |D:frames"; blank lines between.
Edl parse_edl(const std::string& text) {
    static const std::string tc = R"((\d\d:\d\d:\d\d[:;]\d\d))";
    static const std::regex event(R"(^(\d{3,})  (\S.{7}) V     C        )" + tc + " " + tc + " " +
                                  tc + " " + tc + "  $");
    static const std::regex comment(R"(^ \|C:(ResolveColor\w+) \|M:(.*) \|D:(\d+)$)");
    Edl edl;
    std::istringstream in(text);
    std::smatch m;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("TITLE: ", 0) == 0 && edl.title.empty() && edl.markers.empty()) {
            edl.title = line.substr(7);
        } else if (line.rfind("FCM: ", 0) == 0 && edl.fcm.empty() && edl.markers.empty()) {
            edl.fcm = line.substr(5);
        } else if (std::regex_match(line, m, event)) {
            EdlMarker e;
            e.number = std::stoi(m[1]);
            e.reel = m[2].str();
            while (!e.reel.empty() && e.reel.back() == ' ') e.reel.pop_back();
            e.src_in = m[3], e.src_out = m[4], e.rec_in = m[5], e.rec_out = m[6];
            edl.markers.push_back(e);
        } else if (std::regex_match(line, m, comment) && !edl.markers.empty() &&
                   edl.markers.back().duration < 0) {
            edl.markers.back().color = m[1];
            edl.markers.back().name = m[2];
            edl.markers.back().duration = std::stoll(m[3]);
        } else if (!line.empty()) {
            edl.stray.push_back(line);
        }
    }
    return edl;
}

// RFC 4180: fields separated by commas, records by CRLF, quoted fields with doubled quotes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, in_quotes = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                in_quotes = false;
            } else {
                field += c;
            }
        } else if (c == '"' && field.empty() && !quoted) {
            in_quotes = quoted = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            quoted = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            quoted = false;
            ++i;
        } else {
            field += c;  // a bare LF or CR lands here and fails the comparisons
        }
    }
    if (!field.empty() || !row.empty()) rows.push_back({"(unterminated record)"});
    return rows;
}

// SMPTE timecode one frame after `tc` at `nominal` fps, drop-frame when it is written with ';'
// (frame numbers 00 and 01 skipped at each minute except every tenth, at 30).
std::string next_timecode(const std::string& tc, int nominal) {
    int hh = 0, mm = 0, ss = 0, ff = 0;
    char sep = ':';
    if (std::sscanf(tc.c_str(), "%d:%d:%d%c%d", &hh, &mm, &ss, &sep, &ff) != 5) return "?";
    const bool drop = sep == ';';
    if (++ff == nominal) ff = 0, ++ss;
    if (ss == 60) ss = 0, ++mm;
    if (mm == 60) mm = 0, ++hh;
    if (hh == 24) hh = 0;
    if (drop && ss == 0 && ff < nominal / 15 && mm % 10 != 0) ff = nominal / 15;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d%c%02d", hh, mm, ss, sep, ff);
    return buf;
}

std::string resolve_color(const std::string& severity) {
    static const std::map<std::string, std::string> colors{{"error", "ResolveColorRed"},
                                                           {"warning", "ResolveColorYellow"},
                                                           {"info", "ResolveColorBlue"}};
    const auto it = colors.find(severity);
    return it == colors.end() ? "(severity " + severity + ")" : it->second;
}

// ---------------------------------------------------------------------------------------------
// The clips

const std::string kPicture = "hue=s=0.85,drawbox=c=black@0.6:t=fill";
// Legal 10-bit limited range: luma 64..940, chroma 64..960.
const std::string kLegal10 =
    "format=yuv422p10le,lutyuv=y='clip(val,64,940)':u='clip(val,64,960)':v='clip(val,64,960)'";
const std::string kProres = " -c:v prores_ks -profile:v 3 ";

// A profile giving each planted defect its own severity, so every marker colour is written.
const std::string kProfile =
    "name: markers\n"
    "checks:\n"
    "  black: {severity: error, min_duration: 0.5}\n"
    "  freeze: {severity: warning, min_duration: 0.2}\n"
    "  flash: {severity: info}\n";

class Markers : public ::testing::Test {
  protected:
    struct Run {
        int exit_code = -1;
        std::string output;
        json report;
        std::string edl, csv;
    };

    static void SetUpTestSuite() { media_ = std::make_unique<TempDir>(); }
    static void TearDownTestSuite() { media_.reset(); }

    // `cinepipe qc IN --profile P --json R --markers E.edl --markers C.csv ARGS`: the report
    // and both marker files, which must all exist.
    void qc(Run& run, const std::string& input, const std::string& args = "") {
        const std::string n = std::to_string(++runs_);
        const std::string report = out_ / ("r" + n + ".json");
        const std::string edl = out_ / ("m" + n + ".edl");
        const std::string csv = out_ / ("m" + n + ".csv");
        const std::string profile = out_ / "markers.yaml";
        if (!std::filesystem::exists(profile)) std::ofstream(profile) << kProfile;
        const auto r = cinepipe("qc -q " + quote(input) + " --profile " + quote(profile) +
                                " --json " + quote(report) + " --markers " + quote(edl) +
                                " --markers " + quote(csv) + " " + args);
        run.exit_code = r.exit_code;
        run.output = r.output;
        for (const auto& path : {report, edl, csv})
            ASSERT_TRUE(std::filesystem::exists(path))
                << path << " not written (exit " << r.exit_code << "):\n"
                << r.output;
        run.report = json::parse(test::read_file(report), nullptr, false);
        ASSERT_TRUE(run.report.is_object() && run.report["events"].is_array())
            << test::read_file(report).substr(0, 500);
        run.edl = test::read_file(edl);
        run.csv = test::read_file(csv);
    }

    static std::string clip(const std::string& name, const std::string& ffmpeg_args) {
        const std::string path = *media_ / name;
        if (!std::filesystem::exists(path)) test::ffmpeg(ffmpeg_args + " " + quote(path));
        return path;
    }

    // 24 fps from 01:00:00:00, 120 frames, reel "A001C003_long": a hard cut to black for one
    // second (frames 24..47), frames 73..78 frozen on 72, a one-frame white flash at 100.
    static std::string planted() {
        return clip("planted.mov",
                    "-f lavfi -i testsrc2=size=320x180:rate=24:duration=5 -filter_complex \"[0]" +
                        kPicture +
                        ",split[a][b];[a][b]freezeframes=first=73:last=78:replace=72,"
                        "drawbox=c=black:t=fill:enable='between(n,24,47)',"
                        "drawbox=c=white:t=fill:enable='eq(n,100)'," +
                        kLegal10 + "\"" + kProres +
                        "-timecode 01:00:00:00 -metadata:s:v:0 reel_name=A001C003_long");
    }

    // 29.97 drop-frame from 01:00:59;00, 90 frames: a flash at frame 29 (01:00:59;29, whose
    // next label is 01:01:00;02) and black 40..69.
    static std::string drop_frame() {
        return clip("drop_frame.mov",
                    "-f lavfi -i testsrc2=size=320x180:rate=30000/1001 -frames:v 90 -vf \"" +
                        kPicture +
                        ",drawbox=c=white:t=fill:enable='eq(n,29)',"
                        "drawbox=c=black:t=fill:enable='between(n,40,69)'," +
                        kLegal10 + "\"" + kProres + "-timecode '01:00:59;00'");
    }

    // 24 fps without timecode, 72 frames, black 24..47.
    static std::string untimed() {
        return clip("untimed.mkv", "-f lavfi -i testsrc2=size=320x180:rate=24:duration=3 -vf \"" +
                                       kPicture +
                                       ",drawbox=c=black:t=fill:enable='between(n,24,47)'," +
                                       kLegal10 + "\" -c:v ffv1 -level 3");
    }

    // Half a second of clean moving picture.
    static std::string clean() {
        return clip("clean.mkv", "-f lavfi -i testsrc2=size=320x180:rate=24:duration=0.5 -vf \"" +
                                     kPicture + "," + kLegal10 + "\" -c:v ffv1 -level 3");
    }

    static inline std::unique_ptr<TempDir> media_;
    TempDir out_;
    int runs_ = 0;
};

// One EDL marker per JSON event, in order, at the event's start timecode (source and record),
// one frame long, with the event's colour, check, message and length.
void expect_edl_matches(const Edl& edl, const json& report, int nominal, const std::string& reel) {
    EXPECT_TRUE(edl.stray.empty()) << "lines that are not Resolve marker EDL:\n"
                                   << edl.stray.front();
    EXPECT_FALSE(edl.title.empty());
    const json& events = report["events"];
    ASSERT_EQ(edl.markers.size(), events.size()) << events.dump(1);
    for (std::size_t i = 0; i < events.size(); ++i) {
        const json& e = events[i];
        const EdlMarker& m = edl.markers[i];
        SCOPED_TRACE(e.dump());
        EXPECT_EQ(m.number, static_cast<int>(i + 1));
        EXPECT_EQ(m.reel, reel);
        EXPECT_EQ(m.src_in, e["start_tc"]);
        EXPECT_EQ(m.src_out, next_timecode(m.src_in, nominal));
        EXPECT_EQ(m.rec_in, m.src_in);
        EXPECT_EQ(m.rec_out, m.src_out);
        EXPECT_EQ(m.color, resolve_color(e["severity"]));
        EXPECT_EQ(m.name, e["check"].get<std::string>() + ": " + e["message"].get<std::string>());
        EXPECT_EQ(m.duration,
                  e["end_frame"].get<std::int64_t>() - e["start_frame"].get<std::int64_t>() + 1);
    }
}

// One CSV row per JSON event with its timecodes (end inclusive), frames, length, check,
// severity and message.
void expect_csv_matches(const std::string& text, const json& report) {
    const auto rows = parse_csv(text);
    ASSERT_FALSE(rows.empty()) << text;
    EXPECT_EQ(rows[0],
              (std::vector<std::string>{"timecode_in", "timecode_out", "frame_in", "frame_out",
                                        "duration_frames", "check", "severity", "message"}));
    const json& events = report["events"];
    ASSERT_EQ(rows.size(), events.size() + 1) << text;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const json& e = events[i];
        const auto& row = rows[i + 1];
        SCOPED_TRACE(e.dump());
        ASSERT_EQ(row.size(), 8u) << text;
        const auto first = e["start_frame"].get<std::int64_t>();
        const auto last = e["end_frame"].get<std::int64_t>();
        EXPECT_EQ(row[0], e["start_tc"]);
        EXPECT_EQ(row[1], e["end_tc"]);
        EXPECT_EQ(row[2], std::to_string(first));
        EXPECT_EQ(row[3], std::to_string(last));
        EXPECT_EQ(row[4], std::to_string(last - first + 1));
        EXPECT_EQ(row[5], e["check"]);
        EXPECT_EQ(row[6], e["severity"]);
        EXPECT_EQ(row[7], e["message"]);
    }
}

// The marker of the event of `check` whose first frame is `first` (or up to `last_first`), or
// null.
const EdlMarker* marker_at(const Edl& edl, const json& report, const std::string& check,
                           std::int64_t first, std::int64_t last_first = -1) {
    if (last_first < first) last_first = first;
    const json& events = report["events"];
    for (std::size_t i = 0; i < events.size() && i < edl.markers.size(); ++i) {
        const auto start = events[i]["start_frame"].get<std::int64_t>();
        if (events[i]["check"] == check && start >= first && start <= last_first)
            return &edl.markers[i];
    }
    ADD_FAILURE() << "no " << check << " event starting at frame " << first << ".." << last_first
                  << ":\n"
                  << events.dump(1);
    return nullptr;
}

// ---------------------------------------------------------------------------------------------

TEST_F(Markers, EdlAndCsvPlaceOneMarkerPerEventOfTheReport) {
    Run r;
    ASSERT_NO_FATAL_FAILURE(qc(r, planted()));
    EXPECT_EQ(r.exit_code, 1) << r.output;  // the black is an error
    ASSERT_EQ(r.report["video"]["start_tc"], "01:00:00:00");
    const Edl edl = parse_edl(r.edl);
    EXPECT_EQ(edl.fcm, "NON-DROP FRAME");
    EXPECT_NE(edl.title.find("planted.mov"), std::string::npos) << edl.title;
    // The reel from the timecode track, cut to CMX3600's 8 characters.
    expect_edl_matches(edl, r.report, 24, "A001C003");
    expect_csv_matches(r.csv, r.report);

    // The planted defects, each in its own colour.
    if (const auto* m = marker_at(edl, r.report, "black", 24)) {
        EXPECT_EQ(m->src_in, "01:00:01:00");
        EXPECT_EQ(m->src_out, "01:00:01:01");
        EXPECT_EQ(m->duration, 24);
        EXPECT_EQ(m->color, "ResolveColorRed");
    }
    // The frozen range starts at the original (72) or its first repeat (73), ends at 78.
    if (const auto* m = marker_at(edl, r.report, "freeze", 72, 73)) {
        EXPECT_TRUE((m->src_in == "01:00:03:00" && m->duration == 7) ||
                    (m->src_in == "01:00:03:01" && m->duration == 6))
            << m->src_in << " for " << m->duration;
        EXPECT_EQ(m->color, "ResolveColorYellow");
    }
    if (const auto* m = marker_at(edl, r.report, "flash", 100)) {
        EXPECT_EQ(m->src_in, "01:00:04:04");
        EXPECT_EQ(m->duration, 1);
        EXPECT_EQ(m->color, "ResolveColorBlue");
    }
}

TEST_F(Markers, DropFrameClipGivesADropFrameEdl) {
    Run r;
    ASSERT_NO_FATAL_FAILURE(qc(r, drop_frame()));
    ASSERT_EQ(r.report["video"]["start_tc"], "01:00:59;00");
    const Edl edl = parse_edl(r.edl);
    EXPECT_EQ(edl.fcm, "DROP FRAME");
    expect_edl_matches(edl, r.report, 30, "drop_fra");
    expect_csv_matches(r.csv, r.report);
    for (const auto& m : edl.markers)
        for (const auto& tc : {m.src_in, m.src_out, m.rec_in, m.rec_out})
            EXPECT_EQ(tc.find(':', 8), std::string::npos) << tc << " is not drop-frame";
    // The frame after 01:00:59;29 is 01:01:00;02: labels 00 and 01 do not exist.
    if (const auto* m = marker_at(edl, r.report, "flash", 29)) {
        EXPECT_EQ(m->src_in, "01:00:59;29");
        EXPECT_EQ(m->src_out, "01:01:00;02");
    }
    if (const auto* m = marker_at(edl, r.report, "black", 40)) {
        EXPECT_EQ(m->src_in, "01:01:00;12");
        EXPECT_EQ(m->duration, 30);
    }
}

TEST_F(Markers, ClipWithoutTimecodeCountsFromZero) {
    Run r;
    ASSERT_NO_FATAL_FAILURE(qc(r, untimed()));
    // The reader's rule for a file without timecode (docs/formats.md).
    ASSERT_EQ(r.report["video"]["start_tc"], "00:00:00:00");
    const Edl edl = parse_edl(r.edl);
    EXPECT_EQ(edl.fcm, "NON-DROP FRAME");
    expect_edl_matches(edl, r.report, 24, "untimed");
    expect_csv_matches(r.csv, r.report);
    if (const auto* m = marker_at(edl, r.report, "black", 24)) {
        EXPECT_EQ(m->src_in, "00:00:01:00");
        EXPECT_EQ(m->duration, 24);
    }
    const auto rows = parse_csv(r.csv);
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows[1][0], "00:00:01:00");
    EXPECT_EQ(rows[1][1], "00:00:01:23");
}

TEST_F(Markers, CleanClipGivesAHeaderAndNoMarkers) {
    Run r;
    ASSERT_NO_FATAL_FAILURE(qc(r, clean()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    ASSERT_TRUE(r.report["events"].empty()) << r.report["events"].dump(1);
    const Edl edl = parse_edl(r.edl);
    EXPECT_FALSE(edl.title.empty()) << r.edl;
    EXPECT_EQ(edl.fcm, "NON-DROP FRAME");
    EXPECT_TRUE(edl.markers.empty()) << r.edl;
    EXPECT_TRUE(edl.stray.empty()) << r.edl;
    EXPECT_EQ(r.csv,
              "timecode_in,timecode_out,frame_in,frame_out,duration_frames,check,severity,"
              "message\r\n");
}

TEST_F(Markers, FormatComesFromTheExtensionAnyCase) {
    const std::string edl = out_ / "M.EDL", csv = out_ / "m.Csv";
    // IN after a --markers: each occurrence takes one file.
    const auto r = cinepipe("qc -q --markers " + quote(edl) + " " + quote(clean()) + " --markers " +
                            quote(csv));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(parse_edl(test::read_file(edl)).fcm, "NON-DROP FRAME");
    EXPECT_EQ(parse_csv(test::read_file(csv)).size(), 1u);
}

TEST_F(Markers, BadNamesAreOneLineErrorsBeforeTheInputIsRead) {
    // The input does not exist: each error must come before the source is opened.
    const std::string missing = out_ / "missing.mov";
    const std::string report = out_ / "r.json";
    for (const std::string name : {"m.txt", "m.edl.bak", "m"}) {
        SCOPED_TRACE(name);
        expect_one_line_error(cinepipe("qc " + quote(missing) + " --json " + quote(report) +
                                       " --markers " + quote(out_ / name)),
                              2, out_ / name);
    }
    expect_one_line_error(cinepipe("qc " + quote(missing) + " --markers " + quote(out_ / "a.edl") +
                                   " --markers " + quote(out_ / "b.EDL")),
                          2, out_ / "b.EDL");
    expect_one_line_error(cinepipe("qc " + quote(missing) + " --json " + quote(out_ / "x.csv") +
                                   " --markers " + quote(out_ / "x.csv")),
                          2, out_ / "x.csv");
    EXPECT_EQ(out_.entries(), std::vector<std::string>{}) << "nothing may be written";
}

TEST_F(Markers, ExistingFileIsKeptWithoutOverwrite) {
    const std::string input = clean();
    const std::string edl = out_ / "m.edl", csv = out_ / "m.csv", report = out_ / "r.json";
    std::ofstream(edl) << "keep me";
    const std::string args = "qc -q " + quote(input) + " --json " + quote(report) + " --markers " +
                             quote(edl) + " --markers " + quote(csv);
    const auto r = cinepipe(args);
    expect_one_line_error(r, 3, edl);
    EXPECT_NE(r.output.find("--overwrite"), std::string::npos) << r.output;
    EXPECT_EQ(test::read_file(edl), "keep me");
    EXPECT_EQ(out_.entries(), std::vector<std::string>{"m.edl"}) << "nothing else written";

    const auto again = cinepipe(args + " --overwrite");
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_EQ(parse_edl(test::read_file(edl)).fcm, "NON-DROP FRAME") << test::read_file(edl);
    EXPECT_TRUE(std::filesystem::exists(csv));
}

TEST_F(Markers, UnwritableMarkerFileIsExitCode3) {
    const std::string edl = out_ / "no/such/folder/m.edl";
    expect_one_line_error(cinepipe("qc " + quote(clean()) + " --markers " + quote(edl)), 3,
                          "no/such/folder");
}

}  // namespace
}  // namespace cinepipe
