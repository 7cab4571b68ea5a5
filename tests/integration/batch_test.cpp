// `cinepipe batch`: a generated shoot day (camera clips with per-shot CDLs in a .ccc, the show
// LUT, a corrupt clip in the middle) delivered, killed and resumed, checked with ffprobe,
// framemd5 against `cinepipe grade`, and the ASC MHL against a flipped byte.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli_support.h"

namespace fs = std::filesystem;
using cinepipe::test::ffprobe;
using cinepipe::test::quote;
using cinepipe::test::TempDir;
using nlohmann::json;

namespace {

cinepipe::test::CommandResult run_cinepipe(const std::string& args) {
    return cinepipe::test::cinepipe(args);
}

const std::string kLut = std::string(CINEPIPE_SOURCE_DIR) + "/samples/luts/show_look.cube";

// Camera clips A001C001..A001C005 (C003 corrupt), 2 s of 320x180 ProRes with sound and a start
// timecode each, and the day's .ccc with a correction per camera clip id.
class Batch : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<TempDir>();
        cards_ = *dir_ / "cards";
        fs::create_directories(fs::path(cards_) / "A001R1AB");
        const char* patterns[] = {"testsrc2", "smptebars", "mandelbrot", "rgbtestsrc", "testsrc"};
        for (int i = 1; i <= 5; ++i) {
            const std::string clip = (fs::path(cards_) / "A001R1AB" / fmt_clip(i)).string();
            if (i == 3) {
                // Plausible name, damaged content: a ProRes file cut in the middle of its
                // header and padded with noise.
                const std::string good = *dir_ / "good.mov";
                make_clip(good, patterns[0], i);
                std::string bytes = cinepipe::test::read_file(good);
                bytes.resize(bytes.size() / 3);
                for (std::size_t k = 0; k < bytes.size(); k += 7)
                    bytes[k] = static_cast<char>(k * 31);
                std::ofstream(clip, std::ios::binary) << bytes;
                continue;
            }
            make_clip(clip, patterns[i - 1], i);
        }
        ccc_ = *dir_ / "day01.ccc";
        std::ofstream ccc(ccc_);
        ccc << "<ColorCorrectionCollection xmlns=\"urn:ASC:CDL:v1.01\">\n";
        for (int i = 1; i <= 5; ++i)
            ccc << "<ColorCorrection id=\"A001C00" << i << "\"><SOPNode><Slope>" << 1 + 0.05 * i
                << " 1 " << 1 - 0.04 * i << "</Slope><Offset>0.01 0 -0.01</Offset><Power>1 "
                << 1 + 0.02 * i << " 1</Power></SOPNode><SatNode><Saturation>" << 1 - 0.05 * i
                << "</Saturation></SatNode></ColorCorrection>\n";
        ccc << "</ColorCorrectionCollection>\n";
    }
    static void TearDownTestSuite() { dir_.reset(); }

    static std::string fmt_clip(int i) {
        return "A001C00" + std::to_string(i) + "_201125_R1AB.mov";
    }
    static std::string clip(int i) {
        return (fs::path(cards_) / "A001R1AB" / fmt_clip(i)).string();
    }

    static void make_clip(const std::string& path, const std::string& pattern, int i) {
        cinepipe::test::ffmpeg("-f lavfi -i " + pattern +
                               "=size=320x180:rate=24:duration=2 -f lavfi -i "
                               "\"sine=frequency=" +
                               std::to_string(300 + 100 * i) +
                               ":sample_rate=48000:duration=2\" -c:v prores_ks -profile:v 3 "
                               "-pix_fmt yuv422p10le -c:a pcm_s24le -timecode 1" +
                               std::to_string(i) + ":00:00:00 " + quote(path));
    }

    // A job over the cards into `out`, with `extra` lines appended at the top level.
    static std::string write_job(const TempDir& d, const std::string& outputs_extra = "",
                                 const std::string& extra = "") {
        const std::string job = d / "day01.yaml";
        std::ofstream(job) << "version: 1\nname: day01\nsources:\n  - folder: " << cards_
                           << "\ngrade:\n  cdl: " << ccc_ << "\n  lut: " << kLut
                           << "\nqc: dailies\noutputs:\n  folder: " << (d / "out")
                           << "\n  master:\n    preset: prores-422-hq\n    name: "
                              "\"{reel}_{clip}_{tc}\"\n  proxy:\n    preset: review-720\n    "
                              "burnin: timecode,clip\n  thumbnails: true\n"
                           << outputs_extra << extra;
        return job;
    }

    static json report(const TempDir& d) {
        return json::parse(cinepipe::test::read_file(d / "out/day01_report.json"));
    }

    static int frames(const std::string& path) {
        const auto j = ffprobe(
            "-count_packets -select_streams v:0 -show_entries "
            "stream=nb_read_packets " +
            quote(path));
        return std::stoi(j["streams"][0]["nb_read_packets"].get<std::string>());
    }

    // Every file below `root`, relative, except the batch's own state and the MHL history.
    static std::set<std::string> files_below(const std::string& root) {
        std::set<std::string> out;
        for (const auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file()) out.insert(fs::relative(e.path(), root).string());
        return out;
    }

    // `batch JOB -j 1 --threads 1` started in the background (its output in d/first.log).
    static pid_t start_in_background(const TempDir& d, const std::string& job) {
        const std::string pid_file = d / "pid";
        std::system(("(" + quote(cinepipe::test::kCinepipe) + " batch " + quote(job) +
                     " -j 1 --threads 1 --progress none > " + quote(d / "first.log") +
                     " 2>&1 & echo $! > " + quote(pid_file) + ")")
                        .c_str());
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return std::stoi(cinepipe::test::read_file(pid_file));
    }

    static inline std::unique_ptr<TempDir> dir_;
    static inline std::string cards_, ccc_;
};

TEST_F(Batch, DeliversEveryGoodClipWithItsOwnGradeAndReportsTheCorruptOne) {
    TempDir d;
    const std::string job = write_job(d);
    const auto r = run_cinepipe("batch " + quote(job) + " -j 2");
    // The corrupt clip in the middle fails (exit 2); the four around it are delivered.
    ASSERT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("A001C003_201125_R1AB"), std::string::npos) << r.output;
    const json rep = report(d);
    EXPECT_EQ(rep["schema"], "cinepipe.batch/1");
    EXPECT_EQ(rep["summary"]["clips"], 5);
    EXPECT_EQ(rep["summary"]["failed"], 1);
    EXPECT_EQ(rep["summary"]["done"].get<int>() + rep["summary"]["qc_failed"].get<int>(), 4);
    for (const auto& c : rep["clips"]) {
        const std::string name = c["name"];
        if (name.starts_with("A001C003")) {
            EXPECT_EQ(c["status"], "failed");
            EXPECT_NE(c["message"].get<std::string>().find(fmt_clip(3)), std::string::npos) << c;
            EXPECT_TRUE(c["outputs"].empty()) << c;
            continue;
        }
        EXPECT_NE(c["status"], "failed") << c;
        const int i = name[7] - '0';
        // {reel}_{clip}_{tc}: the reel from the camera roll of the name, the clip's timecode.
        const std::string master =
            d / ("out/masters/A001_" + name + "_1" + std::to_string(i) + "-00-00-00.mov");
        const std::string proxy = d / ("out/proxies/" + name + ".mp4");
        ASSERT_TRUE(fs::exists(master)) << master;
        ASSERT_TRUE(fs::exists(proxy)) << proxy;
        EXPECT_EQ(frames(master), 48);
        EXPECT_EQ(frames(proxy), 48);
        EXPECT_EQ(cinepipe::test::ffprobe_timecode(master), "1" + std::to_string(i) + ":00:00:00");
        const auto v =
            ffprobe("-select_streams v:0 -show_entries stream=codec_name,width,pix_fmt " +
                    quote(proxy))["streams"][0];
        EXPECT_EQ(v["codec_name"], "h264");
        EXPECT_EQ(v["width"], 320);  // review-720 never enlarges
        EXPECT_TRUE(fs::exists(d / ("out/thumbnails/" + name + "_sheet.jpg")));
        EXPECT_TRUE(fs::exists(d / ("out/qc/" + name + "_qc.json")));
        EXPECT_EQ(c["grade"]["id"], "A001C00" + std::to_string(i));
        EXPECT_EQ(c["grade"]["matched_by"], "camera clip id");
        // Each output is listed with its size and xxh64.
        std::set<std::string> listed;
        for (const auto& o : c["outputs"]) {
            listed.insert(o["path"].get<std::string>());
            EXPECT_EQ(o["size"].get<std::int64_t>(),
                      static_cast<std::int64_t>(
                          fs::file_size(d / ("out/" + o["path"].get<std::string>()))));
            EXPECT_EQ(o["xxh64"].get<std::string>().size(), 16U);
        }
        EXPECT_EQ(listed.size(), 6U) << c;  // master, proxy, poster, sheet, QC json and html
    }
    // The per-shot grade is exactly what `cinepipe grade` gives for that clip: same frames.
    const std::string graded = d / "graded.mov";
    const auto g = run_cinepipe("grade -q " + quote(clip(2)) + " --cdl " + quote(ccc_) + " --lut " +
                                quote(kLut) + " -o " + quote(graded) + " --codec prores_hq");
    ASSERT_EQ(g.exit_code, 0) << g.output;
    const auto md5 = [](const std::string& f) {
        return cinepipe::test::run_command("ffmpeg -v error -i " + quote(f) +
                                           " -map 0:v -f framemd5 -")
            .output;
    };
    EXPECT_EQ(md5(d / "out/masters/A001_A001C002_201125_R1AB_12-00-00-00.mov"), md5(graded));
    // Nothing temporary is left, and no file beyond what the report lists.
    for (const auto& f : files_below(d / "out"))
        EXPECT_EQ(f.find(".cinepipe-tmp-"), std::string::npos) << f;
    // The ASC MHL verifies, and catches one flipped byte in a proxy.
    const auto ok = run_cinepipe("verify " + quote(d / "out"));
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    const std::string victim = d / "out/proxies/A001C004_201125_R1AB.mp4";
    {
        std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(victim) / 2));
        char c = 0;
        f.read(&c, 1);
        f.seekp(static_cast<std::streamoff>(fs::file_size(victim) / 2));
        c = static_cast<char>(c ^ 0x01);
        f.write(&c, 1);
    }
    const auto bad = run_cinepipe("verify " + quote(d / "out"));
    EXPECT_EQ(bad.exit_code, 1) << bad.output;
    EXPECT_NE(bad.output.find("A001C004_201125_R1AB.mp4"), std::string::npos) << bad.output;
}

// SIGTERM (a farm's stop, `kill`) mid-batch: the batch stops within seconds, removes every
// temporary, and --resume then delivers the rest.
TEST_F(Batch, TerminatedMidwayStopsPromptlyAndResumes) {
    TempDir d;
    const std::string job = write_job(d);
    const pid_t pid = start_in_background(d, job);
    // Stop while an output is being written (its temporary exists).
    const auto writing = [&] {
        for (const auto& f : files_below(d / "out"))
            if (f.find("cinepipe-tmp") != std::string::npos) return true;
        return false;
    };
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < until && !writing())
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(writing()) << "the batch never started writing";
    const auto sent = std::chrono::steady_clock::now();
    ::kill(pid, SIGTERM);
    until = sent + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until && ::kill(pid, 0) == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_NE(::kill(pid, 0), 0) << "still running 20 s after SIGTERM";
    const double stop_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    RecordProperty("stop_ms", static_cast<int>(stop_s * 1000));
    const std::string log = cinepipe::test::read_file(d / "first.log");
    EXPECT_NE(log.find("interrupted"), std::string::npos) << log;
    EXPECT_FALSE(writing()) << "a temporary was left behind";
    const auto r = run_cinepipe("batch " + quote(job) + " --resume --progress json");
    ASSERT_EQ(r.exit_code, 2) << r.output;  // only the corrupt clip fails
    const json rep = report(d);
    EXPECT_EQ(rep["summary"]["failed"], 1);
    EXPECT_EQ(rep["summary"]["not_run"], 0);
    for (const auto& c : rep["clips"])
        for (const auto& o : c["outputs"]) {
            const std::string f = o["path"].get<std::string>();
            if (f.ends_with(".mov") || f.ends_with(".mp4")) {
                EXPECT_EQ(frames(d / ("out/" + f)), 48) << f;
            }
        }
    EXPECT_EQ(run_cinepipe("verify " + quote(d / "out")).exit_code, 0);
}

TEST_F(Batch, KilledMidwayThenResumedDeliversEverythingOnceWithNothingPartial) {
    TempDir d;
    const std::string job = write_job(d);
    // kill -9 as soon as the first clip's record exists: the second clip is then in work.
    const pid_t pid = start_in_background(d, job);
    // A record is committed when it has its final name (".NAME.json.tmp-PID" is one being
    // written, which the kill may well interrupt).
    const fs::path records = d / "out/.cinepipe/day01/clips";
    const auto committed = [&] {
        std::error_code ec;
        for (fs::directory_iterator it(records, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".json" && it->path().filename().string()[0] != '.')
                return true;
        return false;
    };
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < until && !committed())
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // (Should the batch have finished already on a slow machine, the checks below still hold.)
    ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // Whatever sits at a final name is a whole file.
    for (const auto& f : files_below(d / "out")) {
        const bool media = f.ends_with(".mov") || f.ends_with(".mp4");
        if (media && fs::path(f).filename().string().front() != '.') {
            EXPECT_EQ(frames(d / ("out/" + f)), 48) << f;
        }
    }
    const auto again = run_cinepipe("batch " + quote(job));
    EXPECT_NE(again.output.find("--resume"), std::string::npos) << again.output;
    EXPECT_EQ(again.exit_code, 3) << again.output;
    const auto r = run_cinepipe("batch " + quote(job) + " --resume --progress json");
    ASSERT_EQ(r.exit_code, 2) << r.output;  // only the corrupt clip fails
    const json rep = report(d);
    EXPECT_EQ(rep["summary"]["failed"], 1);
    EXPECT_EQ(rep["summary"]["not_run"], 0);
    // Exactly the expected files: four clips' six outputs, no leftovers, no duplicates.
    std::set<std::string> expected;
    for (const auto& c : rep["clips"])
        for (const auto& o : c["outputs"]) expected.insert(o["path"].get<std::string>());
    EXPECT_EQ(expected.size(), 24U);
    std::set<std::string> found;
    for (const auto& f : files_below(d / "out"))
        if (!f.starts_with(".cinepipe") && !f.starts_with("ascmhl") &&
            !f.starts_with("day01_report"))
            found.insert(f);
    EXPECT_EQ(found, expected);
    for (const auto& f : expected) {
        if (f.ends_with(".mov") || f.ends_with(".mp4")) {
            EXPECT_EQ(frames(d / ("out/" + f)), 48) << f;
        }
    }
    EXPECT_EQ(run_cinepipe("verify " + quote(d / "out")).exit_code, 0);
    // The clip finished before the kill was not made again.
    EXPECT_NE(r.output.find("\"status\":\"skipped\""), std::string::npos) << r.output;
}

TEST_F(Batch, ChangedGradeRedoesOnlyThatClipOnResume) {
    TempDir d;
    // The job reads its own copy of the day's .ccc, so the test can change one grade.
    const std::string ccc = d / "day01.ccc";
    fs::copy_file(ccc_, ccc);
    const std::string job = write_job(d);
    std::string text = cinepipe::test::read_file(job);
    text.replace(text.find(ccc_), ccc_.size(), ccc);
    std::ofstream(job) << text;
    ASSERT_EQ(run_cinepipe("batch " + quote(job) + " --progress none").exit_code, 2);
    const auto hashes = [&] {
        std::map<std::string, std::string> m;
        // Held by name: a range-for over a member of a temporary reads freed memory (C++20).
        const auto r = report(d);
        for (const auto& c : r["clips"])
            for (const auto& o : c["outputs"]) m[o["path"].get<std::string>()] = o["xxh64"];
        return m;
    };
    const auto before = hashes();
    const auto resume = [&](int expect_skipped, int expect_redone) {
        const auto r = run_cinepipe("batch " + quote(job) + " --resume --progress json");
        ASSERT_EQ(r.exit_code, 2) << r.output;
        int skipped = 0, redone = 0;
        std::istringstream lines(r.output);
        for (std::string line; std::getline(lines, line);) {
            if (line.empty() || line.front() != '{') continue;
            const json e = json::parse(line);  // every line of --progress json is one object
            if (e["event"] == "clip_done") (e["status"] == "skipped" ? skipped : redone)++;
        }
        EXPECT_EQ(skipped, expect_skipped) << r.output;
        EXPECT_EQ(redone, expect_redone) << r.output;
        EXPECT_NE(r.output.find("\"event\":\"done\""), std::string::npos) << r.output;
    };
    // Nothing changed: every delivered clip is skipped; the corrupt one is tried again.
    resume(4, 1);
    // A001C002's slope changes in the .ccc: that clip alone is made again.
    text = cinepipe::test::read_file(ccc);
    const std::string old_grade = "<ColorCorrection id=\"A001C002\"><SOPNode><Slope>1.1 ";
    ASSERT_NE(text.find(old_grade), std::string::npos) << text;
    text.replace(text.find(old_grade), old_grade.size(),
                 "<ColorCorrection id=\"A001C002\"><SOPNode><Slope>1.3 ");
    std::ofstream(ccc) << text;
    resume(3, 2);
    const auto after = hashes();
    ASSERT_EQ(before.size(), after.size());
    for (const auto& [path, hash] : before) {
        if (path.find("A001C002") != std::string::npos && path.ends_with(".mov")) {
            EXPECT_NE(after.at(path), hash) << path;  // the new grade
        } else if (path.find("A001C002") == std::string::npos) {
            EXPECT_EQ(after.at(path), hash) << path;  // untouched
        }
    }
}

TEST_F(Batch, DryRunValidatesAndPrintsThePlanWithoutWriting) {
    TempDir d;
    const std::string job = write_job(d);
    const auto r = run_cinepipe("batch " + quote(job) + " --dry-run");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("5 clips"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("UNREADABLE"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("A001_A001C005_201125_R1AB_15-00-00-00.mov"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("camera clip id"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(d / "out"));
    // Per-clip CDL files in a folder, named by camera clip id; a clip without one is named.
    fs::create_directories(d / "cdls");
    for (int i : {1, 2, 4, 5})
        std::ofstream(d / ("cdls/A001C00" + std::to_string(i) + ".cdl"))
            << "<ColorDecisionList xmlns=\"urn:ASC:CDL:v1.01\"><ColorDecision><ColorCorrection "
               "id=\"cc"
            << i
            << "\"><SOPNode><Slope>1.1 1 1</Slope><Offset>0 0 0</Offset><Power>1 1 1"
               "</Power></SOPNode></ColorCorrection></ColorDecision></ColorDecisionList>\n";
    std::ofstream(d / "folder.yaml") << "sources: [" << cards_ << "]\ngrade: {cdl_folder: cdls}\n"
                                     << "outputs: {folder: out, master: {preset: prores-422-hq}}\n";
    const auto f = run_cinepipe("batch " + quote(d / "folder.yaml") + " --dry-run");
    // The corrupt clip cannot be probed, so it is not a grade problem; the others match.
    EXPECT_EQ(f.exit_code, 0) << f.output;
    EXPECT_NE(f.output.find("grade cc4 (only correction"), std::string::npos) << f.output;
    std::filesystem::remove(d / "cdls/A001C004.cdl");
    const auto missing = run_cinepipe("batch " + quote(d / "folder.yaml") + " --dry-run");
    cinepipe::test::expect_one_line_error(missing, 2, "A001C004_201125_R1AB");
}

TEST_F(Batch, BadJobsAreOneLineErrorsNamingTheFileAndLine) {
    TempDir d;
    const auto expect_error = [&](const std::string& text, const std::string& must) {
        const std::string job = d / "bad.yaml";
        std::ofstream(job) << text;
        const auto r = run_cinepipe("batch " + quote(job));
        cinepipe::test::expect_one_line_error(r, 2, must);
        EXPECT_FALSE(fs::exists(d / "o")) << text;
    };
    const std::string src = "sources: [" + cards_ + "]\n";
    expect_error(src + "outputs:\n  folder: o\n  masterr: {preset: prores-422-hq}\n",
                 "bad.yaml:4: outputs: unknown key 'masterr'");
    expect_error(src + "outputs:\n  folder: o\n  master: {preset: prores-9000}\n",
                 "bad.yaml:4: outputs.master.preset");
    expect_error(src +
                     "grade:\n  lut: missing.cube\noutputs:\n  folder: o\n  master: {preset: "
                     "prores-422-hq}\n",
                 "missing.cube: no such file");
    expect_error(
        "sources:\n  - folder: nowhere\noutputs:\n  folder: o\n  master: {preset: prores-422-hq}\n",
        "bad.yaml:2: sources folder");
    expect_error(
        src + "outputs:\n  folder: o\n  master: {preset: prores-422-hq, name: \"{reel}\"}\n",
        "outputs collide");
    expect_error(
        src + "outputs:\n  folder: o\n  master: {preset: prores-422-hq, name: \"{scene}\"}\n",
        "unknown field {scene}");
    expect_error(src + "outputs:\n  folder: o\n  master: {preset: prores-422-hq, folder: ../x}\n",
                 "leaves outputs.folder");
    expect_error(
        src + "outputs:\n  folder: o\n  master: {preset: prores-422-hq, name: \"{clip}.mp4\"}\n",
        "preset prores-422-hq writes");
    // A .ccc without the clips' ids: every unmatched clip is named up front.
    const std::string lonely = d / "lonely.ccc";
    std::ofstream(lonely)
        << "<ColorCorrectionCollection xmlns=\"urn:ASC:CDL:v1.01\">"
           "<ColorCorrection id=\"Z999C999\"><SOPNode><Slope>1 1 1</Slope>"
           "<Offset>0 0 0</Offset><Power>1 1 1</Power></SOPNode>"
           "</ColorCorrection><ColorCorrection id=\"Z999C998\"><SOPNode><Slope>1 1 1</Slope>"
           "<Offset>0 0 0</Offset><Power>1 1 1</Power></SOPNode>"
           "</ColorCorrection></ColorCorrectionCollection>";
    expect_error(
        src +
            "grade: {cdl: lonely.ccc}\noutputs:\n  folder: o\n  master: {preset: prores-422-hq}\n",
        "have no grade in");
    expect_error("sources: [" + cards_ + "]\n  bad: [\n", "bad.yaml:");
    // Command-line mistakes are one line too, before any work.
    const std::string good = write_job(d);
    cinepipe::test::expect_one_line_error(
        run_cinepipe("batch " + quote(good) + " --resume --overwrite"), 2, "not both");
    cinepipe::test::expect_one_line_error(run_cinepipe("batch " + quote(good) + " --task 9"), 2,
                                          "--task 9: the job has 5 clips");
    EXPECT_FALSE(fs::exists(d / "out"));
}

TEST_F(Batch, SyncLaysEachClipsSoundRollInAtTheFoundSample) {
    // Two sound rolls of speech-like noise; two camera clips whose scratch sound is a quiet,
    // low-passed, hissy piece of one of them, and a third clip whose sound is in neither.
    TempDir d;
    fs::create_directories(d / "rolls");
    fs::create_directories(d / "cards");
    for (int roll = 1; roll <= 2; ++roll)
        cinepipe::test::ffmpeg(
            "-f lavfi -i \"anoisesrc=color=pink:duration=20:seed=" + std::to_string(10 + roll) +
            ":sample_rate=48000,volume='0.2+0.8*abs(sin(2*PI*2.3*t)*sin(2*PI*0.7*t))'"
            ":eval=frame\" -ac 2 -c:a pcm_s24le " +
            quote(d / ("rolls/T00" + std::to_string(roll) + ".wav")));
    const auto camera = [&](const std::string& name, const std::string& roll, long start) {
        cinepipe::test::ffmpeg(
            "-f lavfi -i testsrc2=size=160x90:rate=24:duration=4 -i " + quote(roll) +
            " -f lavfi -i anoisesrc=color=white:amplitude=0.02:seed=3:sample_rate=48000:duration=4"
            " -filter_complex \"[1:a]pan=mono|c0=c0,atrim=start_sample=" +
            std::to_string(start) +
            ",asetpts=PTS-STARTPTS,atrim=duration=4,lowpass=f=4000,volume=0.3[s];[s][2:a]amix="
            "inputs=2:normalize=0[a]\" -map 0:v -map \"[a]\" -c:v prores_ks -c:a pcm_s16le " +
            quote(d / ("cards/" + name)));
    };
    camera("A001C001.mov", d / "rolls/T002.wav", 300000);
    camera("A001C002.mov", d / "rolls/T001.wav", 123457);
    cinepipe::test::ffmpeg(
        "-f lavfi -i testsrc2=size=160x90:rate=24:duration=4 -f lavfi -i "
        "anoisesrc=color=brown:seed=99:sample_rate=48000:duration=4 -c:v "
        "prores_ks -c:a pcm_s16le " +
        quote(d / "cards/A001C003.mov"));
    const std::string job = d / "sync.yaml";
    std::ofstream(job)
        << "name: day01\nsources: [cards]\nsync: {sound_rolls: rolls}\noutputs:\n  folder: out\n"
           "  master: {preset: prores-422-hq}\n  proxy: {preset: review-720}\n";
    const auto r = run_cinepipe("batch " + quote(job) + " -j 2 --progress none");
    ASSERT_EQ(r.exit_code, 0) << r.output;  // an unmatched clip is a warning, not a failure
    const json rep = report(d);
    const auto& c1 = rep["clips"][0];
    const auto& c2 = rep["clips"][1];
    const auto& c3 = rep["clips"][2];
    EXPECT_EQ(fs::path(c1["sync"]["roll"].get<std::string>()).filename(), "T002.wav") << c1;
    EXPECT_EQ(fs::path(c2["sync"]["roll"].get<std::string>()).filename(), "T001.wav") << c2;
    // The camera mic's low-pass delays its sound by a few samples: that is the material.
    EXPECT_NEAR(c1["sync"]["offset_samples"].get<double>(), 300000, 6) << c1;
    EXPECT_NEAR(c2["sync"]["offset_samples"].get<double>(), 123457, 6) << c2;
    EXPECT_TRUE(c3["sync"]["roll"].is_null()) << c3;
    EXPECT_FALSE(c3["warnings"].empty()) << c3;
    // The master carries the roll's two 24-bit channels, sample for sample what `sync -o`
    // lays in at the same place; the proxy has them as AAC stereo.
    const std::string master = d / "out/masters/A001C002.mov";
    const auto a = ffprobe("-select_streams a -show_entries stream=codec_name,channels " +
                           quote(master))["streams"];
    ASSERT_EQ(a.size(), 1U);
    EXPECT_EQ(a[0]["codec_name"], "pcm_s24le");
    EXPECT_EQ(a[0]["channels"], 2);
    const std::string laid = d / "laid.mov";
    const auto s = run_cinepipe("sync " + quote(d / "cards/A001C002.mov") + " --audio " +
                                quote(d / "rolls/T001.wav") + " -o " + quote(laid));
    ASSERT_EQ(s.exit_code, 0) << s.output;
    const auto audio_md5 = [](const std::string& f) {
        return cinepipe::test::run_command("ffmpeg -v error -i " + quote(f) + " -map 0:a -f md5 -")
            .output;
    };
    EXPECT_EQ(audio_md5(master), audio_md5(laid));
    const auto p = ffprobe("-select_streams a -show_entries stream=codec_name,channels " +
                           quote(d / "out/proxies/A001C002.mp4"))["streams"];
    ASSERT_EQ(p.size(), 1U);
    EXPECT_EQ(p[0]["codec_name"], "aac");
    EXPECT_EQ(p[0]["channels"], 2);
}

// A throwaway one-node Slurm cluster (scripts/slurm-local.sh), stopped however the test ends.
class LocalSlurm {
  public:
    explicit LocalSlurm(const std::string& state) : state_(state) {
        const auto r = cinepipe::test::run_command(script() + " start " + quote(state_) + " 2>&1");
        started_ = r.exit_code == 0;
        output_ = r.output;
    }
    ~LocalSlurm() { cinepipe::test::run_command(script() + " stop " + quote(state_) + " 2>&1"); }
    LocalSlurm(const LocalSlurm&) = delete;
    LocalSlurm& operator=(const LocalSlurm&) = delete;
    [[nodiscard]] bool started() const { return started_; }
    [[nodiscard]] const std::string& output() const { return output_; }
    [[nodiscard]] std::string env() const {
        return "SLURM_CONF=" + quote(state_ + "/slurm.conf") + " ";
    }

  private:
    static std::string script() {
        return quote(std::string(CINEPIPE_SOURCE_DIR) + "/scripts/slurm-local.sh");
    }
    std::string state_;
    bool started_ = false;
    std::string output_;
};

TEST_F(Batch, OnSlurmAJobArrayDeliversWhatALocalRunDelivers) {
    TempDir d;
    // The same job twice, into two output folders: locally, and as a Slurm job array.
    const auto job_into = [&](const std::string& name) {
        const std::string job = d / (name + ".yaml");
        std::ofstream(job) << "version: 1\nname: day01\nsources:\n  - folder: " << cards_
                           << "\ngrade:\n  cdl: " << ccc_ << "\n  lut: " << kLut
                           << "\nqc: dailies\noutputs:\n  folder: " << (d / name)
                           << "\n  master: {preset: prores-422-hq}\n  proxy: {preset: review-720, "
                              "burnin: timecode}\n";
        return job;
    };
    const auto local =
        run_cinepipe("batch " + quote(job_into("local")) + " --threads 1 --progress none");
    ASSERT_EQ(local.exit_code, 2) << local.output;  // the corrupt clip
    LocalSlurm slurm(d / "slurm-state");
    ASSERT_TRUE(slurm.started()) << slurm.output();
    const auto r = cinepipe::test::run_command(slurm.env() + quote(cinepipe::test::kCinepipe) +
                                               " batch " + quote(job_into("cluster")) +
                                               " --slurm --wait --threads 1 2>&1");
    // The merge job's exit code: the corrupt clip failed there too.
    ASSERT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("Slurm array job"), std::string::npos) << r.output;
    const auto outputs = [](const json& rep) {
        std::map<std::string, std::pair<std::int64_t, std::string>> m;
        for (const auto& c : rep["clips"])
            for (const auto& o : c["outputs"])
                m[o["path"].get<std::string>()] = {o["size"].get<std::int64_t>(),
                                                   o["xxh64"].get<std::string>()};
        return m;
    };
    const json a = json::parse(cinepipe::test::read_file(d / "local/day01_report.json"));
    const json b = json::parse(cinepipe::test::read_file(d / "cluster/day01_report.json"));
    EXPECT_EQ(a["summary"], b["summary"]);
    const auto la = outputs(a), lb = outputs(b);
    EXPECT_EQ(la.size(), 16U);  // four clips: master, proxy, QC json and html
    // The same files; the ProRes masters byte for byte. The H.264 proxies are compared by what
    // ffprobe sees: Debian's libx264 (core 164) reads uninitialised memory in its macroblock-tree
    // rate control on some pictures, so its bytes differ between two runs of the same command,
    // also with ffmpeg itself (docs/batch.md).
    ASSERT_EQ(la.size(), lb.size());
    for (const auto& [path, v] : la) {
        ASSERT_TRUE(lb.count(path)) << path;
        if (path.ends_with(".mov")) {
            EXPECT_EQ(v, lb.at(path)) << path;
        }
        if (path.ends_with(".mp4")) {
            const std::string entries =
                "-show_entries stream=codec_name,width,height,nb_frames,"
                "pix_fmt,channels:stream_tags=timecode ";
            EXPECT_EQ(ffprobe(entries + quote(d / ("local/" + path))),
                      ffprobe(entries + quote(d / ("cluster/" + path))))
                << path;
        }
    }
    // Each clip ran as its own array task: its log is there.
    int logs = 0;
    for (const auto& e : fs::directory_iterator(d / "cluster/.cinepipe/day01/slurm"))
        logs += e.path().filename().string().starts_with("task-");
    EXPECT_EQ(logs, 5);
    EXPECT_EQ(run_cinepipe("verify " + quote(d / "cluster")).exit_code, 0);
}

TEST_F(Batch, ShippedSampleJobsAreValid) {
    // The examples in samples/jobs must stay runnable: validated against folders of clips.
    TempDir d;
    fs::create_directories(d / "dailies");
    fs::copy_file(clip(1), fs::path(d / "dailies") / "A001C001_prores_hq.mov");
    fs::create_directories(d / "cards/B001");
    fs::copy_file(clip(2), fs::path(d / "cards") / "A002C001_take.mov");
    ASSERT_EQ(cinepipe::test::run_command("ffmpeg -v error -i " + quote(clip(4)) +
                                          " -c:v dnxhd -profile:v dnxhr_sq -pix_fmt yuv422p -an " +
                                          quote(d / "cards/B001/B001C001.mxf"))
                  .exit_code,
              0);
    std::ofstream(d / "cards/day02.ale")
        << "Heading\nFIELD_DELIM\tTABS\nVIDEO_FORMAT\t1080\nFPS\t24\n\n"
           "Column\nName\tTape\tSource File\tASC_SOP\tASC_SAT\n\n"
           "Data\nA002C001_take\tA002\tA002C001_take.mov\t(1.1 1 0.9)(0 0 0)(1 1 1)\t0.9\n";
    fs::create_directories(d / "sound");
    ASSERT_EQ(
        cinepipe::test::run_command("ffmpeg -v error -f lavfi -i sine=duration=3 -c:a pcm_s24le " +
                                    quote(d / "sound/roll1.wav"))
            .exit_code,
        0);
    const std::string env = "CINEPIPE_OUT=" + quote(d.path().string()) +
                            " CARDS=" + quote(d / "cards") + " SOUND=" + quote(d / "sound") + " ";
    const auto run = [&](const std::string& job) {
        return cinepipe::test::run_command(
            env + quote(cinepipe::test::kCinepipe) + " batch " +
            quote(std::string(CINEPIPE_SOURCE_DIR) + "/samples/jobs/" + job) + " --dry-run 2>&1");
    };
    const auto shoot = run("shoot_day.yaml");
    EXPECT_EQ(shoot.exit_code, 0) << shoot.output;
    EXPECT_NE(shoot.output.find("A001_A001C001_prores_hq_11-00-00-00.mov"), std::string::npos)
        << shoot.output;
    const auto sound = run("with_sound.json");
    EXPECT_EQ(sound.exit_code, 0) << sound.output;
    EXPECT_NE(sound.output.find("2 clips"), std::string::npos) << sound.output;
    EXPECT_NE(sound.output.find("day02_sound_0001_A002C001_take_12-00-00-00.mp4"),
              std::string::npos)
        << sound.output;
    EXPECT_NE(sound.output.find("1 rolls"), std::string::npos) << sound.output;
}

}  // namespace
