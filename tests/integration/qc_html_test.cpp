// `cinepipe qc --html` (docs/qc.md, "HTML report") opened in a real browser: a clip with
// defects planted at known frames goes through QC, then headless Chromium loads the page and
// its DOM must show the verdict, one row per event of the JSON report (each with a picture of
// the event's first frame), the plots, and no console errors. A screenshot is kept in the
// build tree (artifacts/qc_report.png) for a person to look at.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::quote;
using test::run_command;
using test::TempDir;

const std::string kArtifacts = CINEPIPE_ARTIFACT_DIR;

// scripts/install-deps.sh installs Debian's chromium; a machine without it is set up wrong,
// so the test fails rather than skips.
std::string chromium_binary() {
    for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
        if (std::filesystem::exists(candidate)) return candidate;
    const auto r = run_command("command -v chromium 2>/dev/null");
    if (r.exit_code == 0 && !r.output.empty()) return r.output.substr(0, r.output.find('\n'));
    return "";
}

struct Browser {
    int exit_code = -1;
    std::string out;  // --dump-dom's DOM
    std::string log;  // stderr, with console messages (--enable-logging=stderr)
};

// Headless Chromium on `page` with `extra` flags, its profile in `dir` so runs never share
// one.
Browser chromium(const TempDir& dir, const std::string& page, const std::string& extra) {
    static int run = 0;
    const std::string profile = dir / ("chromium-profile-" + std::to_string(run++));
    const std::string out = dir / "chromium.out";
    const std::string log = dir / "chromium.log";
    const auto r =
        run_command("timeout 60 " + quote(chromium_binary()) +
                    " --headless=new --no-sandbox --disable-gpu --enable-logging=stderr --v=0"
                    " --no-first-run --user-data-dir=" +
                    quote(profile) + " " + extra + " " + quote("file://" + page) + " >" +
                    quote(out) + " 2>" + quote(log));
    return {r.exit_code, test::read_file(out), test::read_file(log)};
}

// Console messages and uncaught exceptions: the page has no script, so there should be none.
std::vector<std::string> console_lines(const std::string& log) {
    std::vector<std::string> out;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);)
        if (line.find(":CONSOLE") != std::string::npos ||
            line.find("Uncaught") != std::string::npos)
            out.push_back(line);
    return out;
}

struct Row {
    std::string check, severity, html;
};

std::vector<Row> event_rows(const std::string& dom) {
    static const std::regex row(
        R"re(<tr class="event" data-check="([^"]*)" data-severity="([^"]*)">([\s\S]*?)</tr>)re");
    std::vector<Row> rows;
    for (auto it = std::sregex_iterator(dom.begin(), dom.end(), row); it != std::sregex_iterator();
         ++it)
        rows.push_back({(*it)[1], (*it)[2], (*it)[3]});
    return rows;
}

// The average luma (8-bit) of a row's thumbnail, measured by ffmpeg.
double thumbnail_luma(const TempDir& dir, const std::string& row_html) {
    static const std::regex img(R"(src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)\")");
    std::smatch m;
    if (!std::regex_search(row_html, m, img)) return -1;
    const std::string b64 = dir / "thumb.b64";
    std::ofstream(b64) << m[1].str();
    const auto r = run_command("base64 -d " + quote(b64) + " > " + quote(dir / "thumb.jpg") +
                               " && ffmpeg -v info -nostats -i " + quote(dir / "thumb.jpg") +
                               " -vf signalstats,metadata=print:key=lavfi.signalstats.YAVG "
                               "-f null - 2>&1");
    static const std::regex yavg(R"(YAVG=([0-9.]+))");
    if (!std::regex_search(r.output, m, yavg)) return -1;
    return std::stod(m[1].str());
}

class QcHtml : public ::testing::Test {
  protected:
    // 8 s at 24 fps, 320x180 limited-range 10-bit FFV1 with a -20 dBFS 1 kHz tone (lavfi's
    // sine is at 1/8 of full scale): a hard
    // cut to black over frames 48..71, frames 121..126 repeat frame 120 (a 6-frame freeze).
    // The tone is too loud for broadcast's -23 LUFS, a third event over the whole clip.
    std::string make_clip(const std::string& name) {
        const std::string path = dir_ / name;
        test::ffmpeg(
            "-f lavfi -i testsrc2=size=320x180:rate=24:duration=8 -f lavfi -i "
            "sine=frequency=1000:sample_rate=48000:duration=8 -filter_complex "
            "\"[0]hue=s=0.85,split[a][b];[a][b]freezeframes=first=121:last=126:replace=120,"
            "drawbox=c=black:t=fill:enable='between(n,48,71)',format=yuv422p10le,"
            "lutyuv=y='clip(val,64,940)':u='clip(val,64,960)':v='clip(val,64,960)'[v];"
            "[1]volume=0.8,pan=stereo|c0=c0|c1=c0[s]\" -map [v] -map [s] -c:v ffv1 -level 3 "
            "-c:a pcm_s24le " +
            quote(path));
        return path;
    }

    TempDir dir_;
};

TEST_F(QcHtml, ChromiumShowsTheVerdictEveryEventWithItsPictureAndThePlots) {
    const std::string browser = chromium_binary();
    ASSERT_FALSE(browser.empty())
        << "chromium is not installed: scripts/install-deps.sh installs it (Debian package "
           "`chromium`), and this test needs it to open the report";
    std::string clip;
    ASSERT_NO_FATAL_FAILURE(clip = make_clip("planted.mkv"));
    const std::string report = dir_ / "r.json";
    const std::string page = dir_ / "r.html";
    const auto r =
        cinepipe("qc -q " + quote(clip) + " --json " + quote(report) + " --html " + quote(page));
    ASSERT_EQ(r.exit_code, 1) << r.output;  // the black and the freeze fail broadcast
    const json j = json::parse(test::read_file(report));
    const std::string html = test::read_file(page);
    ASSERT_FALSE(html.empty());

    // Nothing outside the file: it must open offline, and sends nothing anywhere.
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("src=\"/"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);

    const Browser dom = chromium(dir_, page, "--dump-dom");
    ASSERT_EQ(dom.exit_code, 0) << dom.log;
    ASSERT_NE(dom.out.find("</html>"), std::string::npos) << "the page did not load:\n" << dom.log;
    EXPECT_EQ(console_lines(dom.log), std::vector<std::string>{});

    EXPECT_NE(dom.out.find("id=\"verdict\">FAIL<"), std::string::npos);
    EXPECT_EQ(j.value("verdict", ""), "fail");
    EXPECT_NE(dom.out.find("id=\"profile\">broadcast<"), std::string::npos);

    const auto rows = event_rows(dom.out);
    ASSERT_EQ(rows.size(), j["events"].size()) << j["events"].dump(1);
    std::set<std::string> checks;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const json& e = j["events"][i];
        EXPECT_EQ(rows[i].check, e.value("check", "")) << i;
        EXPECT_EQ(rows[i].severity, e.value("severity", "")) << i;
        EXPECT_NE(rows[i].html.find("<img src=\"data:image/jpeg;base64,/9j/"), std::string::npos)
            << "row " << i << " (" << rows[i].check << ") has no JPEG thumbnail";
        EXPECT_NE(rows[i].html.find(e.value("start_tc", "?")), std::string::npos) << i;
        checks.insert(rows[i].check);
    }
    EXPECT_TRUE(checks.count("black") && checks.count("freeze") && checks.count("loudness"))
        << j["events"].dump(1);

    // Each thumbnail is the event's first frame: the cut to black is black, the freeze is
    // the moving test pattern.
    for (const auto& row : rows) {
        if (row.check == "black") {
            EXPECT_LT(thumbnail_luma(dir_, row.html), 20);
        }
        if (row.check == "freeze") {
            EXPECT_GT(thumbnail_luma(dir_, row.html), 40);
        }
    }

    for (const char* plot : {"luma", "diff", "loudness", "peak"})
        EXPECT_NE(dom.out.find(std::string("<svg class=\"plot\" id=\"plot-") + plot + "\""),
                  std::string::npos)
            << plot;
    // Every event is marked on the timeline of every plot.
    static const std::regex marker(R"(<rect class="ev ev-\w+( clip)?" data-check=")");
    const auto markers = std::distance(std::sregex_iterator(dom.out.begin(), dom.out.end(), marker),
                                       std::sregex_iterator());
    EXPECT_EQ(markers, static_cast<long>(4 * rows.size()));

    // A picture of the page for a person: the build tree keeps it.
    std::filesystem::create_directories(kArtifacts);
    const std::string shot = kArtifacts + "/qc_report.png";
    std::filesystem::remove(shot);
    const Browser screenshot =
        chromium(dir_, page, "--screenshot=" + quote(shot) + " --window-size=1280,2400");
    EXPECT_EQ(screenshot.exit_code, 0) << screenshot.log;
    EXPECT_EQ(console_lines(screenshot.log), std::vector<std::string>{});
    ASSERT_TRUE(std::filesystem::exists(shot)) << screenshot.log;
    EXPECT_GT(std::filesystem::file_size(shot), 10000u);
}

TEST_F(QcHtml, JsonCarriesTheSoundPerFrameForThePlots) {
    std::string clip;
    ASSERT_NO_FATAL_FAILURE(clip = make_clip("tone.mkv"));
    const std::string report = dir_ / "r.json";
    const auto r = cinepipe("qc -q " + quote(clip) + " --json " + quote(report));
    ASSERT_EQ(r.exit_code, 1) << r.output;
    const json j = json::parse(test::read_file(report));
    ASSERT_TRUE(j.contains("per_frame_audio")) << test::read_file(report).substr(0, 400);
    const json& a = j["per_frame_audio"];
    EXPECT_EQ(a["fields"], json({"momentary_lufs", "short_term_lufs", "sample_peak_dbfs"}));
    // Sound may run on past the last picture: here Matroska's millisecond timestamps end the
    // last picture a few samples early, and those samples get a row of their own.
    ASSERT_GE(a["data"].size(), j["per_frame"]["data"].size());
    ASSERT_LE(a["data"].size(), j["per_frame"]["data"].size() + 1);
    // A steady tone at -20 dBFS on both channels: its peak every frame, loudness steady once
    // the windows are whole (none before 400 ms and 3 s).
    const double integrated = j["measurements"]["integrated_lufs"].get<double>();
    for (std::size_t i = 0; i < a["data"].size(); ++i) {
        const json& f = a["data"][i];
        EXPECT_NEAR(f[2].get<double>(), -20, 0.1) << i;
        // The first whole 400 ms window is read at 0.4 s (frame 9.6), the first 3 s one at 3 s
        // (the end of frame 71), give or take the millisecond timestamps' rounding.
        if (i < 9 || i >= 10) {
            EXPECT_EQ(f[0].is_null(), i < 9) << i;
        }
        if (i < 71 || i >= 73) {
            EXPECT_EQ(f[1].is_null(), i < 71) << i;
        }
        if (i >= 12 && !f[0].is_null()) {
            EXPECT_NEAR(f[0].get<double>(), integrated, 0.2) << i;
        }
        if (!f[1].is_null()) {
            EXPECT_NEAR(f[1].get<double>(), integrated, 0.2) << i;
        }
    }
}

TEST_F(QcHtml, PlotsOfALongClipAreReducedToAtMost1500Points) {
    // 90 s, 2160 frames of a tiny picture, a 1 s cut to black at the start of every 10 s.
    const std::string clip = dir_ / "long.mkv";
    ASSERT_NO_FATAL_FAILURE(test::ffmpeg(
        "-f lavfi -i testsrc2=size=64x36:rate=24:duration=90 -f lavfi -i "
        "sine=frequency=1000:sample_rate=48000:duration=90 -filter_complex "
        "\"[0]hue=s=0.85,drawbox=c=black:t=fill:enable='lt(mod(n,240),24)',format=yuv420p,"
        "lutyuv=y='clip(val,16,235)':u='clip(val,16,240)':v='clip(val,16,240)'[v]\" -map [v] "
        "-map 1:a -c:v ffv1 -c:a pcm_s16le " +
        quote(clip)));
    const std::string page = dir_ / "r.html";
    const std::string report = dir_ / "r.json";
    const auto r =
        cinepipe("qc -q " + quote(clip) + " --json " + quote(report) + " --html " + quote(page));
    ASSERT_EQ(r.exit_code, 1) << r.output;
    const std::string html = test::read_file(page);
    static const std::regex path(R"re(<path d="([^"]*)")re");
    int paths = 0;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), path);
         it != std::sregex_iterator(); ++it, ++paths) {
        const std::string d = (*it)[1];
        const auto points =
            std::count(d.begin(), d.end(), 'L') + std::count(d.begin(), d.end(), 'M');
        EXPECT_LE(points, 1500) << "path " << paths;
        EXPECT_GE(points, 1000) << "path " << paths;  // reduced, not thinned to nothing
    }
    EXPECT_EQ(paths, 3 + 1 + 2 + 1);  // luma min/avg/max, difference, loudness x2, peak
    // Every event has its row (a small picture has more: freezes in the slow parts).
    const json j = json::parse(test::read_file(report));
    const auto rows = event_rows(html);
    EXPECT_EQ(rows.size(), j["events"].size());
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                            [](const Row& row) { return row.check == "black"; }),
              9);
    // Only the first 100 distinct first frames get a picture.
    std::set<std::int64_t> first_frames, pictured;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto frame = j["events"][i]["start_frame"].get<std::int64_t>();
        first_frames.insert(frame);
        if (rows[i].html.find("<img src=\"data:image/jpeg") != std::string::npos)
            pictured.insert(frame);
    }
    EXPECT_EQ(pictured.size(), std::min<std::size_t>(first_frames.size(), 100));
    EXPECT_EQ(html.find("Pictures for the first 100") != std::string::npos,
              first_frames.size() > 100);
}

TEST_F(QcHtml, NamesFromTheMediaAreEscaped) {
    std::string clip;
    ASSERT_NO_FATAL_FAILURE(clip = make_clip("<b>cut & \"freeze\".mkv"));
    const std::string page = dir_ / "r.html";
    const auto r = cinepipe("qc -q " + quote(clip) + " --html " + quote(page));
    ASSERT_EQ(r.exit_code, 1) << r.output;
    const std::string html = test::read_file(page);
    EXPECT_EQ(html.find("<b>cut"), std::string::npos);
    EXPECT_NE(html.find("&lt;b&gt;cut &amp; &quot;freeze&quot;.mkv"), std::string::npos);
}

TEST_F(QcHtml, ExistingReportIsKeptWithoutOverwrite) {
    std::string clip;
    ASSERT_NO_FATAL_FAILURE(clip = make_clip("c.mkv"));
    const std::string page = dir_ / "r.html";
    std::ofstream(page) << "keep me";
    test::expect_one_line_error(cinepipe("qc " + quote(clip) + " --html " + quote(page)), 3,
                                "--overwrite");
    EXPECT_EQ(test::read_file(page), "keep me");
    const auto r = cinepipe("qc -q " + quote(clip) + " --html " + quote(page) + " --overwrite");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(test::read_file(page).rfind("<!DOCTYPE html>", 0), 0u);
}

TEST_F(QcHtml, UnwritableReportIsExitCode3AndTheSamePathTwiceIsRefused) {
    std::string clip;
    ASSERT_NO_FATAL_FAILURE(clip = make_clip("c.mkv"));
    test::expect_one_line_error(
        cinepipe("qc " + quote(clip) + " --html " + quote(dir_ / "no/such/folder/r.html")), 3,
        "no/such/folder");
    test::expect_one_line_error(cinepipe("qc " + quote(clip) + " --json " + quote(dir_ / "r") +
                                         " --html " + quote(dir_ / "r")),
                                2, "same file");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "r"));
}

}  // namespace
}  // namespace cinepipe
