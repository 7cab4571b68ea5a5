// Running graphs: one decode feeds every branch without copies, conversions are negotiated
// and shared, results do not depend on the thread count, and a failing or cancelled run
// leaves nothing behind.

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cinepipe/builtin_filters.h"
#include "cinepipe/error.h"
#include "cinepipe/graph.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"
#include "clip_fixture.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::TempDir;

constexpr std::int64_t kFrames = 24;

// Test nodes, registered per test: a recorder of the frames an analyser sees, a transform
// that takes only one format and counts its calls, a transform that fails on one frame.
struct Seen {
    std::mutex mutex;
    std::vector<const VideoFrame*> frames;
    std::atomic<int> calls{0};
};

class Recorder final : public Node {
  public:
    explicit Recorder(Seen& seen) : seen_(seen) {}
    StreamDesc configure(const StreamDesc& in) override { return in; }
    void consume(const MediaUnit& unit) override {
        if (!unit.video) return;
        std::lock_guard lock(seen_.mutex);
        seen_.frames.push_back(unit.video.get());
        ++seen_.calls;
    }

  private:
    Seen& seen_;
};

class Wants final : public Node {
  public:
    Wants(PixelFormat format, Seen& seen, std::int64_t fail_at)
        : format_(format), seen_(seen), fail_at_(fail_at) {}
    std::vector<PixelFormat> accepted_formats(const StreamDesc&) override { return {format_}; }
    StreamDesc configure(const StreamDesc& in) override { return in; }
    FramePtr process(const FramePtr& in) override {
        ++seen_.calls;
        if (in->format != format_) throw std::logic_error("negotiation did not convert");
        if (in->index == fail_at_)
            throw FilterError("simulated failure at frame " + std::to_string(in->index));
        return in;
    }

  private:
    PixelFormat format_;
    Seen& seen_;
    std::int64_t fail_at_;
};

// An analyser whose parallel part fails on one picture.
class FailingPreparer final : public Node {
  public:
    explicit FailingPreparer(Seen& seen) : seen_(seen) {}
    StreamDesc configure(const StreamDesc& in) override { return in; }
    [[nodiscard]] bool prepares() const override { return true; }
    void prepare(const FramePtr& frame) override {
        if (frame->index == 5) throw FilterError("cannot measure frame 5");
    }
    void consume(const MediaUnit&) override { ++seen_.calls; }

  private:
    Seen& seen_;
};

// Records whether each input it is handed could be written in place.
class WritableProbe final : public Node {
  public:
    explicit WritableProbe(Seen& seen) : seen_(seen) {}
    StreamDesc configure(const StreamDesc& in) override { return in; }
    FramePtr process(const FramePtr& in) override {
        if (writable_in_place(in)) ++seen_.calls;
        return in;
    }

  private:
    Seen& seen_;
};

class GraphRunTest : public ::testing::Test {
  protected:
    void SetUp() override {
        register_builtin_filters(registry_);
        clip_ = dir_ / "clip.mkv";
        test::write_clip(clip_, "ffv1", test::small_clip(160, 90, kFrames));
        add_recorder("rec_a", a_);
        add_recorder("rec_b", b_);
        add_wants("want_rgb48", PixelFormat::Rgb48, rgb_);
        add_wants("want_rgb48_too", PixelFormat::Rgb48, rgb2_);
        add_wants("want_float", PixelFormat::Gbrpf32, flt_);
        FilterInfo probe;
        probe.name = "writable_probe";
        probe.create = [this](const ParamSet&, const NodeContext&) {
            return std::make_unique<WritableProbe>(writable_);
        };
        registry_.add(probe);
        FilterInfo preparer;
        preparer.name = "failing_preparer";
        preparer.kind = NodeKind::Analyser;
        preparer.thread_safe = false;
        preparer.needs_in_order = true;
        preparer.create = [this](const ParamSet&, const NodeContext&) {
            return std::make_unique<FailingPreparer>(b_);
        };
        registry_.add(preparer);
    }

    void add_recorder(const std::string& name, Seen& seen) {
        FilterInfo f;
        f.name = name;
        f.kind = NodeKind::Analyser;
        f.thread_safe = false;
        f.needs_in_order = true;
        f.create = [&seen](const ParamSet&, const NodeContext&) {
            return std::make_unique<Recorder>(seen);
        };
        registry_.add(f);
    }

    void add_wants(const std::string& name, PixelFormat format, Seen& seen) {
        FilterInfo f;
        f.name = name;
        ParamSpec fail_at;
        fail_at.name = "fail_at";
        fail_at.type = ParamType::Int;
        fail_at.default_value = std::int64_t{-1};
        f.params = {fail_at};
        f.create = [&seen, format](const ParamSet& p, const NodeContext&) {
            return std::make_unique<Wants>(format, seen, p.get_int("fail_at"));
        };
        registry_.add(f);
    }

    GraphRunResult run(const std::string& nodes, int threads = 2,
                       const CancelToken* cancel = nullptr) {
        GraphOptions options;
        options.schedule.threads = threads;
        CancelToken none;
        Graph graph(parse_graph_spec("nodes:\n  - {id: src, type: source, params: {path: " + clip_ +
                                         "}}\n" + nodes,
                                     "test.yaml"),
                    registry_, options, cancel ? *cancel : none);
        return graph.run();
    }

    int conversions(const std::string& nodes) {
        CancelToken cancel;
        Graph graph(parse_graph_spec("nodes:\n  - {id: src, type: source, params: {path: " + clip_ +
                                         "}}\n" + nodes,
                                     "test.yaml"),
                    registry_, {}, cancel);
        return graph.conversions();
    }

    TempDir dir_;
    std::string clip_;
    FilterRegistry registry_;
    Seen a_, b_, rgb_, rgb2_, flt_, writable_;
};

TEST_F(GraphRunTest, FanOutToTwoWritersDecodesOnce) {
    const std::string master = dir_ / "master.mov";
    const std::string proxy = dir_ / "proxy.mkv";
    const auto r = run("  - {id: master, type: writer, inputs: [src], params: {path: " + master +
                       ", codec: prores_proxy}}\n"
                       "  - {id: proxy, type: writer, inputs: [src], params: {path: " +
                       proxy + ", codec: ffv1}}\n");
    EXPECT_EQ(r.source.frames, kFrames);
    EXPECT_EQ(r.source.decoded_pictures, kFrames);  // not 2 * kFrames
    ASSERT_EQ(r.outputs.size(), 2u);
    for (const auto& path : {master, proxy}) {
        auto reader = MediaReader::open(path);
        std::int64_t n = 0;
        while (auto u = reader->next())
            if (u->video) ++n;
        EXPECT_EQ(n, kFrames) << path;
    }
}

TEST_F(GraphRunTest, BranchesShareTheDecodedFrameWithoutACopy) {
    run("  - {id: a, type: rec_a, inputs: [src]}\n  - {id: b, type: rec_b, inputs: [src]}\n");
    ASSERT_EQ(a_.frames.size(), static_cast<std::size_t>(kFrames));
    EXPECT_EQ(a_.frames, b_.frames);  // the very same VideoFrame objects
}

TEST_F(GraphRunTest, ConversionsAreNegotiatedAndShared) {
    // The source is yuv422p10: no branch asks for it, so each distinct need costs one
    // conversion, made once however many branches share it.
    EXPECT_EQ(conversions("  - {id: a, type: rec_a, inputs: [src]}\n"), 0);
    EXPECT_EQ(
        conversions(
            "  - {id: x, type: want_rgb48, inputs: [src]}\n"
            "  - {id: y, type: want_rgb48_too, inputs: [src]}\n"
            "  - {id: ax, type: rec_a, inputs: [x]}\n  - {id: ay, type: rec_b, inputs: [y]}\n"),
        1);
    EXPECT_EQ(
        conversions(
            "  - {id: x, type: want_rgb48, inputs: [src]}\n"
            "  - {id: y, type: want_float, inputs: [src]}\n"
            "  - {id: ax, type: rec_a, inputs: [x]}\n  - {id: ay, type: rec_b, inputs: [y]}\n"),
        2);
    run("  - {id: x, type: want_rgb48, inputs: [src]}\n  - {id: y, type: want_float, inputs: "
        "[src]}\n"
        "  - {id: ax, type: rec_a, inputs: [x]}\n  - {id: ay, type: rec_b, inputs: [y]}\n");
    EXPECT_EQ(rgb_.calls.load(), kFrames);
    EXPECT_EQ(flt_.calls.load(), kFrames);
}

TEST_F(GraphRunTest, SameResultWithOneAndManyThreads) {
    // A branch with a conversion and a parallel transform, a second writing the source.
    auto render = [&](int threads) {
        const std::string tag = std::to_string(threads);
        run("  - {id: x, type: want_float, inputs: [src]}\n"
            "  - {id: h1, type: framemd5, inputs: [x], params: {path: " +
                dir_ / ("float" + tag + ".md5") +
                "}}\n"
                "  - {id: h2, type: framemd5, inputs: [src], params: {path: " +
                dir_ / ("src" + tag + ".md5") +
                "}}\n"
                "  - {id: w, type: writer, inputs: [x], params: {path: " +
                dir_ / ("out" + tag + ".mkv") + ", codec: ffv1}}\n",
            threads);
    };
    render(1);
    render(4);
    EXPECT_EQ(test::read_file(dir_ / "float1.md5"), test::read_file(dir_ / "float4.md5"));
    EXPECT_EQ(test::read_file(dir_ / "src1.md5"), test::read_file(dir_ / "src4.md5"));
    EXPECT_EQ(test::read_file(dir_ / "out1.mkv"), test::read_file(dir_ / "out4.mkv"));
    EXPECT_FALSE(test::read_file(dir_ / "float1.md5").empty());
}

TEST_F(GraphRunTest, TheLastReaderIsHandedItsFrameAlone) {
    // Alone on the source, the probe may write each decoded picture in place; with a second
    // branch reading the source after it, never. (ProRes: an intra codec whose decoder keeps
    // no reference to its pictures. FFV1's keeps the last one, so its pictures are copied.)
    clip_ = dir_ / "clip.mov";
    test::write_clip(clip_, "prores_hq", test::small_clip(160, 90, kFrames));
    run("  - {id: p, type: writable_probe, inputs: [src]}\n"
        "  - {id: h, type: framemd5, inputs: [p], params: {path: " +
        dir_ / "a.md5" + "}}\n");
    EXPECT_EQ(writable_.calls, kFrames);
    writable_.calls = 0;
    run("  - {id: p, type: writable_probe, inputs: [src]}\n"
        "  - {id: h, type: framemd5, inputs: [p], params: {path: " +
        dir_ / "b.md5" +
        "}}\n"
        "  - {id: h2, type: framemd5, inputs: [src], params: {path: " +
        dir_ / "c.md5" + "}}\n");
    EXPECT_EQ(writable_.calls, 0);
}

TEST_F(GraphRunTest, InPlaceGradesAndBurnInsLeaveOtherBranchesUntouched) {
    test::write_test_cube(dir_ / "look.cube", 17);
    const auto md5 = [&](const std::string& name) {
        return test::framemd5_hashes(test::read_file(dir_ / (name + ".md5")));
    };
    const auto hash = [&](const std::string& id, const std::string& input) {
        return "  - {id: " + id + ", type: framemd5, inputs: [" + input +
               "], params: {path: " + dir_ / (id + ".md5") + "}}\n";
    };
    const std::string look =
        "  - {id: look, type: lut, inputs: [src], params: {path: " + dir_ / "look.cube" + "}}\n";
    const std::string burn =
        "  - {id: burn, type: burnin, inputs: [look], params: {items: timecode@bl}}\n";
    run(hash("plain", "src"));
    // Graded and burnt alone (in place) ...
    run(look + burn + hash("alone", "burn"));
    run(look + hash("graded_alone", "look"));
    // ... and with the source and the graded picture read by other branches after them.
    run(look + burn + hash("burnt", "burn") + hash("graded", "look") + hash("source", "src"));
    EXPECT_EQ(md5("source"), md5("plain"));
    EXPECT_EQ(md5("burnt"), md5("alone"));
    EXPECT_EQ(md5("graded"), md5("graded_alone"));
    EXPECT_NE(md5("graded"), md5("plain"));
    EXPECT_NE(md5("graded"), md5("burnt"));
    EXPECT_EQ(md5("plain").size(), static_cast<std::size_t>(kFrames));
}

TEST_F(GraphRunTest, QcAfterATransformFitsItsPoolAtAnyThreadCount) {
    // QC keeps the pictures it compares past their unit. After a transform they come from the
    // transform's bounded pool, which throws when asked for more than its bound; the run must
    // complete, with the same frame differences at any thread count.
    std::vector<float> first;
    for (const int threads : {1, 2, 4}) {
        const GraphRunResult r =
            run("  - {id: fit, type: scale, inputs: [src], params: {width: 64, height: 36}}\n"
                "  - {id: q, type: qc, inputs: [fit]}\n",
                threads);
        ASSERT_EQ(r.qc.size(), 1U) << threads;
        ASSERT_EQ(r.qc[0].frames, kFrames) << threads;
        std::vector<float> diffs;
        for (const auto& f : r.qc[0].per_frame) diffs.push_back(f.diff);
        if (first.empty()) first = diffs;
        EXPECT_EQ(diffs, first) << threads;
    }
    EXPECT_EQ(first.front(), -1.0F);  // no picture before the first
    EXPECT_GT(first.back(), 0.0F);    // the synthetic source moves
}

TEST_F(GraphRunTest, FrameMd5MatchesFfmpeg) {
    const std::string md5 = dir_ / "ours.md5";
    run("  - {id: h, type: framemd5, inputs: [src], params: {path: " + md5 + "}}\n");
    const auto ffmpeg = test::run_command("ffmpeg -v error -i " + test::quote(clip_) +
                                          " -map 0:v -pix_fmt yuv422p10le -f framemd5 -");
    ASSERT_EQ(ffmpeg.exit_code, 0) << ffmpeg.output;
    const auto ours = test::framemd5_hashes(test::read_file(md5));
    EXPECT_EQ(ours.size(), static_cast<std::size_t>(kFrames));
    EXPECT_EQ(ours, test::framemd5_hashes(ffmpeg.output));
}

TEST_F(GraphRunTest, AFailingFilterStopsTheRunAndLeavesNoOutput) {
    const std::string out = dir_ / "out.mkv";
    EXPECT_THROW(run("  - {id: x, type: want_rgb48, inputs: [src], params: {fail_at: 10}}\n"
                     "  - {id: w, type: writer, inputs: [x], params: {path: " +
                     out +
                     ", codec: ffv1}}\n"
                     "  - {id: h, type: framemd5, inputs: [src], params: {path: " +
                     dir_ / "h.md5" + "}}\n"),
                 FilterError);
    EXPECT_EQ(dir_.entries(), std::vector<std::string>{"clip.mkv"});
}

TEST_F(GraphRunTest, AnAnalysersFailingPrepareNamesTheNodeAndLeavesNoOutput) {
    const std::string out = dir_ / "out.mkv";
    try {
        run("  - {id: m, type: failing_preparer, inputs: [src]}\n"
            "  - {id: w, type: writer, inputs: [src], params: {path: " +
            out + ", codec: ffv1}}\n");
        FAIL() << "the run went through";
    } catch (const FilterError& e) {
        EXPECT_STREQ(e.what(), "node 'm': cannot measure frame 5");
    }
    EXPECT_LT(b_.calls, kFrames);
    EXPECT_EQ(dir_.entries(), std::vector<std::string>{"clip.mkv"});
}

TEST_F(GraphRunTest, CancellingLeavesNoOutput) {
    CancelToken cancel;
    FilterInfo f;
    f.name = "cancel_at_5";
    f.kind = NodeKind::Analyser;
    f.thread_safe = false;
    struct CancelAt final : Node {
        explicit CancelAt(CancelToken& c) : cancel(c) {}
        StreamDesc configure(const StreamDesc& in) override { return in; }
        void consume(const MediaUnit& u) override {
            if (u.video && u.video->index == 5) cancel.cancel();
        }
        CancelToken& cancel;
    };
    f.create = [&cancel](const ParamSet&, const NodeContext&) {
        return std::make_unique<CancelAt>(cancel);
    };
    registry_.add(f);
    EXPECT_THROW(run("  - {id: c, type: cancel_at_5, inputs: [src]}\n"
                     "  - {id: w, type: writer, inputs: [src], params: {path: " +
                         dir_ / "out.mov" + "}}\n",
                     2, &cancel),
                 Cancelled);
    EXPECT_EQ(dir_.entries(), std::vector<std::string>{"clip.mkv"});
}

TEST_F(GraphRunTest, NoOutputAppearsUnlessEveryNodeCompletes) {
    // A report that fails while completing, after the writer before it has flushed: the
    // writer's finished master must not appear either.
    struct FailsAtFinish final : Node {
        StreamDesc configure(const StreamDesc& in) override { return in; }
        void finish() override { throw OutputError("report: disk full"); }
    };
    FilterInfo f;
    f.name = "fails_at_finish";
    f.kind = NodeKind::Analyser;
    f.thread_safe = false;
    f.create = [](const ParamSet&, const NodeContext&) {
        return std::make_unique<FailsAtFinish>();
    };
    registry_.add(f);
    EXPECT_THROW(run("  - {id: w, type: writer, inputs: [src], params: {path: " + dir_ / "m.mkv" +
                     ", codec: ffv1}}\n  - {id: r, type: fails_at_finish, inputs: [src]}\n"),
                 OutputError);
    EXPECT_EQ(dir_.entries(), std::vector<std::string>{"clip.mkv"});
}

TEST_F(GraphRunTest, ImageSequenceSourceWithManyThreads) {
    // The sequence reader hands out frames from its own pool; with many threads in flight
    // and an encoder holding frames it must not run dry.
    test::write_clip(dir_ / "seq.%04d.dpx", "dpx10", test::small_clip(128, 72, 40));
    CancelToken cancel;
    GraphOptions options;
    options.schedule.threads = 8;
    Graph graph(parse_graph_spec(
                    "nodes:\n  - {id: src, type: source, params: {path: " + dir_ / "seq.%04d.dpx" +
                        "}}\n  - {id: w, type: writer, "
                        "input: src, params: {path: " +
                        dir_ / "seq.%04d.tif" + "}}\n",
                    "seq.yaml"),
                registry_, options, cancel);
    const auto r = graph.run();
    EXPECT_EQ(r.source.frames, 40);
}

TEST_F(GraphRunTest, StatsAnalyserReadsTheNativeLumaPlane) {
    const std::string json = dir_ / "stats.json";
    run("  - {id: s, type: stats, inputs: [src], params: {path: " + json + "}}\n");
    const auto report = nlohmann::json::parse(test::read_file(json));
    EXPECT_EQ(report["format"], "yuv422p10");
    ASSERT_EQ(report["frames"].size(), static_cast<std::size_t>(kFrames));
    EXPECT_EQ(report["summary"]["frames"], kFrames);
    // The same average as FFmpeg's signalstats on the first frame.
    const auto ffmpeg = test::run_command(
        "ffprobe -v error -f lavfi -i " + test::quote("movie=" + clip_ + ",signalstats") +
        " -show_entries frame_tags=lavfi.signalstats.YAVG -of csv=p=0 -read_intervals %+#1");
    ASSERT_EQ(ffmpeg.exit_code, 0) << ffmpeg.output;
    EXPECT_NEAR(report["frames"][0]["yavg"].get<double>(), std::stod(ffmpeg.output), 0.01);
}

}  // namespace
}  // namespace cinepipe
