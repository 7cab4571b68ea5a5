// End-to-end `cinepipe render` and `cinepipe filters`: the sample graphs shipped in
// samples/graphs run on generated dailies, plugins load from --plugin-path and
// CINEPIPE_PLUGIN_PATH, and every failure is one line with nothing partial left behind.
// ffprobe is the oracle for what was written.

#include <gtest/gtest.h>

#include <filesystem>
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
using test::kCinepipe;
using test::quote;
using test::run_command;
using test::TempDir;

const std::string kGraphs = std::string(CINEPIPE_SOURCE_DIR) + "/samples/graphs/";
const std::string kPlugins = CINEPIPE_EXAMPLE_PLUGIN_DIR;
const std::string kTestPlugins = CINEPIPE_TEST_PLUGIN_DIR;

json video_stream(const std::string& path) {
    const json j = ffprobe(
        "-count_frames -select_streams v:0 -show_entries "
        "stream=codec_name,width,height,pix_fmt,nb_read_frames,sample_aspect_ratio " +
        quote(path));
    return j["streams"][0];
}

long frames_of(const std::string& path) {
    return std::stol(video_stream(path)["nb_read_frames"].get<std::string>());
}

class Render : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dailies_ = std::make_unique<TempDir>();
        const auto r = cinepipe("samples -q " + quote(dailies_->path().string()) +
                                " --duration 1 --size 320x180");
        ASSERT_EQ(r.exit_code, 0) << r.output;
        clip_ = *dailies_ / "A001C001_prores_hq.mov";
        clip_frames_ = frames_of(clip_);
    }
    static void TearDownTestSuite() { dailies_.reset(); }

    // `cinepipe render` of a shipped sample graph with its source and outputs redirected.
    test::CommandResult render(const std::string& graph, const std::string& sets,
                               const std::string& extra = "") {
        return cinepipe("render " + quote(kGraphs + graph) + " --set src.path=" + quote(clip_) +
                        " " + sets + " " + extra);
    }

    std::string set(const std::string& node_param, const std::string& file) const {
        return " --set " + node_param + "=" + quote(out_ / file);
    }

    static inline std::unique_ptr<TempDir> dailies_;
    static inline std::string clip_;
    static inline long clip_frames_ = 0;
    TempDir out_;
};

TEST_F(Render, TranscodeSampleGraph) {
    const auto r = render("transcode.yaml", set("master.path", "m.mov"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json v = video_stream(out_ / "m.mov");
    EXPECT_EQ(v["codec_name"], "prores");
    EXPECT_EQ(v["width"], 320);
    EXPECT_EQ(std::stol(v["nb_read_frames"].get<std::string>()), clip_frames_);
}

TEST_F(Render, MasterAndProxyFromOneDecode) {
    const auto r =
        render("master_proxy.yaml", set("master.path", "m.mov") + set("proxy.path", "p.mp4") +
                                        set("levels.path", "levels.json") +
                                        " --set proxy_scale.width=160 --set proxy_scale.height=90");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("rendered " + std::to_string(clip_frames_) + " frames (decoded once)"),
              std::string::npos)
        << r.output;
    const json master = video_stream(out_ / "m.mov");
    const json proxy = video_stream(out_ / "p.mp4");
    EXPECT_EQ(master["codec_name"], "prores");
    EXPECT_EQ(master["width"], 320);
    EXPECT_EQ(master["pix_fmt"], "yuv422p10le");
    EXPECT_EQ(proxy["codec_name"], "h264");
    EXPECT_EQ(proxy["width"], 160);
    EXPECT_EQ(proxy["height"], 90);
    EXPECT_EQ(proxy["pix_fmt"], "yuv420p");
    EXPECT_EQ(std::stol(master["nb_read_frames"].get<std::string>()), clip_frames_);
    EXPECT_EQ(std::stol(proxy["nb_read_frames"].get<std::string>()), clip_frames_);
    const json levels = json::parse(test::read_file(out_ / "levels.json"));
    EXPECT_EQ(levels["frames"].size(), static_cast<std::size_t>(clip_frames_));
    EXPECT_EQ(levels["frames"][0]["timecode"], "01:00:00:00");
}

TEST_F(Render, QcOnlyGraphMatchesFfmpegFramemd5) {
    const auto r = render("qc_only.json", set("levels.path", "l.json") + set("md5.path", "f.md5"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto ff = run_command("ffmpeg -v error -i " + quote(clip_) +
                                " -map 0:v -pix_fmt yuv422p10le -f framemd5 -");
    ASSERT_EQ(ff.exit_code, 0);
    EXPECT_EQ(test::framemd5_hashes(test::read_file(out_ / "f.md5")).size(),
              static_cast<std::size_t>(clip_frames_));
    EXPECT_EQ(test::framemd5_hashes(test::read_file(out_ / "f.md5")),
              test::framemd5_hashes(ff.output));
}

TEST_F(Render, LetterboxGraphScalesCropsAndPads) {
    const auto r = render("letterbox.yaml",
                          set("master.path", "lb.mov") +
                              " --set fit.width=640 --set band.y=46 --set band.width=640"
                              " --set band.height=268 --set bars.width=640 --set bars.height=360");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json v = video_stream(out_ / "lb.mov");
    EXPECT_EQ(v["width"], 640);
    EXPECT_EQ(v["height"], 360);
    // The bars are black: the top rows average to limited-range black (16 in 8 bits).
    const auto bars = run_command(
        "ffprobe -v error -f lavfi -i " +
        quote("movie=" + out_ / "lb.mov" + ",crop=640:40:0:0,signalstats") +
        " -show_entries frame_tags=lavfi.signalstats.YAVG -of csv=p=0 -read_intervals %+#1");
    ASSERT_EQ(bars.exit_code, 0) << bars.output;
    EXPECT_NEAR(std::stod(bars.output), 64.0, 1.0);  // 10-bit black
}

TEST_F(Render, PluginLookSameResultWithOneAndTwoThreads) {
    const auto a = render("plugin_look.yaml", set("master.path", "t1.mov"),
                          "--plugin-path " + quote(kPlugins) + " --threads 1");
    ASSERT_EQ(a.exit_code, 0) << a.output;
    const auto b = render("plugin_look.yaml", set("master.path", "t2.mov"),
                          "--plugin-path " + quote(kPlugins) + " --threads 2");
    ASSERT_EQ(b.exit_code, 0) << b.output;
    EXPECT_EQ(frames_of(out_ / "t1.mov"), clip_frames_);
    auto md5 = [](const std::string& path) {
        return run_command("ffmpeg -v error -i " + quote(path) + " -map 0:v -f md5 -").output;
    };
    EXPECT_EQ(md5(out_ / "t1.mov"), md5(out_ / "t2.mov"));
    // The look changed the picture: the corners are darker than the source's.
    EXPECT_NE(md5(out_ / "t1.mov"), md5(clip_));
}

TEST_F(Render, PluginsFromTheEnvironment) {
    const auto r =
        run_command("CINEPIPE_PLUGIN_PATH=" + quote(kPlugins) + " " + quote(kCinepipe) +
                    " render " + quote(kGraphs + "plugin_look.yaml") +
                    " --set src.path=" + quote(clip_) + set("master.path", "e.mov") + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(std::filesystem::exists(out_ / "e.mov"));
    // Without a plugin path the plugin filters are unknown types, named with their node.
    expect_one_line_error(render("plugin_look.yaml", set("master.path", "x.mov")), 2,
                          "node 'vignette' (vignette): unknown node type");
}

TEST_F(Render, AFailingPluginStopsTheRunWithNothingWritten) {
    std::ofstream(out_ / "g.yaml")
        << "nodes:\n  - {id: src, type: source, params: {path: " << clip_
        << "}}\n  - {id: bad, type: failing, input: src, params: {fail_at: 5}}\n"
        << "  - {id: master, type: writer, input: bad, params: {path: " << out_ / "m.mov"
        << "}}\n  - {id: raw, type: writer, input: src, "
        << "params: {path: " << out_ / "raw.mov"
        << "}}\n";
    const auto r = cinepipe("render " + quote(out_ / "g.yaml") + " --plugin-path " +
                            quote(kTestPlugins + "/failing"));
    expect_one_line_error(r, 5, "failed on frame 5: simulated failure at frame 5");
    EXPECT_NE(r.output.find("node 'bad'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("failing.so"), std::string::npos) << r.output;
    EXPECT_EQ(out_.entries(), std::vector<std::string>{"g.yaml"});
}

// A plugin that crashes, aborts, throws or hangs in process(): one line naming the plugin
// filter, its file, the callback and the frame; exit 5; neither output nor temporary left, not
// even of the writer that does not pass through the plugin.
TEST_F(Render, AMisbehavingPluginIsNamedAndLeavesNothingBehind) {
    struct Case {
        const char* fault;
        const char* says;
    };
    for (const Case c :
         {Case{"crash", "crashed (SIGSEGV, invalid memory access) in process() on frame 4"},
          Case{"abort", "crashed (SIGABRT, it aborted) in process() on frame 4"},
          Case{"throw", "failed on frame 4: it threw an exception across the C ABI"},
          Case{"hang", "hung: process() on frame 4 has not returned after 1 s"}}) {
        SCOPED_TRACE(c.fault);
        std::ofstream(out_ / "g.yaml")
            << "nodes:\n  - {id: src, type: source, params: {path: " << clip_
            << "}}\n  - {id: bad, type: misbehaving, input: src, params: {fault: " << c.fault
            << ", at: 4}}\n  - {id: master, type: writer, input: bad, params: {path: "
            << out_ / "m.mov"
            << "}}\n  - {id: raw, type: writer, input: src, params: {path: " << out_ / "raw.mov"
            << "}}\n";
        // `timeout`: a hang the host missed fails here (exit 124), not at ctest's limit.
        const auto r = run_command("timeout 60 " + quote(kCinepipe) + " render " +
                                   quote(out_ / "g.yaml") + " --plugin-timeout 1 --plugin-path " +
                                   quote(kTestPlugins + "/misbehaving") + " 2>&1");
        expect_one_line_error(r, 5, c.says);
        EXPECT_NE(r.output.find("plugin filter 'misbehaving' ("), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("misbehaving.so"), std::string::npos) << r.output;
        EXPECT_EQ(out_.entries(), std::vector<std::string>{"g.yaml"});
    }
    // The limit also comes from the environment (g.yaml now hangs), and a bad value there is
    // refused.
    const std::string render_hang = "timeout 60 " + quote(kCinepipe) + " render " +
                                    quote(out_ / "g.yaml") + " --plugin-path " +
                                    quote(kTestPlugins + "/misbehaving") + " 2>&1";
    expect_one_line_error(run_command("CINEPIPE_PLUGIN_TIMEOUT=1 " + render_hang), 5,
                          "has not returned after 1 s");
    expect_one_line_error(run_command("CINEPIPE_PLUGIN_TIMEOUT=soon " + render_hang), 2,
                          "CINEPIPE_PLUGIN_TIMEOUT='soon': give a number of seconds");
    EXPECT_EQ(out_.entries(), std::vector<std::string>{"g.yaml"});
}

TEST_F(Render, BrokenPluginsAreRefusedByName) {
    expect_one_line_error(
        cinepipe("filters --plugin-path " + quote(kTestPlugins + "/wrong_version")), 2,
        "wrong_version.so was built for plugin API 999; this cinepipe supports 1");
    expect_one_line_error(cinepipe("filters --plugin-path " + quote(kTestPlugins + "/no_entry")), 2,
                          "no_entry.so is not a cinepipe plugin");
    expect_one_line_error(cinepipe("filters --plugin-path " + quote(out_ / "nowhere")), 2,
                          "does not exist");
}

TEST_F(Render, FiltersListsBuiltinsAndPluginsWithTheirSchemas) {
    const auto r =
        run_command(quote(kCinepipe) + " filters --json --plugin-path " + quote(kPlugins));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json j = json::parse(r.output);
    EXPECT_EQ(j["schema"], "cinepipe.filters/1");
    std::map<std::string, json> by_name;
    for (const auto& f : j["filters"]) by_name[f["name"]] = f;
    for (const char* name : {"source", "writer", "discard", "scale", "crop", "pad", "format",
                             "setparams", "passthrough", "stats", "framemd5", "vignette", "grain"})
        EXPECT_TRUE(by_name.count(name)) << name;
    const json& scale = by_name["scale"];
    EXPECT_EQ(scale["kind"], "transform");
    EXPECT_EQ(scale["origin"], "built-in");
    bool has_filter_choice = false;
    for (const auto& p : scale["params"])
        if (p["name"] == "filter") {
            has_filter_choice = true;
            EXPECT_EQ(p["default"], "lanczos");
            EXPECT_NE(std::find(p["choices"].begin(), p["choices"].end(), "bicubic"),
                      p["choices"].end());
        }
    EXPECT_TRUE(has_filter_choice);
    EXPECT_NE(by_name["vignette"]["origin"].get<std::string>().find("vignette.so"),
              std::string::npos);
    EXPECT_EQ(by_name["vignette"]["params"][0]["type"], "float");
    // The text listing names every filter too.
    const auto text = cinepipe("filters --plugin-path " + quote(kPlugins));
    ASSERT_EQ(text.exit_code, 0);
    EXPECT_NE(text.output.find("grain 1.0 (transform, plugin, parallel)"), std::string::npos)
        << text.output;
}

TEST_F(Render, InvalidGraphIsOneLineWithFileLineAndNode) {
    std::ofstream(out_ / "g.yaml")
        << "nodes:\n  - id: src\n    type: source\n    params: {path: " << clip_
        << "}\n  - id: small\n    type: scale\n    input: src\n"
        << "    params: {width: huge}\n"
        << "  - {id: out, type: writer, input: small, params: {path: " << out_ / "o.mov"
        << "}}\n";
    expect_one_line_error(
        cinepipe("render " + quote(out_ / "g.yaml")), 2,
        out_ / "g.yaml" + ":8: node 'small' (scale): parameter 'width' must be an integer");
    expect_one_line_error(
        cinepipe("render " + quote(out_ / "g.yaml") + " --set small.width=64 --set nosuch.x=1"), 2,
        "no node 'nosuch'");
    EXPECT_EQ(out_.entries(), std::vector<std::string>{"g.yaml"});
}

TEST_F(Render, CheckPrintsThePlanAndWritesNothing) {
    const auto r = render("plugin_look.yaml", set("master.path", "m.mov"),
                          "--check --plugin-path " + quote(kPlugins));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("convert yuv422p10 320x180 -> rgb48 for vignette"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("valid (2 conversions)"), std::string::npos) << r.output;
    EXPECT_TRUE(out_.entries().empty());
}

TEST_F(Render, InterruptLeavesNoOutputs) {
    // A long enough source that the run is still going after a second.
    test::ffmpeg("-f lavfi -i testsrc=s=1280x720:r=24:d=8 -c:v mpeg2video -q:v 4 " +
                 quote(out_ / "long.mpg"));
    std::ofstream(out_ / "g.yaml")
        << "nodes:\n  - {id: src, type: source, params: {path: " << out_ / "long.mpg"
        << "}}\n"
        << "  - {id: a, type: writer, input: src, params: {path: " << out_ / "a.mov"
        << ", codec: h265}}\n"
        << "  - {id: b, type: stats, input: src, params: {path: " << out_ / "b.json"
        << "}}\n";
    const std::string cmd = quote(kCinepipe) + " render -q " + quote(out_ / "g.yaml");
    const auto r = run_command("sh -c '" + cmd +
                               " & pid=$!; sleep 1.5; kill -INT $pid; wait $pid; echo rc=$?' 2>&1");
    EXPECT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
    EXPECT_EQ(out_.entries(), (std::vector<std::string>{"g.yaml", "long.mpg"}));
}

}  // namespace
}  // namespace cinepipe
