// End-to-end `cinepipe qc` (docs/qc.md): small clips generated with ffmpeg at run time, each
// with defects planted at known frames (checked first against ffmpeg's own detectors where
// it has one), then the cinepipe.qc/1 report must name each defect's check and frame range,
// the verdict and the exit code; clean clips and the sample dailies must pass.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
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
using test::expect_one_line_error;
using test::ffprobe;
using test::quote;
using test::run_command;
using test::TempDir;

// ---------------------------------------------------------------------------------------------
// Reading a report

std::vector<json> events_of(const json& report, const std::string& check) {
    std::vector<json> out;
    if (!report.contains("events") || !report["events"].is_array()) return out;
    for (const auto& e : report["events"])
        if (e.value("check", "") == check) out.push_back(e);
    return out;
}

std::string events_dump(const json& report) {
    return report.contains("events") ? report["events"].dump(1) : std::string("(no events)");
}

bool has_error_event(const json& report) {
    if (!report.contains("events") || !report["events"].is_array()) return false;
    for (const auto& e : report["events"])
        if (e.value("severity", "") == "error") return true;
    return false;
}

// One event of `check` whose range is [first, last] within ±tol frames at each end; fails the
// test (printing every event) when there is none. Returns the closest such event, or null.
json expect_event_near(const json& report, const std::string& check, std::int64_t first,
                       std::int64_t last, std::int64_t tol = 1) {
    json best;
    std::int64_t best_err = -1;
    for (const auto& e : events_of(report, check)) {
        if (!e.contains("start_frame") || !e.contains("end_frame")) continue;
        const auto s = e["start_frame"].get<std::int64_t>();
        const auto t = e["end_frame"].get<std::int64_t>();
        if (std::llabs(s - first) > tol || std::llabs(t - last) > tol) continue;
        const std::int64_t err = std::llabs(s - first) + std::llabs(t - last);
        if (best_err < 0 || err < best_err) best = e, best_err = err;
    }
    if (best_err < 0)
        ADD_FAILURE() << "no '" << check << "' event at frames " << first << ".." << last << " (±"
                      << tol << "); events:\n"
                      << events_dump(report);
    return best;
}

// Numbers written in a message ("12 flashes in 1 s" -> 12, 1).
std::vector<double> numbers_in(const std::string& text) {
    std::vector<double> out;
    static const std::regex number(R"((\d+(\.\d+)?))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), number);
         it != std::sregex_iterator(); ++it)
        out.push_back(std::stod((*it)[1].str()));
    return out;
}

bool contains_word(std::string text, std::string word) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text.find(word) != std::string::npos;
}

double rate_of(const std::string& fps) {  // "24000/1001" or "24"
    const auto slash = fps.find('/');
    if (slash == std::string::npos) return std::stod(fps);
    return std::stod(fps.substr(0, slash)) / std::stod(fps.substr(slash + 1));
}

// SMPTE timecode `frames` after `start` at the nominal rate (24, 25, 30...), drop-frame
// counting when `drop` (two frame numbers skipped each minute except every tenth at 30).
std::string tc_add(const std::string& start, std::int64_t frames, int nominal, bool drop) {
    int hh = 0, mm = 0, ss = 0, ff = 0;
    char sep = ':';
    if (std::sscanf(start.c_str(), "%d:%d:%d%c%d", &hh, &mm, &ss, &sep, &ff) != 5) return "?";
    const std::int64_t dropped = drop ? nominal / 15 : 0;  // 2 at 29.97, 4 at 59.94
    const std::int64_t minutes = hh * 60 + mm;
    std::int64_t n = (minutes * 60 + ss) * nominal + ff - dropped * (minutes - minutes / 10);
    n += frames;
    const std::int64_t per_day = 24LL * 3600 * nominal - dropped * (24 * 60 - 24 * 6);
    n = ((n % per_day) + per_day) % per_day;
    if (drop) {
        const std::int64_t per10 = nominal * 600 - dropped * 9;
        const std::int64_t per1 = nominal * 60 - dropped;
        const std::int64_t d = n / per10, m = n % per10;
        n += dropped * 9 * d + (m >= dropped ? dropped * ((m - dropped) / per1) : 0);
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d%c%02d", int(n / (3600 * nominal)),
                  int(n / (60 * nominal) % 60), int(n / nominal % 60), drop ? ';' : ':',
                  int(n % nominal));
    return buf;
}

// What every report must satisfy, whatever it found (docs/qc.md, "Report").
void expect_well_formed(const json& r, int exit_code, const std::string& output) {
    EXPECT_EQ(r.value("schema", ""), "cinepipe.qc/1");
    const std::string verdict = r.value("verdict", "");
    EXPECT_TRUE(verdict == "pass" || verdict == "fail") << verdict;
    // Only an error event fails; the exit code says the same as the verdict.
    EXPECT_EQ(verdict == "fail", has_error_event(r)) << events_dump(r);
    EXPECT_EQ(exit_code, verdict == "fail" ? 1 : 0) << output;
    ASSERT_TRUE(r.contains("video") && r["video"].is_object()) << r.dump(1).substr(0, 2000);
    const json& v = r["video"];
    ASSERT_TRUE(v.contains("frames") && v["frames"].is_number_integer());
    const auto frames = v["frames"].get<std::int64_t>();
    ASSERT_TRUE(r.contains("events") && r["events"].is_array());
    const double fps = v.contains("fps") && v["fps"].is_string() ? rate_of(v["fps"]) : 0.0;
    const bool has_tc = v.contains("start_tc") && v["start_tc"].is_string();
    const bool drop = v.value("drop_frame", false);
    // Timecodes advance one per decoded frame, and jump with the timestamps across a gap
    // ("Timecodes in the report follow the timestamps"): frame N is start_tc + N + the frames
    // reported missing (dropped_frame) at or before N.
    std::vector<std::pair<std::int64_t, std::int64_t>> gaps;  // frame, frames missing before it
    for (const auto& e : r["events"])
        if (e.value("check", "") == "dropped_frame" && e.contains("value") &&
            e["value"].get<double>() > 0)
            gaps.emplace_back(e["start_frame"].get<std::int64_t>(),
                              std::llround(e["value"].get<double>()));
    auto tc_of = [&](std::int64_t frame) {
        std::int64_t offset = frame;
        for (const auto& [at, missing] : gaps)
            if (at <= frame) offset += missing;
        return tc_add(v["start_tc"], offset, static_cast<int>(std::lround(fps)), drop);
    };
    std::int64_t previous_start = -1;
    for (const auto& e : r["events"]) {
        SCOPED_TRACE(e.dump());
        for (const char* key : {"check", "severity", "start_frame", "end_frame", "start_tc",
                                "end_tc", "duration", "value", "message"})
            EXPECT_TRUE(e.contains(key)) << key;
        if (!e.contains("start_frame") || !e.contains("end_frame")) continue;
        const std::string sev = e.value("severity", "");
        EXPECT_TRUE(sev == "info" || sev == "warning" || sev == "error") << sev;
        const auto s = e["start_frame"].get<std::int64_t>();
        const auto t = e["end_frame"].get<std::int64_t>();
        EXPECT_GE(s, previous_start) << "events not sorted by start_frame";
        previous_start = s;
        EXPECT_GE(s, 0);
        EXPECT_LE(s, t);
        // A truncation may point just past the last decoded picture.
        EXPECT_LE(t, e.value("check", "") == "decode_error" ? frames : frames - 1);
        if (has_tc && fps > 0) {
            EXPECT_EQ(e.value("start_tc", ""), tc_of(s));
            EXPECT_EQ(e.value("end_tc", ""), tc_of(t));
        }
        // Range checks: the duration is the range's (inclusive) length in seconds.
        static const std::set<std::string> ranged{"black", "freeze", "illegal_levels", "interlace"};
        if (fps > 0 && ranged.count(e.value("check", "")) && e.contains("duration")) {
            EXPECT_NEAR(e["duration"].get<double>(), double(t - s + 1) / fps, 0.5 / fps + 1e-3);
        }
    }
    ASSERT_TRUE(r.contains("per_frame") && r["per_frame"].is_object());
    const json& pf = r["per_frame"];
    ASSERT_TRUE(pf.contains("fields") && pf.contains("data") && pf["data"].is_array());
    std::set<std::string> fields;
    for (const auto& f : pf["fields"]) fields.insert(f.get<std::string>());
    for (const char* f : {"luma_min", "luma_avg", "luma_max", "diff"})
        EXPECT_TRUE(fields.count(f)) << f;
    EXPECT_EQ(static_cast<std::int64_t>(pf["data"].size()), frames);
    for (const auto& row : pf["data"]) {
        EXPECT_EQ(row.size(), pf["fields"].size());
        if (row.size() != pf["fields"].size()) break;
    }
}

// One column of per_frame, by field name.
std::vector<double> per_frame_column(const json& r, const std::string& field) {
    std::vector<double> out;
    const json& pf = r["per_frame"];
    std::size_t col = 0;
    for (; col < pf["fields"].size(); ++col)
        if (pf["fields"][col] == field) break;
    if (col == pf["fields"].size()) return out;
    for (const auto& row : pf["data"]) out.push_back(row[col].get<double>());
    return out;
}

// ---------------------------------------------------------------------------------------------
// ffmpeg and ffprobe as oracles for the planted defects

double number(const json& j) {
    return j.is_string() ? std::stod(j.get<std::string>()) : j.get<double>();
}

// Per-frame signalstats of the first video stream (code values of the file's own depth):
// YAVG, YMIN, YMAX, YDIF (mean absolute luma difference to the previous frame)...
std::vector<std::map<std::string, double>> signalstats(const std::string& path) {
    const auto r = run_command("ffmpeg -v error -i " + quote(path) +
                               " -map 0:v:0 -vf signalstats,metadata=print:file=- -f null - "
                               "2>/dev/null");
    std::vector<std::map<std::string, double>> frames;
    std::istringstream in(r.output);
    const std::string prefix = "lavfi.signalstats.";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("frame:", 0) == 0)
            frames.emplace_back();
        else if (line.rfind(prefix, 0) == 0 && !frames.empty()) {
            const auto eq = line.find('=');
            frames.back()[line.substr(prefix.size(), eq - prefix.size())] =
                std::stod(line.substr(eq + 1));
        }
    }
    return frames;
}

struct Range {
    std::int64_t first, last;
    bool operator==(const Range& o) const { return first == o.first && last == o.last; }
};
std::ostream& operator<<(std::ostream& os, const Range& r) {
    return os << r.first << ".." << r.last;
}

// Runs of bit-identical consecutive decoded frames (two or more), by framemd5.
std::vector<Range> identical_runs(const std::string& path) {
    const auto hashes = test::framemd5_hashes(
        run_command("ffmpeg -v error -i " + quote(path) + " -map 0:v:0 -f framemd5 -").output);
    std::vector<Range> runs;
    for (std::size_t i = 1; i < hashes.size(); ++i) {
        if (hashes[i] != hashes[i - 1]) continue;
        if (!runs.empty() && runs.back().last == std::int64_t(i) - 1)
            runs.back().last = std::int64_t(i);
        else
            runs.push_back({std::int64_t(i) - 1, std::int64_t(i)});
    }
    return runs;
}

// ffmpeg blackdetect's intervals as frame ranges (at `fps`).
std::vector<Range> blackdetect(const std::string& path, double fps) {
    const auto r = run_command("ffmpeg -v info -nostats -i " + quote(path) +
                               " -map 0:v:0 -vf blackdetect=d=0.4 -f null - 2>&1");
    std::vector<Range> out;
    static const std::regex re(R"(black_start:([0-9.]+) black_end:([0-9.]+))");
    for (auto it = std::sregex_iterator(r.output.begin(), r.output.end(), re);
         it != std::sregex_iterator(); ++it)
        out.push_back(
            {std::llround(std::stod((*it)[1]) * fps), std::llround(std::stod((*it)[2]) * fps) - 1});
    return out;
}

// ffmpeg idet's single-frame verdict per frame ("tff", "bff", "progressive", "undetermined").
std::vector<std::string> idet(const std::string& path) {
    const auto r = run_command("ffmpeg -v error -i " + quote(path) +
                               " -map 0:v:0 -vf idet,metadata=print:key=lavfi.idet.single."
                               "current_frame:file=- -f null - 2>/dev/null");
    std::vector<std::string> out;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
        if (auto eq = line.find("current_frame="); eq != std::string::npos)
            out.push_back(line.substr(eq + 14));
    return out;
}

std::int64_t decoded_frames(const std::string& path) {
    const json j = ffprobe(
        "-count_frames -select_streams v:0 -show_entries stream=nb_read_frames " + quote(path));
    return static_cast<std::int64_t>(number(j["streams"][0]["nb_read_frames"]));
}

struct Packet {
    double pts_time;
    std::int64_t pos, size;
};
std::vector<Packet> video_packets(const std::string& path) {
    const json j =
        ffprobe("-select_streams v:0 -show_entries packet=pts_time,pos,size " + quote(path));
    std::vector<Packet> out;
    for (const auto& p : j["packets"])
        out.push_back({p.contains("pts_time") ? number(p["pts_time"]) : -1.0,
                       p.contains("pos") ? static_cast<std::int64_t>(number(p["pos"])) : -1,
                       static_cast<std::int64_t>(number(p["size"]))});
    return out;
}

// The worst frame's fraction of samples outside EBU R103's legal range (luma -1%..103%,
// chroma -1%..101%), per plane, decoding to `pix_fmt` (the file's own: yuv422p10le or
// yuv420p) so nothing is resampled on the way.
double worst_outside_r103(const std::string& path, const std::string& pix_fmt, int w, int h) {
    const bool ten = pix_fmt == "yuv422p10le";
    const int cw = w / 2, ch = ten ? h : h / 2;
    const std::size_t bytes = ten ? 2 : 1;
    const std::size_t frame = (std::size_t(w) * h + 2 * std::size_t(cw) * ch) * bytes;
    const auto raw = run_command("ffmpeg -v error -i " + quote(path) +
                                 " -map 0:v:0 -f rawvideo -pix_fmt " + pix_fmt + " -")
                         .output;
    const double scale = ten ? 4.0 : 1.0;
    const double ylo = (16 - 0.01 * 219) * scale, yhi = (16 + 1.03 * 219) * scale;
    const double clo = (16 - 0.01 * 224) * scale, chi = (16 + 1.01 * 224) * scale;
    auto sample = [&](const char* p, std::size_t i) -> int {
        return ten ? (static_cast<unsigned char>(p[2 * i]) |
                      (static_cast<unsigned char>(p[2 * i + 1]) << 8))
                   : static_cast<unsigned char>(p[i]);
    };
    double worst = 0;
    for (std::size_t off = 0; off + frame <= raw.size(); off += frame) {
        const char* p = raw.data() + off;
        std::size_t out_y = 0, out_c = 0;
        const std::size_t ny = std::size_t(w) * h, nc = std::size_t(cw) * ch;
        for (std::size_t i = 0; i < ny; ++i) {
            const int v = sample(p, i);
            out_y += v < ylo || v > yhi;
        }
        for (std::size_t i = 0; i < 2 * nc; ++i) {
            const int v = sample(p + ny * bytes, i);
            out_c += v < clo || v > chi;
        }
        worst = std::max({worst, double(out_y) / ny, double(out_c) / (2 * nc)});
    }
    return raw.size() >= frame ? worst : 1.0;
}

// Overwrites `n` bytes at `offset` with deterministic garbage.
void overwrite_with_garbage(const std::string& path, std::int64_t offset, std::int64_t n) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(offset);
    std::uint32_t x = 12345;
    for (std::int64_t i = 0; i < n; ++i) {
        x = x * 1103515245u + 12345u;
        f.put(static_cast<char>((x >> 16) & 0xFF));
    }
}

// Index of the first video packet with a byte in [offset, offset + n): the first damaged
// picture when decode order is display order (intra-only FFV1, H.264 without B-frames).
std::int64_t first_damaged_packet(const std::vector<Packet>& packets, std::int64_t offset,
                                  std::int64_t n) {
    for (std::size_t i = 0; i < packets.size(); ++i)
        if (packets[i].pos >= 0 && packets[i].pos + packets[i].size > offset &&
            packets[i].pos < offset + n)
            return std::int64_t(i);
    return -1;
}

// FFmpeg's ebur128 filter (peak=true) on the first audio stream. The figures are those of its
// last 100 ms frame's metadata, which are the summary's to three decimals instead of one;
// the maxima are over whole windows (FFmpeg reports -120.7 LUFS until a window has filled).
struct Ebur128 {
    double integrated = 0, range = 0, true_peak = 0, momentary_max = -200, short_term_max = -200;
    double summary_integrated = 0;  // the summary's I, for a cross-check of the parsing
};
Ebur128 ffmpeg_ebur128(const std::string& path) {
    const auto r = run_command("ffmpeg -v info -nostats -i " + quote(path) +
                               " -map 0:a:0 -af ebur128=peak=true:metadata=1,ametadata=print:"
                               "file=- -f null - 2>&1");
    Ebur128 e;
    std::istringstream in(r.output);
    static const std::regex summary_i(R"(^\s+I:\s+(-?[0-9.]+) LUFS)");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, summary_i)) e.summary_integrated = std::stod(m[1]);
        const auto eq = line.find('=');
        if (line.rfind("lavfi.r128.", 0) != 0 || eq == std::string::npos) continue;
        const std::string key = line.substr(11, eq - 11);
        const double v = std::stod(line.substr(eq + 1));
        if (key == "I") e.integrated = v;
        if (key == "LRA") e.range = v;
        if (key == "true_peak") e.true_peak = 20 * std::log10(v);
        if (key == "M" && v > -120) e.momentary_max = std::max(e.momentary_max, v);
        if (key == "S" && v > -120) e.short_term_max = std::max(e.short_term_max, v);
    }
    return e;
}

// FFmpeg's per-channel detectors, as "start end" pairs in seconds: silencedetect (mono=1) and
// aphasemeter's out-of-phase detection.
std::vector<std::pair<double, double>> ffmpeg_detected(const std::string& path,
                                                       const std::string& filter,
                                                       const std::string& start_key,
                                                       const std::string& end_key,
                                                       const std::string& channel = "") {
    const auto r = run_command("ffmpeg -v info -nostats -i " + quote(path) + " -map 0:a:0 -af " +
                               filter + " -f null - 2>&1");
    std::vector<std::pair<double, double>> out;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
        if (!channel.empty() && line.find("channel: " + channel + " ") == std::string::npos)
            continue;
        if (auto at = line.find(start_key + ": "); at != std::string::npos)
            out.emplace_back(std::stod(line.substr(at + start_key.size() + 2)), -1.0);
        else if (auto end = line.find(end_key + ": "); end != std::string::npos && !out.empty())
            out.back().second = std::stod(line.substr(end + end_key.size() + 2));
    }
    return out;
}

// astats' per-channel flat factor (consecutive samples at the peak level: 0 for none).
std::vector<double> flat_factors(const std::string& path) {
    const auto r = run_command("ffmpeg -v info -nostats -i " + quote(path) +
                               " -map 0:a:0 -af astats=measure_overall=none -f null - 2>&1");
    std::vector<double> out;
    static const std::regex flat(R"(Flat factor: ([0-9.]+))");
    for (auto it = std::sregex_iterator(r.output.begin(), r.output.end(), flat);
         it != std::sregex_iterator(); ++it)
        out.push_back(std::stod((*it)[1]));
    return out;
}

// ---------------------------------------------------------------------------------------------
// The clips. Moving content is testsrc2 (slightly desaturated so 4:2:x chroma never rings
// outside the legal range), 320x180 at 24 fps, limited-range yuv422p10 FFV1 unless noted.

const std::string kSource = "-f lavfi -i testsrc2=size=320x180:rate=24:duration=";
const std::string kDesat = "hue=s=0.85";
// Legal 10-bit limited range: luma 64..940, chroma 64..960.
const std::string kLegal10 =
    "format=yuv422p10le,lutyuv=y='clip(val,64,940)':u='clip(val,64,960)':v='clip(val,64,960)'";
const std::string kFfv1 = " -c:v ffv1 -level 3 ";
const std::string kProres = " -c:v prores_ks -profile:v 3 ";

class Qc : public ::testing::Test {
  protected:
    struct Run {
        int exit_code = -1;
        std::string output;
        json report;
    };

    static void SetUpTestSuite() { media_ = std::make_unique<TempDir>(); }
    static void TearDownTestSuite() {
        made_.clear();
        samples_dir_.reset();
        media_.reset();
    }

    // The clip `name`, generated and checked against ffmpeg on first use. ctest runs every
    // test in its own process, so each generates only the clips it needs; run directly, the
    // suite makes each clip once for all its tests.
    static std::string clip(const std::string& name) {
        if (made_.count(name)) return made_[name];
        const std::string path = *media_ / name;
        const auto it = generators().find(name);
        if (it == generators().end()) {
            ADD_FAILURE() << "no generator for " << name;
            return "";
        }
        it->second(path);
        if (::testing::Test::HasFatalFailure()) return "";
        made_[name] = path;
        return path;
    }

    // `cinepipe qc IN --json R ARGS`, the report parsed and checked for the contract's shape.
    void qc(Run& run, const std::string& input, const std::string& args = "") {
        const std::string report = out_ / ("report" + std::to_string(++runs_) + ".json");
        const auto r = cinepipe("qc -q " + quote(input) + " --json " + quote(report) + " " + args);
        run.exit_code = r.exit_code;
        run.output = r.output;
        ASSERT_TRUE(std::filesystem::exists(report))
            << "qc " << input << " " << args << " wrote no report (exit " << r.exit_code << "):\n"
            << r.output;
        try {
            run.report = json::parse(test::read_file(report));
        } catch (const std::exception& e) {
            FAIL() << "report is not JSON: " << e.what();
        }
        SCOPED_TRACE("qc " + input + " " + args);
        ASSERT_NO_FATAL_FAILURE(expect_well_formed(run.report, run.exit_code, run.output));
    }

    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(out_ / name) << text;
        return out_ / name;
    }

    static inline std::unique_ptr<TempDir> media_;
    static inline std::map<std::string, std::string> made_;
    static inline std::unique_ptr<TempDir> samples_dir_;
    TempDir out_;
    int runs_ = 0;

  private:
    using Generator = std::function<void(const std::string&)>;
    static const std::map<std::string, Generator>& generators();
};

// Clean moving picture, FFV1 10-bit 4:2:2, 4 s.
void make_moving_ffv1(const std::string& path) {
    test::ffmpeg(kSource + "4 -vf \"" + kDesat + "," + kLegal10 + "\"" + kFfv1 + quote(path));
    EXPECT_TRUE(identical_runs(path).empty());
    EXPECT_TRUE(blackdetect(path, 24).empty());
    EXPECT_LT(worst_outside_r103(path, "yuv422p10le", 320, 180), 0.001);
}

// A locked-off shot: one still picture with fresh grain every frame (not a freeze: 0.7% mean
// difference, above a freeze's noise floor), ProRes 422 HQ, 4 s (longer than any freeze
// min_duration).
void make_static_prores(const std::string& path) {
    test::ffmpeg(kSource + "1 -vf \"" + kDesat +
                 ",trim=end_frame=1,loop=loop=95:size=1,setpts=N/24/TB,noise=alls=6:allf=t+u," +
                 kLegal10 + "\"" + kProres + quote(path));
    EXPECT_EQ(decoded_frames(path), 96);
    EXPECT_TRUE(identical_runs(path).empty());
    const auto stats = signalstats(path);
    ASSERT_EQ(stats.size(), 96u);
    for (std::size_t i = 1; i < stats.size(); ++i) {  // grain only: 0.3%..1.2% of the range
        EXPECT_GT(stats[i].at("YDIF"), 3.0) << i;
        EXPECT_LT(stats[i].at("YDIF"), 10.0) << i;
    }
    EXPECT_LT(worst_outside_r103(path, "yuv422p10le", 320, 180), 0.001);
}

// Clean moving picture, H.264 8-bit 4:2:0 in MP4, 4 s.
void make_moving_h264(const std::string& path) {
    test::ffmpeg(kSource + "4 -vf \"" + kDesat +
                 ",format=yuv420p,lutyuv=y='clip(val,16,235)':u='clip(val,16,240)':v='clip(val,"
                 "16,240)'\" -c:v libx264 -preset veryfast -crf 18 " +
                 quote(path));
    EXPECT_TRUE(identical_runs(path).empty());
    EXPECT_LT(worst_outside_r103(path, "yuv420p", 320, 180), 0.001);
}

// Dissolves and fades that do not reach black: a 1 s cross-dissolve between two shots and a
// dip to 40% brightness and back, ProRes 422 HQ, 4 s.
void make_dissolve(const std::string& path) {
    test::ffmpeg("-f lavfi -i testsrc2=size=320x180:rate=24:duration=2 -f lavfi -i "
                 "\"testsrc2=size=320x180:rate=24:duration=2,hflip,hue=h=90\" -filter_complex "
                 "\"[0][1]xfade=transition=fade:duration=1:offset=1," + kDesat +
                 ",eq=brightness='-0.6*between(t,2,3)*(1-abs(t-2.5)*2)':eval=frame," + kLegal10 +
                 "\"" + kProres + quote(path));
    EXPECT_EQ(decoded_frames(path), 72);
    EXPECT_TRUE(identical_runs(path).empty());
    EXPECT_TRUE(blackdetect(path, 24).empty());
}

// 240 frames: hard cut to black 48..71, near-black (luma 80 = 1.8% above legal black)
// 120..143, fade to black over 180..203 and black 204..239.
void make_black(const std::string& path) {
    test::ffmpeg(kSource + "10 -vf \"" + kDesat +
                 ",drawbox=c=black:t=fill:enable='between(n,48,71)'"
                 ",drawbox=c=0x050505:t=fill:enable='between(n,120,143)'"
                 ",fade=t=out:start_frame=180:nb_frames=24," +
                 kLegal10 + "\"" + kFfv1 + quote(path));
    const auto stats = signalstats(path);
    ASSERT_EQ(stats.size(), 240u);
    for (int n = 48; n <= 71; ++n) EXPECT_EQ(stats[n].at("YAVG"), 64) << n;
    for (int n = 120; n <= 143; ++n) EXPECT_NEAR(stats[n].at("YAVG"), 80, 1) << n;
    for (int n = 204; n <= 239; ++n) EXPECT_EQ(stats[n].at("YAVG"), 64) << n;
    for (int n = 182; n <= 203; ++n) EXPECT_LT(stats[n].at("YAVG"), stats[n - 1].at("YAVG")) << n;
    for (int n : {0, 47, 72, 119, 144, 179}) EXPECT_GT(stats[n].at("YAVG"), 400) << n;
    const auto black = blackdetect(path, 24);
    ASSERT_EQ(black.size(), 3u);
    EXPECT_EQ(black[0], (Range{48, 71}));
    EXPECT_EQ(black[1], (Range{120, 143}));
    EXPECT_GE(black[2].first, 192);
    EXPECT_LE(black[2].first, 204);
    EXPECT_GE(black[2].last, 238);  // blackdetect ends at the last frame's start at EOF
}

// 192 frames: frames 48..71 repeat frame 47 (1 s frozen), 121..126 repeat 120 (6 frames),
// and frame 160 repeats 159 (one duplicate).
void make_freeze(const std::string& path) {
    test::ffmpeg(kSource + "8 -filter_complex \"[0]" + kDesat +
                 ",split=4[a][b][c][d];[a][b]freezeframes=first=48:last=71:replace=47[x];"
                 "[x][c]freezeframes=first=121:last=126:replace=120[y];"
                 "[y][d]freezeframes=first=160:last=160:replace=159," +
                 kLegal10 + "\"" + kFfv1 + quote(path));
    EXPECT_EQ(decoded_frames(path), 192);
    EXPECT_EQ(identical_runs(path), (std::vector<Range>{{47, 71}, {120, 126}, {159, 160}}));
}

// 144 frames of dimmed moving picture: a one-frame white flash at 40, and a strobe of white on
// the even frames 96..118 (12 flashes in one second).
void make_flash(const std::string& path) {
    test::ffmpeg(kSource + "6 -vf \"" + kDesat +
                 ",drawbox=c=black@0.6:t=fill"
                 ",drawbox=c=white:t=fill:enable='eq(n,40)+between(n,96,119)*not(mod(n,2))'," +
                 kLegal10 + "\"" + kFfv1 + quote(path));
    const auto stats = signalstats(path);
    ASSERT_EQ(stats.size(), 144u);
    for (int n = 0; n < 144; ++n) {
        const bool white = n == 40 || (n >= 96 && n <= 118 && n % 2 == 0);
        if (white)
            EXPECT_GE(stats[n].at("YAVG"), 935) << n;
        else
            EXPECT_LT(stats[n].at("YAVG"), 300) << n;
    }
}

// 192 frames: frame 60 has a garbage block and heavy noise, frame 140 is frame 20 (a frame from
// far elsewhere).
void make_hits(const std::string& path) {
    test::ffmpeg(kSource + "8 -filter_complex \"[0]" + kDesat +
                 ",split[a][b];[a][b]freezeframes=first=140:last=140:replace=20"
                 ",drawbox=x=96:y=48:w=128:h=80:c=0x30d050:t=fill:enable='eq(n,60)'"
                 ",noise=alls=100:allf=u:enable='eq(n,60)'," +
                 kLegal10 + "\"" + kFfv1 + quote(path));
    const auto stats = signalstats(path);
    ASSERT_EQ(stats.size(), 192u);
    std::vector<double> d;
    for (std::size_t i = 1; i < stats.size(); ++i) d.push_back(stats[i].at("YDIF"));
    std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
    const double median = d[d.size() / 2];
    // A spike into and out of each hit frame; everything else ordinary motion.
    for (int n : {60, 61}) EXPECT_GT(stats[n].at("YDIF"), 5 * median) << n;
    for (int n : {140, 141}) EXPECT_GT(stats[n].at("YDIF"), 2.5 * median) << n;
    for (int n = 1; n < 192; ++n)
        if (n != 60 && n != 61 && n != 140 && n != 141) {
            EXPECT_LT(stats[n].at("YDIF"), 2 * median) << n;
        }
}

// 144 frames: superwhite luma 1019 over the right half of frames 72..95.
void make_levels(const std::string& path) {
    test::ffmpeg(kSource + "6 -vf \"" + kDesat + "," + kLegal10 +
                 ",geq=lum='if(gte(X,W/2),1019,lum(X,Y))':cb='cb(X,Y)':cr='cr(X,Y)'"
                 ":enable='between(n,72,95)'\"" +
                 kFfv1 + quote(path));
    const auto stats = signalstats(path);
    ASSERT_EQ(stats.size(), 144u);
    for (int n = 0; n < 144; ++n) {
        if (n >= 72 && n <= 95)
            EXPECT_EQ(stats[n].at("YMAX"), 1019) << n;
        else
            EXPECT_LE(stats[n].at("YMAX"), 940) << n;
    }
}

// 144 frames of fast horizontal motion, flagged progressive, whose frames 48..95 are woven from
// two fields 1/48 s apart (combing).
// Grain on grey, MPEG-2 at the coarsest and the finest quantiser: the coarse one turns the
// grain into flat 8x8 blocks (visible blocking), the fine one keeps it.
void make_blocky(const std::string& path, int q) {
    test::ffmpeg("-f lavfi -i \"color=c=gray:size=640x360:rate=24:duration=3,noise=alls=20:allf=t\" "
                 "-c:v mpeg2video -q:v " + std::to_string(q) + " -qmin " + std::to_string(q) +
                 " -qmax " + std::to_string(q) + " " + quote(path));
    EXPECT_EQ(decoded_frames(path), 72);
}

// Interlaced capture (top field first) with its stream flag set to `flag`.
void make_field_order(const std::string& path, const std::string& flag) {
    test::ffmpeg("-f lavfi -i testsrc2=size=320x180:rate=50:duration=3 -vf \"" + kDesat +
                 ",interlace=scan=tff,setfield=" + flag + "," + kLegal10 + "\"" + kFfv1 +
                 "-field_order " + (flag == "tff" ? "tt" : "bb") + " " + quote(path));
    EXPECT_EQ(ffprobe("-select_streams v:0 -show_entries stream=field_order " + quote(path))["streams"][0]
                  .value("field_order", ""),
              flag == "tff" ? "tt" : "bb");
}

void make_interlace(const std::string& path) {
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=320x180:rate=48:duration=6 -filter_complex \"[0]" + kDesat +
        ",scroll=h=0.02,format=yuv444p,split[a][b];"
        "[a]framestep=2,setpts=N/24/TB[p];[b]tinterlace=mode=interleave_top,setpts=N/24/TB[i];"
        "[p][i]overlay=enable='between(n,48,95)':format=yuv444,setfield=prog," +
        kLegal10 + "\" -r 24" + kFfv1 + quote(path));
    EXPECT_EQ(
        ffprobe("-select_streams v:0 -show_entries stream=field_order " + quote(path))["streams"][0]
            .value("field_order", "progressive"),
        "progressive");
    // ffmpeg's idet sees the woven frames as interlaced (its verdict lags by up to a frame).
    const auto verdicts = idet(path);
    ASSERT_EQ(verdicts.size(), 144u);
    int interlaced = 0;
    for (int n = 0; n < 144; ++n) {
        if (verdicts[n] != "tff" && verdicts[n] != "bff") continue;
        EXPECT_GE(n, 46);
        EXPECT_LE(n, 97);
        ++interlaced;
    }
    EXPECT_GE(interlaced, 44);
}

// 144 source frames with 30..32 and 100 left out, the others keeping their timestamps: 140
// decoded frames with a 3-frame gap before decoded frame 30 and a 1-frame gap before 97.
void make_dropped(const std::string& path) {
    test::ffmpeg(kSource + "6 -vf \"" + kDesat +
                 ",select='not(between(n\\,30\\,32)+eq(n\\,100))'," + kLegal10 +
                 "\" -fps_mode passthrough" + kFfv1 + quote(path));
    const auto packets = video_packets(path);
    ASSERT_EQ(packets.size(), 140u);
    std::map<std::size_t, long> gaps;  // decoded index -> frames missing before it
    for (std::size_t i = 1; i < packets.size(); ++i) {
        const long missing = std::lround((packets[i].pts_time - packets[i - 1].pts_time) * 24) - 1;
        if (missing != 0) gaps[i] = missing;
    }
    EXPECT_EQ(gaps, (std::map<std::size_t, long>{{30, 3}, {97, 1}}));
}

// 120 frames of FFV1 cut at 60% of its bytes.
void make_truncated(const std::string& path) {
    test::ffmpeg(kSource + "5 -vf \"" + kDesat + "," + kLegal10 + "\"" + kFfv1 + quote(path));
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, size * 6 / 10);
    const auto n = decoded_frames(path);
    EXPECT_GT(n, 50);
    EXPECT_LT(n, 100);
}

// 120 frames of H.264 (no B-frames: decode order is display order), 2 KB of garbage written
// over the middle of the file (inside the media data; the index is at the front).
void make_corrupt_h264(const std::string& path) {
    test::ffmpeg(kSource + "5 -vf \"" + kDesat +
                 ",format=yuv420p\" -c:v libx264 -preset veryfast -crf 18 -bf 0 -g 48 "
                 "-movflags +faststart " +
                 quote(path));
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
    overwrite_with_garbage(path, size / 2, 2048);
    const auto first = first_damaged_packet(video_packets(path), size / 2, 2048);
    EXPECT_GT(first, 40);
    EXPECT_LT(first, 80);
    // ffmpeg itself reports the damage.
    const auto r = run_command("ffmpeg -v error -i " + quote(path) + " -f null - 2>&1");
    EXPECT_FALSE(r.output.empty());
}

// 120 frames of FFV1 with slice CRCs, 2 KB of garbage over the middle.
void make_corrupt_ffv1(const std::string& path) {
    test::ffmpeg(kSource + "5 -vf \"" + kDesat + "," + kLegal10 + "\"" + kFfv1 +
                 "-slices 4 -slicecrc 1 " + quote(path));
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
    overwrite_with_garbage(path, size / 2, 2048);
    const auto r = run_command("ffmpeg -v error -i " + quote(path) + " -f null - 2>&1");
    EXPECT_NE(r.output.find("CRC"), std::string::npos) << r.output;
}

// ProRes with 24-bit stereo PCM of the same length, start timecode 01:00:00:00, 96 frames,
// black 24..47.
void make_timecoded(const std::string& path) {
    test::ffmpeg(kSource +
                 "4 -f lavfi -i sine=frequency=1000:sample_rate=48000:duration=4 "
                 "-vf \"" +
                 kDesat + ",drawbox=c=black:t=fill:enable='between(n,24,47)'," + kLegal10 + "\"" +
                 kProres + "-c:a pcm_s24le -ac 2 -timecode 01:00:00:00 " + quote(path));
    EXPECT_EQ(test::ffprobe_timecode(path), "01:00:00:00");
    EXPECT_EQ(decoded_frames(path), 96);
    EXPECT_EQ(test::audio_samples(path), 4 * 48000);
}

// 29.97 drop-frame ProRes from 01:00:59;00, 120 frames, black 20..49 (across the minute, where
// frame numbers 00 and 01 are skipped).
void make_drop_frame(const std::string& path) {
    test::ffmpeg("-f lavfi -i testsrc2=size=320x180:rate=30000/1001 -frames:v 120 -vf \"" + kDesat +
                 ",drawbox=c=black:t=fill:enable='between(n,20,49)'," + kLegal10 + "\"" + kProres +
                 "-timecode '01:00:59;00' " + quote(path));
    EXPECT_EQ(test::ffprobe_timecode(path), "01:00:59;00");
    EXPECT_EQ(decoded_frames(path), 120);
}

// Half a second of clean picture, for the command-line tests (no oracle: nothing planted).
void make_tiny(const std::string& path) {
    test::ffmpeg(kSource + "0.5 -vf \"" + kDesat + "," + kLegal10 + "\"" + kFfv1 + quote(path));
}

// 4 s of picture, 3 s of sound.
void make_short_audio(const std::string& path) {
    test::ffmpeg(kSource +
                 "4 -f lavfi -i sine=frequency=1000:sample_rate=48000:duration=3 "
                 "-vf \"" +
                 kDesat + "," + kLegal10 + "\"" + kProres + "-c:a pcm_s24le " + quote(path));
    EXPECT_EQ(test::audio_samples(path), 3 * 48000);
    EXPECT_EQ(decoded_frames(path), 96);
}

// Sound clips: a small moving picture (160x90: the picture checks have nothing to find, and
// cost little) with 24-bit PCM in MOV (which records the channel layout), `seconds` long;
// `audio` names the inputs (numbered from 1) and `graph` the filter_complex that makes [a].
void make_with_sound(const std::string& path, int seconds, const std::string& audio,
                     const std::string& graph) {
    test::ffmpeg("-f lavfi -i testsrc2=size=160x90:rate=24:duration=" + std::to_string(seconds) +
                 " " + audio + " -filter_complex \"[0:v]" + kDesat + "," + kLegal10 + "[v];" +
                 graph + "\" -map [v] -map [a]" + kProres + "-c:a pcm_s24le " + quote(path));
    EXPECT_EQ(decoded_frames(path), seconds * 24);
}

std::string lavfi(const std::string& source) {
    return "-f lavfi -i \"" + source + "\" ";
}

// 10 s: a 1 kHz tone with pink noise, different on each side, its level swept up and down
// (so the loudness range is not zero); about -18 LUFS, too loud for R128.
void make_loud(const std::string& path) {
    make_with_sound(path, 10,
                    lavfi("sine=frequency=1000:sample_rate=48000:duration=10") +
                        lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.1:duration=10:"
                              "seed=7") +
                        lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.1:duration=10:"
                              "seed=8"),
                    "[1:a]asplit[t1][t2];[t1][2:a]amix=inputs=2:normalize=0[l];"
                    "[t2][3:a]amix=inputs=2:normalize=0,volume=0.8[r];"
                    "[l][r]join=inputs=2:channel_layout=stereo,"
                    "volume='0.8+0.72*sin(2*PI*t*0.3)':eval=frame[a]");
}

// 4 s of 5.1 (FL FR FC LFE BL BR): a tone per channel, the LFE's loud (BS.1770 leaves it out)
// and the surrounds carrying a third of the rest (weighted +1.5 dB).
void make_surround(const std::string& path) {
    make_with_sound(path, 4,
                    lavfi("aevalsrc=0.1*sin(2*PI*440*t)|0.1*sin(2*PI*550*t)|0.1*sin(2*PI*660*t)|"
                          "0.6*sin(2*PI*50*t)|0.12*sin(2*PI*770*t)|0.12*sin(2*PI*880*t):"
                          "channel_layout=5.1:sample_rate=48000:duration=4"),
                    "[1:a]anull[a]");
}

// 2 s of a 12 kHz tone (a quarter of 48 kHz) at 0.95 of full scale, phased so that every
// sample falls at ±0.67 (-3.5 dBFS) while the waveform between them peaks at -0.45 dBTP:
// a true-peak overload with no clipped sample. Faded in and out (an abrupt start overshoots).
void make_intersample(const std::string& path) {
    make_with_sound(path, 2,
                    lavfi("aevalsrc=0.95*sin(2*PI*12000*t+PI/4)|0.95*sin(2*PI*12000*t+PI/4):"
                          "channel_layout=stereo:sample_rate=48000:duration=2"),
                    "[1:a]afade=t=in:d=0.2,afade=t=out:st=1.8:d=0.2[a]");
}

// 8 s of tones, the right channel digitally silent from 3 s to 6 s (frames 72..143).
void make_silent_channel(const std::string& path) {
    make_with_sound(
        path, 8,
        lavfi("aevalsrc=0.1*sin(2*PI*440*t+1)+0.05*sin(2*PI*1234*t+2)|"
              "(0.1*sin(2*PI*660*t+1)+0.05*sin(2*PI*1777*t+2))*not(gte(t\\,3)*lt(t\\,6)):"
              "channel_layout=stereo:sample_rate=48000:duration=8"),
        "[1:a]anull[a]");
    const auto right = ffmpeg_detected(path, "silencedetect=n=-60dB:d=2:mono=1", "silence_start",
                                       "silence_end", "1");
    ASSERT_EQ(right.size(), 1u);
    EXPECT_NEAR(right[0].first, 3.0, 0.001);
    EXPECT_NEAR(right[0].second, 6.0, 0.001);
    EXPECT_TRUE(ffmpeg_detected(path, "silencedetect=n=-60dB:d=2:mono=1", "silence_start",
                                "silence_end", "0")
                    .empty());
}

// 6 s of tones at -10 dBFS; from 2.5 s for 20 ms (frame 60) the left one is driven ten times
// too hot and cut flat at full scale.
void make_clipped(const std::string& path) {
    make_with_sound(
        path, 6,
        lavfi("aevalsrc=clip(0.3*sin(2*PI*440*t)*(1+9*between(t\\,2.5\\,2.52))\\,-1\\,1)|"
              "0.3*sin(2*PI*550*t):channel_layout=stereo:sample_rate=48000:duration=6"),
        "[1:a]anull[a]");
    const auto flat = flat_factors(path);
    ASSERT_EQ(flat.size(), 2u);
    EXPECT_GT(flat[0], 1);  // flat tops on the left
    EXPECT_EQ(flat[1], 0);  // none on the right
}

// 8 s of the same pink noise on both sides, the right inverted from 3 s to 6 s (frames 72..143).
void make_out_of_phase(const std::string& path) {
    make_with_sound(
        path, 8, lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.1:duration=8:seed=3"),
        "[1:a]pan=stereo|c0=c0|c1=c0,aeval=val(0)|val(1)*if(gte(t\\,3)*lt(t\\,6)\\,-1\\,1)[a]");
    const auto out = ffmpeg_detected(path, "aphasemeter=video=0:phasing=1:duration=1",
                                     "out_phase_start", "out_phase_end");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NEAR(out[0].first, 3.0, 0.05);
    EXPECT_NEAR(out[0].second, 6.0, 0.05);
}

// 10 s of clean programme at -23 LUFS: speech-like noise (syllables at about 3 Hz, phrases
// rising and falling, never silent) common to both sides over each side's own room noise and
// a low hum. Made in two passes: measured with ebur128, then set to -23 LUFS.
void make_programme(const std::string& path) {
    const std::string raw = path + ".raw.wav";
    test::ffmpeg(lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.2:duration=10:seed=11") +
                 lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.2:duration=10:seed=12") +
                 lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.2:duration=10:seed=13") +
                 lavfi("sine=frequency=220:sample_rate=48000:duration=10") +
                 "-filter_complex \"[0]volume='0.1+0.9*abs(sin(2*PI*2.7*t))*(0.6+0.4*sin(2*PI*"
                 "0.37*t))':eval=frame,lowpass=f=4000,asplit[s1][s2];"
                 "[1][s1][3]amix=inputs=3:weights=0.3 1 0.1:normalize=0[l];"
                 "[2][s2][3]amix=inputs=3:weights=0.3 1 0.1:normalize=0[r];"
                 "[l][r]join=inputs=2:channel_layout=stereo[a]\" -map [a] -c:a pcm_f32le " +
                 quote(raw));
    const double gain = -23 - ffmpeg_ebur128(raw).integrated;
    make_with_sound(path, 10, "-i " + quote(raw) + " ",
                    "[1:a]volume=" + std::to_string(gain) + "dB[a]");
    std::filesystem::remove(raw);
    const auto e = ffmpeg_ebur128(path);
    EXPECT_NEAR(e.integrated, -23, 0.1);
    EXPECT_LT(e.true_peak, -3);
}

// 2 s of mono sound at 44.1 kHz: off a 48 kHz stereo delivery spec.
void make_mono_44k(const std::string& path) {
    make_with_sound(path, 2, lavfi("sine=frequency=1000:sample_rate=44100:duration=2"),
                    "[1:a]volume=0.5[a]");
}

const std::map<std::string, Qc::Generator>& Qc::generators() {
    static const std::map<std::string, Generator> g{
        {"moving.mkv", make_moving_ffv1},
        {"static.mov", make_static_prores},
        {"moving.mp4", make_moving_h264},
        {"black.mkv", make_black},
        {"freeze.mkv", make_freeze},
        {"flash.mkv", make_flash},
        {"hits.mkv", make_hits},
        {"levels.mkv", make_levels},
        {"interlace.mkv", make_interlace},
        {"dissolve.mov", make_dissolve},
        {"blocky.mpg", [](const std::string& p) { make_blocky(p, 31); }},
        {"fine.mpg", [](const std::string& p) { make_blocky(p, 2); }},
        {"tff_flagged_bff.mkv", [](const std::string& p) { make_field_order(p, "bff"); }},
        {"tff_flagged_tff.mkv", [](const std::string& p) { make_field_order(p, "tff"); }},
        {"dropped.mkv", make_dropped},
        {"truncated.mkv", make_truncated},
        {"corrupt.mp4", make_corrupt_h264},
        {"corrupt_crc.mkv", make_corrupt_ffv1},
        {"timecoded.mov", make_timecoded},
        {"drop_frame.mov", make_drop_frame},
        {"tiny.mkv", make_tiny},
        {"short_audio.mov", make_short_audio},
        {"loud.mov", make_loud},
        {"surround.mov", make_surround},
        {"intersample.mov", make_intersample},
        {"silent_channel.mov", make_silent_channel},
        {"clipped.mov", make_clipped},
        {"out_of_phase.mov", make_out_of_phase},
        {"programme.mov", make_programme},
        {"mono_44k.mov", make_mono_44k},
    };
    return g;
}

// `std::string var = clip(name)`, ending the test when the clip could not be made.
#define CLIP(var, name) \
    std::string var;    \
    ASSERT_NO_FATAL_FAILURE(var = clip(name))
// `Run var` from `qc(...)`, ending the test when no well-formed report came out.
#define QC(var, ...) \
    Run var;         \
    ASSERT_NO_FATAL_FAILURE(qc(var, __VA_ARGS__))

// ---------------------------------------------------------------------------------------------
// Clean material passes

TEST_F(Qc, CleanClipsPass) {
    // Every clean clip in the default profile (broadcast), one in the two others too.
    const std::vector<std::pair<std::string, std::string>> runs{
        {"moving.mkv", ""},        {"static.mov", ""},          {"moving.mp4", ""},
        {"moving.mkv", "dailies"}, {"moving.mkv", "streaming"}, {"dissolve.mov", ""},
    };
    for (const auto& [name, profile] : runs) {
        SCOPED_TRACE(name + " profile " + (profile.empty() ? "(default)" : profile));
        CLIP(path, name);
        QC(r, path, profile.empty() ? "" : "--profile " + profile);
        EXPECT_EQ(r.report["profile"], profile.empty() ? "broadcast" : profile);
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_EQ(r.report["verdict"], "pass") << events_dump(r.report);
        EXPECT_FALSE(has_error_event(r.report)) << events_dump(r.report);
        // Nothing here is black, frozen (the still shot has grain), damaged or missing.
        for (const char* check : {"black", "freeze", "decode_error", "dropped_frame"}) {
            EXPECT_TRUE(events_of(r.report, check).empty()) << check << "\n"
                                                            << events_dump(r.report);
        }
    }
}

TEST_F(Qc, SampleDailiesHaveNoErrorsInTheDailiesProfile) {
    const auto samples = test::sample_dailies(samples_dir_);
    ASSERT_EQ(samples.size(), 7u);
    for (const auto& path : samples) {
        SCOPED_TRACE(path);
        // The slate's one-frame sync flash (with its beep) is expected in camera originals.
        QC(r, path, "--profile dailies");
        EXPECT_EQ(r.report["profile"], "dailies");
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_EQ(r.report["verdict"], "pass") << events_dump(r.report);
        EXPECT_FALSE(has_error_event(r.report)) << events_dump(r.report);
        if (path.find('%') == std::string::npos) {
            EXPECT_EQ(r.report["video"]["frames"].get<std::int64_t>(), decoded_frames(path));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Planted defects

TEST_F(Qc, BlackHardCutNearBlackAndFade) {
    CLIP(path, "black.mkv");
    QC(r, path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(r.report["verdict"], "fail");
    const auto black = events_of(r.report, "black");
    EXPECT_EQ(black.size(), 3u) << events_dump(r.report);

    const json cut = expect_event_near(r.report, "black", 48, 71);
    if (!cut.is_null()) {
        EXPECT_EQ(cut["severity"], "error");
        EXPECT_TRUE(contains_word(cut["message"], "cut")) << cut.dump();
        EXPECT_FALSE(contains_word(cut["message"], "fade")) << cut.dump();
        EXPECT_NEAR(cut["value"].get<double>(), 0.0, 0.2) << cut.dump();  // legal black
    }
    const json near_black = expect_event_near(r.report, "black", 120, 143);
    if (!near_black.is_null()) {
        EXPECT_EQ(near_black["severity"], "error");
        // Luma 80 in 10-bit: (80 - 64) / 876 = 1.8% above legal black.
        EXPECT_NEAR(near_black["value"].get<double>(), 1.83, 0.3) << near_black.dump();
    }
    // The fade reaches black at 204 and stays there to the end (239); how early in the fade
    // the picture counts as black is the check's threshold.
    bool fade_found = false;
    for (const auto& e : black) {
        const auto s = e["start_frame"].get<std::int64_t>();
        if (s < 186 || s > 205) continue;
        fade_found = true;
        EXPECT_GE(e["end_frame"].get<std::int64_t>(), 238) << e.dump();
        EXPECT_TRUE(contains_word(e["message"], "fade")) << e.dump();
        EXPECT_FALSE(contains_word(e["message"], "cut")) << e.dump();
        EXPECT_NEAR(e["value"].get<double>(), 0.0, 0.2) << e.dump();
    }
    EXPECT_TRUE(fade_found) << "no black event for the fade (186..205 to 239):\n"
                            << events_dump(r.report);
}

TEST_F(Qc, BlackIsAWarningInTheDailiesProfile) {
    CLIP(path, "black.mkv");
    QC(r, path, "--profile dailies");
    EXPECT_EQ(r.report["profile"], "dailies");
    const auto black = events_of(r.report, "black");
    EXPECT_FALSE(black.empty()) << events_dump(r.report);
    for (const auto& e : black) EXPECT_EQ(e["severity"], "warning") << e.dump();
}

TEST_F(Qc, FreezeRangesAndADuplicateFrame) {
    CLIP(path, "freeze.mkv");
    const std::string profile = write("short_freezes.yaml",
                                      "name: short-freezes\n"
                                      "description: any freeze of 0.2 s fails\n"
                                      "checks:\n"
                                      "  freeze:\n"
                                      "    severity: error\n"
                                      "    min_duration: 0.2\n");
    QC(r, path, "--profile " + quote(profile));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    // The frozen range starts at the original (47) or its first repeat (48).
    for (const auto& [first, last] : {std::pair{48, 71}, std::pair{121, 126}}) {
        const json e = expect_event_near(r.report, "freeze", first, last);
        if (e.is_null()) continue;
        EXPECT_EQ(e["severity"], "error") << e.dump();
        EXPECT_LT(e["value"].get<double>(), 0.1) << e.dump();  // exact repeats
    }
    // Frame 160 repeats 159 exactly, once: a duplicate, not a freeze of min_duration.
    bool duplicate = false;
    for (const auto& e : events_of(r.report, "freeze")) {
        const auto s = e["start_frame"].get<std::int64_t>();
        const auto t = e["end_frame"].get<std::int64_t>();
        if (s >= 159 && s <= 160 && t >= 159 && t <= 161)
            duplicate = duplicate || contains_word(e["message"], "duplicate");
    }
    EXPECT_TRUE(duplicate) << "no freeze event saying 'duplicate' at 159..160:\n"
                           << events_dump(r.report);
}

TEST_F(Qc, SeverityOffDisablesACheck) {
    CLIP(path, "freeze.mkv");
    // A JSON profile this time.
    const std::string profile = write(
        "no_freeze.json",
        R"({"name": "no-freeze", "checks": {"freeze": {"severity": "off", "min_duration": 0.2}}})");
    QC(r, path, "--profile " + quote(profile));
    EXPECT_TRUE(events_of(r.report, "freeze").empty()) << events_dump(r.report);
}

TEST_F(Qc, SingleFlashAndPhotosensitiveStrobe) {
    CLIP(path, "flash.mkv");
    QC(r, path);
    EXPECT_EQ(r.exit_code, 1) << r.output;  // photosensitive flashing fails delivery
    const json single = expect_event_near(r.report, "flash", 40, 40);
    if (!single.is_null()) {  // from 19% to 100% luma
        EXPECT_GT(single["value"].get<double>(), 40) << single.dump();
    }
    const json strobe = expect_event_near(r.report, "flash", 96, 118, 2);
    if (!strobe.is_null()) {
        EXPECT_EQ(strobe["severity"], "error") << strobe.dump();
        bool counted = strobe["value"].get<double>() > 3;
        for (double n : numbers_in(strobe["message"])) counted = counted || n > 3;
        EXPECT_TRUE(counted) << "flash count (12) neither in value nor message: " << strobe.dump();
    }
}

TEST_F(Qc, DigitalHits) {
    CLIP(path, "hits.mkv");
    QC(r, path);
    for (int frame : {60, 140}) {
        const json e = expect_event_near(r.report, "digital_hit", frame, frame);
        if (!e.is_null()) {
            EXPECT_GT(e["value"].get<double>(), 0) << e.dump();
        }
    }
}

TEST_F(Qc, IllegalLevels) {
    CLIP(path, "levels.mkv");
    QC(r, path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    const json e = expect_event_near(r.report, "illegal_levels", 72, 95);
    if (!e.is_null()) {
        EXPECT_EQ(e["severity"], "error") << e.dump();
        EXPECT_NEAR(e["value"].get<double>(), 50, 5) << e.dump();  // half the picture
    }
    for (const auto& ev : events_of(r.report, "illegal_levels")) {
        EXPECT_GE(ev["start_frame"].get<std::int64_t>(), 71) << ev.dump();
        EXPECT_LE(ev["end_frame"].get<std::int64_t>(), 96) << ev.dump();
    }
}

TEST_F(Qc, CombingInContentFlaggedProgressive) {
    CLIP(path, "interlace.mkv");
    QC(r, path);
    const json e = expect_event_near(r.report, "interlace", 48, 95, 2);
    if (!e.is_null()) {
        EXPECT_GT(e["value"].get<double>(), 0) << e.dump();
    }
}

TEST_F(Qc, BlockingIsFoundOnlyWhereTheQuantiserMadeIt) {
    CLIP(blocky, "blocky.mpg");
    CLIP(fine, "fine.mpg");
    QC(coarse, blocky);
    const json e = expect_event_near(coarse.report, "blockiness", 0, 71, 1);
    if (!e.is_null()) {
        EXPECT_GT(e["value"].get<double>(), 2.0) << e.dump();
    }
    QC(clean, fine);
    EXPECT_TRUE(events_of(clean.report, "blockiness").empty()) << events_dump(clean.report);
    EXPECT_LT(clean.report["measurements"]["blockiness_max"].get<double>(), 1.5);
}

TEST_F(Qc, FieldOrderFlagContradictedByTheMotion) {
    CLIP(wrong, "tff_flagged_bff.mkv");
    CLIP(right, "tff_flagged_tff.mkv");
    QC(w, wrong);
    const auto events = events_of(w.report, "interlace");
    ASSERT_EQ(events.size(), 1u) << events_dump(w.report);
    EXPECT_NE(events[0]["message"].get<std::string>().find("field order mismatch"),
              std::string::npos)
        << events[0].dump();
    EXPECT_NE(events[0]["message"].get<std::string>().find("says top field first"),
              std::string::npos)
        << events[0].dump();
    QC(r, right);
    EXPECT_TRUE(events_of(r.report, "interlace").empty()) << events_dump(r.report);
}

TEST_F(Qc, DroppedFramesFromTimestampGaps) {
    CLIP(path, "dropped.mkv");
    QC(r, path);
    EXPECT_EQ(r.report["video"]["frames"], 140);
    EXPECT_EQ(events_of(r.report, "dropped_frame").size(), 2u) << events_dump(r.report);
    const json three = expect_event_near(r.report, "dropped_frame", 30, 30);
    if (!three.is_null()) {
        EXPECT_EQ(three["value"].get<double>(), 3) << three.dump();
    }
    const json one = expect_event_near(r.report, "dropped_frame", 97, 97);
    if (!one.is_null()) {
        EXPECT_EQ(one["value"].get<double>(), 1) << one.dump();
    }
    // Across a gap the timecode follows the source's clock (the packets' timestamps).
    const auto packets = video_packets(path);
    const std::string start_tc = r.report["video"].value("start_tc", "00:00:00:00");
    for (const auto& e : events_of(r.report, "dropped_frame")) {
        const auto f = static_cast<std::size_t>(e["start_frame"].get<std::int64_t>());
        ASSERT_LT(f, packets.size());
        const auto clock = std::llround((packets[f].pts_time - packets[0].pts_time) * 24);
        EXPECT_EQ(e["start_tc"], tc_add(start_tc, clock, 24, false)) << e.dump();
    }
}

// A damaged file is a QC result (exit 1, verdict fail), not a failure to run (exit 2).
TEST_F(Qc, TruncatedFileIsADecodeError) {
    CLIP(path, "truncated.mkv");
    const auto decodable = decoded_frames(path);
    QC(r, path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(r.report["verdict"], "fail");
    EXPECT_EQ(r.report["video"]["frames"].get<std::int64_t>(), decodable);
    const auto errors = events_of(r.report, "decode_error");
    ASSERT_FALSE(errors.empty()) << events_dump(r.report);
    // Where the file ends: at the last decodable frame or the first missing one.
    bool at_end = false;
    for (const auto& e : errors) {
        const auto s = e["start_frame"].get<std::int64_t>();
        if (s >= decodable - 3 && s <= decodable) {
            at_end = true;
            EXPECT_EQ(e["severity"], "error") << e.dump();
        }
    }
    EXPECT_TRUE(at_end) << "no decode_error near frame " << decodable - 1 << ":\n"
                        << events_dump(r.report);
}

TEST_F(Qc, CorruptedH264IsADecodeErrorWhereTheDamageIs) {
    CLIP(path, "corrupt.mp4");
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
    const auto damaged = first_damaged_packet(video_packets(path), size / 2, 2048);
    QC(r, path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(r.report["verdict"], "fail");
    EXPECT_EQ(r.report["video"]["frames"].get<std::int64_t>(), decoded_frames(path));
    bool found = false;
    for (const auto& e : events_of(r.report, "decode_error")) {
        const auto s = e["start_frame"].get<std::int64_t>();
        if (s < damaged - 1 || s > damaged + 2) continue;
        found = true;
        EXPECT_EQ(e["severity"], "error") << e.dump();
        EXPECT_GE(e["value"].get<double>(), 1) << e.dump();
    }
    EXPECT_TRUE(found) << "no decode_error starting near frame " << damaged << ":\n"
                       << events_dump(r.report);
}

TEST_F(Qc, CorruptedFfv1SliceIsADecodeErrorWhereTheDamageIs) {
    CLIP(path, "corrupt_crc.mkv");
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path));
    const auto damaged = first_damaged_packet(video_packets(path), size / 2, 2048);
    ASSERT_GE(damaged, 0);
    QC(r, path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(r.report["verdict"], "fail");
    bool found = false;
    for (const auto& e : events_of(r.report, "decode_error")) {
        const auto s = e["start_frame"].get<std::int64_t>();
        if (s < damaged - 1 || s > damaged + 2) continue;
        found = true;
        EXPECT_EQ(e["severity"], "error") << e.dump();
    }
    EXPECT_TRUE(found) << "no decode_error starting near frame " << damaged << ":\n"
                       << events_dump(r.report);
}

TEST_F(Qc, AudioShorterThanVideoIsADurationMismatch) {
    CLIP(path, "short_audio.mov");
    QC(r, path);
    const auto e = events_of(r.report, "duration_mismatch");
    ASSERT_EQ(e.size(), 1u) << events_dump(r.report);
    EXPECT_NEAR(std::fabs(e[0]["value"].get<double>()), 1.0, 0.05) << e[0].dump();
}

// ---------------------------------------------------------------------------------------------
// Sound

double measurement(const json& report, const std::string& name) {
    const json& m = report["measurements"];
    if (!m.contains(name)) {
        ADD_FAILURE() << "no measurement '" << name << "' in " << m.dump();
        return 0;
    }
    return m[name].get<double>();
}

TEST_F(Qc, LoudnessAgreesWithFfmpegEbur128AndFailsR128WhenTooLoud) {
    CLIP(path, "loud.mov");
    const auto ref = ffmpeg_ebur128(path);
    EXPECT_NEAR(ref.summary_integrated, ref.integrated, 0.051);  // the same figure, rounded
    EXPECT_GT(ref.integrated, -20);
    EXPECT_GT(ref.range, 0.5);
    EXPECT_LT(ref.true_peak, -3);
    QC(r, path);
    EXPECT_NEAR(measurement(r.report, "integrated_lufs"), ref.integrated, 0.1);
    EXPECT_NEAR(measurement(r.report, "loudness_range_lu"), ref.range, 0.1);
    EXPECT_NEAR(measurement(r.report, "true_peak_dbtp"), ref.true_peak, 0.1);
    EXPECT_NEAR(measurement(r.report, "momentary_max_lufs"), ref.momentary_max, 0.1);
    EXPECT_NEAR(measurement(r.report, "short_term_max_lufs"), ref.short_term_max, 0.1);
    // About 5 LU over R128's -23 ±0.5: the whole programme fails.
    EXPECT_EQ(r.exit_code, 1) << r.output;
    const json e = expect_event_near(r.report, "loudness", 0, 239, 0);
    if (!e.is_null()) {
        EXPECT_EQ(e["severity"], "error") << e.dump();
        EXPECT_NEAR(e["value"].get<double>(), ref.integrated, 0.1) << e.dump();
    }
    EXPECT_TRUE(events_of(r.report, "true_peak").empty()) << events_dump(r.report);
}

TEST_F(Qc, SurroundLoudnessWeighsChannelsAsFfmpegDoes) {
    CLIP(path, "surround.mov");
    const auto ref = ffmpeg_ebur128(path);
    QC(r, path, "--profile dailies");
    EXPECT_NEAR(measurement(r.report, "integrated_lufs"), ref.integrated, 0.1);
    EXPECT_NEAR(measurement(r.report, "true_peak_dbtp"), ref.true_peak, 0.1);
}

TEST_F(Qc, TruePeakBetweenTheSamples) {
    CLIP(path, "intersample.mov");
    QC(r, path);
    EXPECT_NEAR(measurement(r.report, "sample_peak_dbfs"), -3.46, 0.05);
    const double tp = measurement(r.report, "true_peak_dbtp");
    EXPECT_NEAR(tp, 20 * std::log10(0.95), 0.15);
    EXPECT_NEAR(tp, ffmpeg_ebur128(path).true_peak, 0.1);
    const json e = expect_event_near(r.report, "true_peak", 0, 47, 0);
    if (!e.is_null()) {
        EXPECT_EQ(e["severity"], "error") << e.dump();
        EXPECT_NEAR(e["value"].get<double>(), tp, 0.01) << e.dump();
    }
    EXPECT_TRUE(events_of(r.report, "clipping").empty()) << events_dump(r.report);
}

TEST_F(Qc, SilenceOnOneChannelNamesTheChannel) {
    CLIP(path, "silent_channel.mov");
    QC(r, path);
    ASSERT_EQ(events_of(r.report, "silence").size(), 1u) << events_dump(r.report);
    const json e = expect_event_near(r.report, "silence", 72, 143);
    if (!e.is_null()) {
        EXPECT_EQ(e["severity"], "warning") << e.dump();
        EXPECT_NEAR(e["value"].get<double>(), 3.0, 0.01) << e.dump();
        const std::string message = e["message"];
        EXPECT_NE(message.find("channel 2"), std::string::npos) << message;
        EXPECT_EQ(message.find("channel 1"), std::string::npos) << message;
        EXPECT_TRUE(contains_word(message, "digital silence")) << message;
    }
}

TEST_F(Qc, ClippingWhereItHappens) {
    CLIP(path, "clipped.mov");
    QC(r, path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    ASSERT_EQ(events_of(r.report, "clipping").size(), 1u) << events_dump(r.report);
    const json e = expect_event_near(r.report, "clipping", 60, 60);
    if (!e.is_null()) {
        EXPECT_EQ(e["severity"], "error") << e.dump();
        // 20 ms of a 440 Hz tone: a flat top on every half cycle.
        EXPECT_GE(e["value"].get<double>(), 10) << e.dump();
        EXPECT_LE(e["value"].get<double>(), 20) << e.dump();
        EXPECT_NE(e["message"].get<std::string>().find("channel 1"), std::string::npos) << e.dump();
    }
}

TEST_F(Qc, OutOfPhaseStereo) {
    CLIP(path, "out_of_phase.mov");
    QC(r, path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    ASSERT_EQ(events_of(r.report, "phase").size(), 1u) << events_dump(r.report);
    const json e = expect_event_near(r.report, "phase", 72, 143);
    if (!e.is_null()) {
        EXPECT_EQ(e["severity"], "error") << e.dump();
        EXPECT_LT(e["value"].get<double>(), -0.9) << e.dump();  // one side is the other inverted
    }
}

TEST_F(Qc, CleanProgrammeSoundPassesEveryProfile) {
    CLIP(path, "programme.mov");
    for (const std::string profile : {"broadcast", "streaming", "dailies"}) {
        SCOPED_TRACE(profile);
        QC(r, path, "--profile " + profile);
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_FALSE(has_error_event(r.report)) << events_dump(r.report);
        for (const char* check :
             {"loudness", "true_peak", "silence", "clipping", "phase", "audio_layout"}) {
            EXPECT_TRUE(events_of(r.report, check).empty()) << check << "\n"
                                                            << events_dump(r.report);
        }
        EXPECT_NEAR(measurement(r.report, "integrated_lufs"), -23, 0.15);
        EXPECT_GT(measurement(r.report, "phase_correlation_min"), 0);
    }
}

TEST_F(Qc, ChannelLayoutAndSampleRateAgainstTheProfile) {
    CLIP(path, "mono_44k.mov");
    QC(broadcast, path);  // 48 kHz expected
    auto layout = events_of(broadcast.report, "audio_layout");
    ASSERT_EQ(layout.size(), 1u) << events_dump(broadcast.report);
    EXPECT_EQ(layout[0]["severity"], "error");
    EXPECT_EQ(layout[0]["value"].get<double>(), 44100);
    EXPECT_NE(layout[0]["message"].get<std::string>().find("44100 Hz"), std::string::npos)
        << layout[0].dump();
    const std::string stereo = write("stereo.yaml",
                                     "name: stereo\n"
                                     "checks:\n"
                                     "  audio_layout:\n"
                                     "    expected_streams: 1\n"
                                     "    expected_channels: 2\n"
                                     "    expected_layout: stereo\n"
                                     "    severity: warning\n");
    QC(r, path, "--profile " + quote(stereo));
    layout = events_of(r.report, "audio_layout");
    ASSERT_EQ(layout.size(), 2u) << events_dump(r.report);  // 1 channel, mono; any rate
    for (const auto& e : layout) EXPECT_EQ(e["severity"], "warning") << e.dump();
    // A clip without sound, where sound is expected.
    CLIP(silent, "tiny.mkv");
    QC(none, silent, "--profile " + quote(stereo));
    layout = events_of(none.report, "audio_layout");
    ASSERT_EQ(layout.size(), 1u) << events_dump(none.report);
    EXPECT_NE(layout[0]["message"].get<std::string>().find("no audio"), std::string::npos);
}

TEST_F(Qc, SoundChecksAreNodeTypesAndQcParameters) {
    const auto r = cinepipe("filters --json");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json j = json::parse(r.output, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.output.substr(0, 500);
    const std::string text = j.dump();
    for (const char* name :
         {"\"loudness\"", "\"silence\"", "\"clipping\"", "\"phase\"", "\"audio_layout\"",
          "\"loudness.target\"", "\"silence.threshold\"", "\"clipping.min_samples\"",
          "\"phase.threshold\"", "\"audio_layout.expected_sample_rate\""})
        EXPECT_NE(text.find(name), std::string::npos) << name;
}

// ---------------------------------------------------------------------------------------------
// The report

TEST_F(Qc, ReportDescribesTheFileAndTimesEveryEvent) {
    CLIP(path, "timecoded.mov");
    QC(r, path);
    const json& j = r.report;
    EXPECT_NE(j.value("input", "").find("timecoded.mov"), std::string::npos) << j["input"];
    EXPECT_EQ(j["profile"], "broadcast");
    EXPECT_EQ(j["verdict"], "fail");  // one second of black
    const json s = ffprobe(
        "-select_streams v:0 -show_entries stream=r_frame_rate,width,height,"
        "pix_fmt " +
        quote(path))["streams"][0];
    const json& v = j["video"];
    EXPECT_EQ(v["frames"].get<std::int64_t>(), decoded_frames(path));
    EXPECT_EQ(v["fps"], s["r_frame_rate"]);
    EXPECT_EQ(v["width"], 320);
    EXPECT_EQ(v["height"], 180);
    // The contract writes "yuv422p10"; FFmpeg's name has the byte order too.
    EXPECT_TRUE(v["pix_fmt"] == "yuv422p10" || v["pix_fmt"] == s["pix_fmt"]) << v["pix_fmt"];
    EXPECT_EQ(v["start_tc"], "01:00:00:00");
    EXPECT_EQ(v["drop_frame"], false);
    const json& a = j["audio"];
    EXPECT_EQ(a["streams"], 1);
    EXPECT_EQ(a["channels"], 2);
    EXPECT_EQ(a["sample_rate"], 48000);
    EXPECT_NEAR(a["duration"].get<double>(), 4.0, 0.01);
    EXPECT_TRUE(events_of(j, "duration_mismatch").empty()) << events_dump(j);

    const json black = expect_event_near(j, "black", 24, 47, 0);
    if (!black.is_null()) {
        EXPECT_EQ(black["start_tc"], "01:00:01:00");
        EXPECT_EQ(black["end_tc"], "01:00:01:23");
        EXPECT_NEAR(black["duration"].get<double>(), 1.0, 1e-3);
        EXPECT_EQ(black["severity"], "error");
    }

    // per_frame against ffmpeg's signalstats on the same decoded pictures.
    const auto stats = signalstats(path);
    const auto lmin = per_frame_column(j, "luma_min");
    const auto lavg = per_frame_column(j, "luma_avg");
    const auto lmax = per_frame_column(j, "luma_max");
    const auto diff = per_frame_column(j, "diff");
    ASSERT_EQ(lavg.size(), stats.size());
    ASSERT_EQ(lmin.size(), stats.size());
    ASSERT_EQ(lmax.size(), stats.size());
    ASSERT_EQ(diff.size(), stats.size());
    for (std::size_t n = 0; n < stats.size(); ++n) {
        SCOPED_TRACE("frame " + std::to_string(n));
        EXPECT_NEAR(lavg[n], stats[n].at("YAVG"), 1.0);
        EXPECT_NEAR(lmin[n], stats[n].at("YMIN"), 4.0);
        EXPECT_NEAR(lmax[n], stats[n].at("YMAX"), 4.0);
        if (n == 0) continue;
        // Mean absolute difference in % of the range: the nominal 876 codes or the full 1023.
        const double ydif = stats[n].at("YDIF");
        const double tol = 0.05 + 0.02 * diff[n];
        EXPECT_TRUE(std::fabs(diff[n] - ydif / 876 * 100) < tol ||
                    std::fabs(diff[n] - ydif / 1023 * 100) < tol)
            << diff[n] << " vs YDIF " << ydif;
    }
    for (std::size_t n = 25; n <= 47; ++n) EXPECT_LT(diff[n], 0.05) << n;  // black, still
    EXPECT_GT(diff[24], 20) << "the cut to black";
    // Whole-clip measurements agree with the per-frame rows.
    const json& m = j["measurements"];
    EXPECT_NEAR(m["luma_min"].get<double>(), *std::min_element(lmin.begin(), lmin.end()), 0.5);
    EXPECT_NEAR(m["luma_max"].get<double>(), *std::max_element(lmax.begin(), lmax.end()), 0.5);
    double sum = 0;
    for (double x : lavg) sum += x;
    EXPECT_NEAR(m["luma_avg"].get<double>(), sum / lavg.size(), 0.5);
}

TEST_F(Qc, DropFrameTimecodes) {
    CLIP(path, "drop_frame.mov");
    QC(r, path);
    const json& v = r.report["video"];
    EXPECT_EQ(v["fps"], "30000/1001");
    EXPECT_EQ(v["start_tc"], "01:00:59;00");
    EXPECT_EQ(v["drop_frame"], true);
    EXPECT_EQ(v["frames"], 120);
    // 20 frames in, and 49: past 01:00:59;29 comes 01:01:00;02.
    const json black = expect_event_near(r.report, "black", 20, 49, 0);
    if (!black.is_null()) {
        EXPECT_EQ(black["start_tc"], "01:00:59;20");
        EXPECT_EQ(black["end_tc"], "01:01:00;21");
        EXPECT_NEAR(black["duration"].get<double>(), 1.001, 1e-3);
    }
}

TEST_F(Qc, ThreadsDoNotChangeTheReport) {
    CLIP(path, "black.mkv");
    // With more than one thread each picture is measured in the parallel stage, in any
    // order, and the in-order part collects the measurements.
    QC(one, path, "--threads 1");
    for (const char* threads : {"--threads 2", "--threads 4"}) {
        SCOPED_TRACE(threads);
        QC(many, path, threads);
        EXPECT_EQ(one.report["events"], many.report["events"]);
        EXPECT_EQ(one.report["per_frame"], many.report["per_frame"]);
        EXPECT_EQ(one.report["measurements"], many.report["measurements"]);
        EXPECT_EQ(one.report["verdict"], many.report["verdict"]);
    }
}

TEST_F(Qc, ShippedProfilesAreTheCompiledIn) {
    CLIP(path, "timecoded.mov");  // black (error or warning by profile)
    for (const std::string name : {"broadcast", "dailies", "streaming"}) {
        SCOPED_TRACE(name);
        const std::string file = std::string(CINEPIPE_SOURCE_DIR) + "/samples/qc/" + name + ".yaml";
        ASSERT_TRUE(std::filesystem::exists(file)) << file;
        QC(by_name, path, "--profile " + name);
        QC(by_file, path, "--profile " + quote(file));
        EXPECT_EQ(by_name.report["events"], by_file.report["events"]);
        EXPECT_EQ(by_name.report["verdict"], by_file.report["verdict"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Command line

TEST_F(Qc, ListProfiles) {
    const auto r = cinepipe("qc --list-profiles");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    for (const char* name : {"broadcast", "dailies", "streaming"})
        EXPECT_NE(r.output.find(name), std::string::npos) << r.output;
}

TEST_F(Qc, MissingInputIsAOneLineError) {
    const std::string missing = out_ / "missing.mov";
    expect_one_line_error(cinepipe("qc " + quote(missing) + " --json " + quote(out_ / "r.json")), 2,
                          missing);
    EXPECT_FALSE(std::filesystem::exists(out_ / "r.json"));
}

TEST_F(Qc, UnknownProfileNameIsAOneLineError) {
    CLIP(path, "tiny.mkv");
    expect_one_line_error(
        cinepipe("qc " + quote(path) + " --profile bradcast --json " + quote(out_ / "r.json")), 2,
        "bradcast");
    EXPECT_FALSE(std::filesystem::exists(out_ / "r.json"));
}

TEST_F(Qc, BadProfileFilesAreOneLineErrorsNamingFileAndLine) {
    CLIP(path, "tiny.mkv");
    const std::string malformed = write("malformed.yaml", "name: broken\nchecks: [black\n");
    expect_one_line_error(cinepipe("qc " + quote(path) + " --profile " + quote(malformed) +
                                   " --json " + quote(out_ / "r.json")),
                          2, malformed);
    struct Case {
        std::string name, text, word;
        int line;
    };
    const std::vector<Case> cases{
        {"unknown_check.yaml", "name: typo\nchecks:\n  blak:\n    severity: error\n", "blak", 3},
        {"unknown_param.yaml",
         "name: typo\nchecks:\n  black:\n    severity: error\n    min_durations: 1\n",
         "min_durations", 5},
        {"out_of_range.yaml",
         "name: typo\nchecks:\n  black:\n    severity: error\n    min_duration: -1\n",
         "min_duration", 5},
        {"bad_severity.yaml", "name: typo\nchecks:\n  black:\n    severity: fatal\n", "fatal", 4},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const std::string file = write(c.name, c.text);
        const auto r = cinepipe("qc " + quote(path) + " --profile " + quote(file) + " --json " +
                                quote(out_ / "r.json"));
        expect_one_line_error(r, 2, file);
        EXPECT_NE(r.output.find(c.word), std::string::npos) << r.output;
        // "FILE:LINE", "FILE line LINE", "FILE (line LINE)"...
        const std::regex at_line(std::regex_replace(c.name, std::regex(R"(\.)"), R"(\.)") +
                                 R"(\D{0,10})" + std::to_string(c.line) + R"(\b)");
        EXPECT_TRUE(std::regex_search(r.output, at_line)) << "line " << c.line << ": " << r.output;
    }
    EXPECT_FALSE(std::filesystem::exists(out_ / "r.json"));
}

TEST_F(Qc, ExistingReportIsKeptWithoutOverwrite) {
    CLIP(path, "tiny.mkv");
    const std::string report = write("r.json", "keep me");
    expect_one_line_error(cinepipe("qc " + quote(path) + " --json " + quote(report)), 3,
                          "--overwrite");
    EXPECT_EQ(test::read_file(report), "keep me");
    const auto r = cinepipe("qc -q " + quote(path) + " --json " + quote(report) + " --overwrite");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const json written = json::parse(test::read_file(report), nullptr, false);
    EXPECT_TRUE(written.is_object() && written.value("schema", "") == "cinepipe.qc/1")
        << test::read_file(report).substr(0, 200);
}

TEST_F(Qc, UnwritableReportIsExitCode3) {
    CLIP(path, "tiny.mkv");
    const std::string report = out_ / "no/such/folder/r.json";
    const auto r = cinepipe("qc " + quote(path) + " --json " + quote(report));
    expect_one_line_error(r, 3, "no/such/folder");
}

}  // namespace
}  // namespace cinepipe
