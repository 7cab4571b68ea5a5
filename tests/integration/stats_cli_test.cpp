// `--stats` on every command (docs/PERFORMANCE.md): the table on stderr names the stages a
// command ran, the decode stage counts the clip's frames (ffprobe as the oracle), each node
// counts what it processed, busy shares add up to 100 %, and stdout is byte-identical with
// and without the flag. No timing thresholds: only structure, counts and signs.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cinepipe/mhl.h"
#include "cli_support.h"

namespace cinepipe {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::ffprobe;
using test::kCinepipe;
using test::quote;
using test::read_file;
using test::run_command;
using test::TempDir;

// stdout and stderr of one run, kept apart.
struct Split {
    int exit_code = -1;
    std::string out;
    std::string err;
};

Split run_split(const std::string& args, const TempDir& dir) {
    static int runs = 0;
    const std::string err_path = dir / ("stderr" + std::to_string(++runs) + ".txt");
    const auto r = run_command(quote(kCinepipe) + " " + args + " 2>" + quote(err_path));
    return {r.exit_code, r.output, read_file(err_path)};
}

struct Row {
    std::string name;
    long frames = -1;  // -1: "-" (a phase that is not per frame)
    double busy = 0;
    double share = 0;
};

struct Table {
    std::string command;
    std::vector<Row> rows;
    double total_busy = 0;
    std::string summary;

    [[nodiscard]] const Row* find(const std::string& name) const {
        const auto it =
            std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.name == name; });
        return it == rows.end() ? nullptr : &*it;
    }
    [[nodiscard]] std::string names() const {
        std::string s;
        for (const auto& r : rows) s += "  [" + r.name + "]\n";
        return s;
    }
};

// Parses the text table: a "cinepipe stats: CMD" line, a header, one row per stage (the name,
// then frames, busy s, ms/frame, frames/s, [MB/s,] share), "total busy", a summary line.
std::optional<Table> parse_table(const std::string& err) {
    std::istringstream in(err);
    std::string line;
    while (std::getline(in, line) && line.rfind("cinepipe stats: ", 0) != 0) {
    }
    if (!in) return std::nullopt;
    Table t;
    t.command = line.substr(16);
    std::string header;
    std::getline(in, header);
    const std::size_t numbers = header.find("MB/s") != std::string::npos ? 6 : 5;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string x; words >> x;) w.push_back(x);
        if (w.size() >= 3 && w[0] == "total" && w[1] == "busy") {
            t.total_busy = std::stod(w[2]);
            std::getline(in, t.summary);
            return t;
        }
        if (w.size() <= numbers) return std::nullopt;
        Row r;
        for (std::size_t i = 0; i + numbers < w.size(); ++i) r.name += (i ? " " : "") + w[i];
        const std::size_t f = w.size() - numbers;
        r.frames = w[f] == "-" ? -1 : std::stol(w[f]);
        r.busy = std::stod(w[f + 1]);
        const std::string& share = w.back();
        r.share = share == "-" ? 0 : std::stod(share.substr(0, share.size() - 1));
        t.rows.push_back(r);
    }
    return std::nullopt;
}

// The checks every table passes, whatever the command.
void expect_well_formed(const Table& t, const std::string& err) {
    double shares = 0, busy = 0;
    for (const auto& r : t.rows) {
        EXPECT_GE(r.busy, 0) << r.name;
        EXPECT_GE(r.share, 0) << r.name;
        shares += r.share;
        busy += r.busy;
    }
    // Each share is rounded to 0.1 %, each time to a millisecond.
    if (t.total_busy > 0) {
        EXPECT_NEAR(shares, 100.0, 0.05 * double(t.rows.size()) + 0.01) << err;
    }
    EXPECT_NEAR(busy, t.total_busy, 0.0005 * double(t.rows.size()) + 0.001) << err;
    EXPECT_NE(t.summary.find("wall "), std::string::npos) << err;
    EXPECT_NE(t.summary.find("thread"), std::string::npos) << err;
    EXPECT_NE(t.summary.find("peak RSS"), std::string::npos) << err;
}

Table table_of(const Split& r, const std::string& command) {
    const auto t = parse_table(r.err);
    EXPECT_TRUE(t.has_value()) << "no stats table in:\n" << r.err;
    if (!t) return {};
    EXPECT_EQ(t->command, command);
    expect_well_formed(*t, r.err);
    return *t;
}

// The --stats=json line on stderr.
json json_of(const std::string& err) {
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("{\"schema\":\"cinepipe.stats/1\"", 0) == 0) return json::parse(line);
    ADD_FAILURE() << "no cinepipe.stats/1 line in:\n" << err;
    return json::object();
}

long frames_of(const std::string& path) {
    const json j = ffprobe(
        "-count_packets -select_streams v:0 -show_entries stream=nb_read_packets " + quote(path));
    return std::stol(j["streams"][0]["nb_read_packets"].get<std::string>());
}

void expect_frames(const Table& t, const std::string& stage, long frames) {
    const Row* r = t.find(stage);
    ASSERT_NE(r, nullptr) << "no stage '" << stage << "' in\n" << t.names();
    EXPECT_EQ(r->frames, frames) << stage;
}

class Stats : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dailies_ = std::make_unique<TempDir>();
        const auto r = test::cinepipe("samples -q " + quote(dailies_->path().string()) +
                                      " --duration 1.5 --size 320x180");
        ASSERT_EQ(r.exit_code, 0) << r.output;
        clip_ = *dailies_ / "A001C001_prores_hq.mov";
        frames_ = frames_of(clip_);
    }
    static void TearDownTestSuite() { dailies_.reset(); }

    static inline std::unique_ptr<TempDir> dailies_;
    static inline std::string clip_;
    static inline long frames_ = 0;
    TempDir out_;
};

TEST_F(Stats, GradeNamesDecodeTheGradeNodeAndTheWriter) {
    ASSERT_GT(frames_, 0);
    // To H.264: the CDL works on the 4:2:2 picture itself, the writer takes 4:2:0, so the graph
    // inserts one conversion, which is a stage of its own.
    const auto r = run_split("grade -q " + quote(clip_) + " -o " + quote(out_ / "graded.mp4") +
                                 " --slope 1.1,1,0.9 --sat 0.9 --stats",
                             out_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    const Table t = table_of(r, "grade");
    expect_frames(t, "decode", frames_);
    expect_frames(t, "cdl (cdl)", frames_);
    expect_frames(t, "output (writer)", frames_);
    // Phases that are not per frame show "-".
    expect_frames(t, "set up graph", -1);
    EXPECT_TRUE(std::any_of(t.rows.begin(), t.rows.end(), [&](const Row& row) {
        return row.name.rfind("convert ", 0) == 0 &&
               row.name.find(" for output") != std::string::npos && row.frames == frames_;
    })) << t.names();
    EXPECT_NE(t.summary.find(std::to_string(frames_) + " frames"), std::string::npos) << t.summary;
    EXPECT_EQ(frames_of(out_ / "graded.mp4"), frames_);
}

TEST_F(Stats, QcCountsEveryFrameAndLeavesStdoutAlone) {
    const auto plain = run_split("qc " + quote(clip_) + " --profile dailies", out_);
    const auto with = run_split("qc " + quote(clip_) + " --profile dailies --stats", out_);
    EXPECT_EQ(plain.exit_code, with.exit_code) << with.err;
    EXPECT_EQ(plain.out, with.out);
    EXPECT_FALSE(with.out.empty());
    EXPECT_EQ(plain.err.find("cinepipe stats"), std::string::npos) << plain.err;
    const Table t = table_of(with, "qc");
    expect_frames(t, "decode", frames_);
    expect_frames(t, "qc (qc)", frames_);
}

TEST_F(Stats, JsonFormHasTheSameStages) {
    const auto r = run_split("qc " + quote(clip_) + " --profile dailies --stats=json", out_);
    const json j = json_of(r.err);
    ASSERT_TRUE(j.contains("stages")) << r.err;
    EXPECT_EQ(j["command"], "qc");
    EXPECT_EQ(j["frames"], frames_);
    EXPECT_GE(j["threads"].get<int>(), 1);
    EXPECT_GT(j["peak_rss_bytes"].get<long>(), 0);
    double share = 0;
    bool decode = false;
    for (const auto& s : j["stages"]) {
        EXPECT_GE(s["busy_seconds"].get<double>(), 0);
        share += s["share"].get<double>();
        if (s["name"] == "decode") {
            decode = true;
            EXPECT_EQ(s["frames"], frames_);
        }
    }
    EXPECT_TRUE(decode) << r.err;
    EXPECT_NEAR(share, 1.0, 1e-6);
    // Not the table as well.
    EXPECT_EQ(r.err.find("cinepipe stats:"), std::string::npos) << r.err;
}

TEST_F(Stats, UnknownFormIsAUsageError) {
    const auto r = test::cinepipe("probe " + quote(clip_) + " --stats=yaml");
    EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST_F(Stats, TranscodeHasDecodeAndWriterStages) {
    const auto r = run_split(
        "transcode -q " + quote(clip_) + " -o " + quote(out_ / "t.mkv") + " --codec ffv1 --stats",
        out_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Table t = table_of(r, "transcode");
    expect_frames(t, "decode", frames_);
    expect_frames(t, "output (writer)", frames_);
    EXPECT_EQ(frames_of(out_ / "t.mkv"), frames_);

    // To H.264 the writer takes 4:2:0: the conversion is a stage, named by what it does.
    const auto h = run_split(
        "transcode -q " + quote(clip_) + " -o " + quote(out_ / "t.mp4") + " --stats", out_);
    ASSERT_EQ(h.exit_code, 0) << h.err;
    const Table th = table_of(h, "transcode");
    expect_frames(th, "convert yuv422p10 320x180 -> yuv420p for output", frames_);
    expect_frames(th, "output (writer)", frames_);
}

TEST_F(Stats, RenderNamesNodesAndTheConversionsThePlanInserted) {
    const std::string graph = out_ / "g.yaml";
    std::ofstream(graph) << "version: 1\nnodes:\n"
                            "  - {id: src, type: source, params: {path: \""
                         << clip_
                         << "\"}}\n"
                            "  - {id: proxy_scale, type: scale, input: src, params: {width: 160, "
                            "height: 90}}\n"
                            "  - {id: proxy, type: writer, input: proxy_scale, params: {path: \""
                         << (out_ / "p.mp4")
                         << "\"}}\n"
                            "  - {id: check, type: qc, input: src}\n";
    const auto plan = run_split("render " + quote(graph) + " --check", out_);
    ASSERT_EQ(plan.exit_code, 0) << plan.err << plan.out;
    std::vector<std::string> conversions;
    std::istringstream lines(plan.out);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("convert ", 0) == 0)
            conversions.push_back(line.substr(0, line.rfind("  [")));
    ASSERT_FALSE(conversions.empty()) << plan.out;

    const auto r = run_split("render -q " + quote(graph) + " --stats", out_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Table t = table_of(r, "render");
    expect_frames(t, "decode", frames_);
    expect_frames(t, "proxy_scale (scale)", frames_);
    expect_frames(t, "proxy (writer)", frames_);
    expect_frames(t, "check (qc)", frames_);
    for (const auto& c : conversions) expect_frames(t, c, frames_);
    EXPECT_EQ(frames_of(out_ / "p.mp4"), frames_);
}

TEST_F(Stats, ProxyOfTwoSourcesAddsUpTheirStages) {
    const std::string second = *dailies_ / "A001C004_ffv1.mkv";
    const long second_frames = frames_of(second);
    const auto r = run_split("proxy -q " + quote(clip_) + " " + quote(second) + " -o " +
                                 quote(out_.path().string()) +
                                 " --preset review-720 --burnin timecode --thumbnails --stats",
                             out_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Table t = table_of(r, "proxy");
    const long both = frames_ + second_frames;
    expect_frames(t, "decode", both);
    expect_frames(t, "proxy (writer)", both);
    expect_frames(t, "burnin (burnin)", both);
    expect_frames(t, "thumbnails (thumbnails)", both);
    EXPECT_NE(t.summary.find(std::to_string(both) + " frames"), std::string::npos) << t.summary;
}

TEST_F(Stats, ProbeJsonIsIdenticalWithStats) {
    const auto plain = run_split("probe --json " + quote(clip_), out_);
    const auto with = run_split("probe --json " + quote(clip_) + " --stats", out_);
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    ASSERT_EQ(with.exit_code, 0) << with.err;
    EXPECT_EQ(plain.out, with.out);
    EXPECT_TRUE(json::accept(with.out)) << with.out;
    const Table t = table_of(with, "probe");
    expect_frames(t, "probe (open, count packets)", -1);
    // The global position of the flag works too.
    const auto before = run_split("--stats probe --json " + quote(clip_), out_);
    EXPECT_EQ(before.out, plain.out);
    EXPECT_TRUE(parse_table(before.err).has_value()) << before.err;
}

TEST_F(Stats, SyncPatternReportsItsPhase) {
    const auto plain = run_split("sync " + quote(clip_), out_);
    const auto with = run_split("sync " + quote(clip_) + " --stats", out_);
    EXPECT_EQ(plain.exit_code, with.exit_code);
    EXPECT_EQ(plain.out, with.out);
    const Table t = table_of(with, "sync");
    ASSERT_NE(t.find("find sync pattern (read head, detect)"), nullptr) << t.names();
}

TEST_F(Stats, DualSystemSyncAndLaybackReportReadingCorrelationAndTheCopy) {
    const std::string roll = out_ / "roll.wav";
    test::ffmpeg(
        "-f lavfi -i \"anoisesrc=color=pink:duration=8:seed=7:sample_rate=48000,"
        "volume='0.2+0.8*abs(sin(2*PI*2.3*t))':eval=frame\" -c:a pcm_s24le " +
        quote(roll));
    const std::string clip = out_ / "cam.mov";
    test::ffmpeg("-f lavfi -i testsrc2=size=160x90:rate=24:duration=3 -i " + quote(roll) +
                 " -filter_complex \"[1:a]atrim=start=3:duration=3,asetpts=PTS-STARTPTS[a]\" "
                 "-map 0:v -map \"[a]\" -c:v prores_ks -c:a pcm_s16le -ac 1 " +
                 quote(clip));
    const auto r = run_split("sync " + quote(clip) + " --audio " + quote(roll) + " -o " +
                                 quote(out_ / "synced.mov") + " --stats",
                             out_);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const Table t = table_of(r, "sync");
    for (const char* phase : {"read clip sound", "read recording (8 kHz)", "correlate",
                              "read recording", "encode sound"})
        EXPECT_NE(t.find(phase), nullptr) << phase << "\n" << t.names();
    expect_frames(t, "copy picture", frames_of(clip));
}

TEST_F(Stats, SamplesAddUpEveryClip) {
    const auto r = run_split(
        "samples -q " + quote(out_ / "dailies") + " --duration 0.25 --size 256x144 --stats", out_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Table t = table_of(r, "samples");
    const Row* decode = t.find("decode");
    ASSERT_NE(decode, nullptr) << t.names();
    const Row* writer = t.find("output (writer)");
    ASSERT_NE(writer, nullptr) << t.names();
    EXPECT_EQ(decode->frames, writer->frames);
    EXPECT_GT(decode->frames, 0);
}

TEST_F(Stats, ListingCommandsKeepTheirStdout) {
    for (const std::string cmd : {"presets --json", "filters --json"}) {
        const auto plain = run_split(cmd, out_);
        const auto with = run_split(cmd + " --stats", out_);
        ASSERT_EQ(with.exit_code, 0) << cmd << with.err;
        EXPECT_EQ(plain.out, with.out) << cmd;
        const Table t = table_of(with, cmd.substr(0, cmd.find(' ')));
        EXPECT_FALSE(t.rows.empty()) << cmd;
    }
}

TEST_F(Stats, BatchSumsItsClips) {
    const fs::path cards = out_ / "cards";
    fs::create_directories(cards);
    long total = 0;
    for (const std::string name : {"A001C001.mov", "A001C002.mov"}) {
        const std::string path = (cards / name).string();
        test::ffmpeg(
            "-f lavfi -i testsrc2=size=160x90:rate=24:duration=1 -f lavfi -i "
            "sine=frequency=440:sample_rate=48000:duration=1 -c:v prores_ks "
            "-pix_fmt yuv422p10le -c:a pcm_s24le " +
            quote(path));
        total += frames_of(path);
    }
    const std::string job = out_ / "day.yaml";
    std::ofstream(job) << "version: 1\nname: day\nsources:\n  - folder: " << cards.string()
                       << "\nqc: dailies\noutputs:\n  folder: " << (out_ / "out")
                       << "\n  master:\n    preset: prores-422-hq\n  proxy:\n    preset: "
                          "review-720\n";
    const auto r = run_split("batch " + quote(job) + " -j 2 --progress none --stats", out_);
    // 1 would be a QC verdict on the test pictures; the clips were still delivered.
    ASSERT_LE(r.exit_code, 1) << r.err << r.out;
    const Table t = table_of(r, "batch");
    expect_frames(t, "decode", total);
    expect_frames(t, "master (writer)", total);
    expect_frames(t, "proxy (writer)", total);
    expect_frames(t, "qc (qc)", total);
    ASSERT_NE(t.find("hash outputs"), nullptr) << t.names();
    ASSERT_NE(t.find("write MHL and report"), nullptr) << t.names();
    EXPECT_NE(t.summary.find(std::to_string(total) + " frames"), std::string::npos) << t.summary;
}

TEST(StatsVerify, HashingReportsBytes) {
    TempDir dir;
    const std::string root = dir / "DAY01";
    fs::create_directories(root);
    std::vector<MhlEntry> entries;
    for (const std::string name : {"a.mov", "b.mov"}) {
        std::ofstream(root + "/" + name, std::ios::binary) << std::string(300000, 'x');
        entries.push_back(make_mhl_entry(root, root + "/" + name, true));
    }
    write_mhl_generation(root, entries);
    const auto plain = run_split("verify " + quote(root), dir);
    const auto with = run_split("verify " + quote(root) + " --stats", dir);
    ASSERT_EQ(with.exit_code, 0) << with.err << with.out;
    EXPECT_EQ(plain.out, with.out);
    const Table t = table_of(with, "verify");
    ASSERT_NE(t.find("check chain"), nullptr) << t.names();
    ASSERT_NE(t.find("hash files"), nullptr) << t.names();
    // Bytes were counted, so the table has its MB/s column.
    EXPECT_NE(with.err.find("MB/s"), std::string::npos) << with.err;
    const json j = json_of(run_split("verify " + quote(root) + " --stats=json", dir).err);
    for (const auto& s : j["stages"]) {
        if (s["name"] == "hash files") {
            EXPECT_EQ(s["bytes"], 600000);
        }
    }
}

}  // namespace
}  // namespace cinepipe
