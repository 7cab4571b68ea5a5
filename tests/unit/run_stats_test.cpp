// --stats' accumulators: exact counts from many threads at once, merging by stage name, and
// the pipeline's and encode()'s stages counting every frame once.

#include "cinepipe/run_stats.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "cinepipe/pipeline.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"
#include "clip_fixture.h"
#include "test_support.h"

namespace cinepipe {
namespace {

TEST(RunStats, MeterCountsExactlyFromManyThreads) {
    StageMeter meter("work");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                StageTimer timer(&meter);
                timer.count(1, 3);
            }
        });
    for (auto& t : threads) t.join();
    const StageStats s = meter.stats();
    EXPECT_EQ(s.name, "work");
    EXPECT_EQ(s.frames, 40000);
    EXPECT_EQ(s.bytes, 120000);
    EXPECT_GE(s.busy_seconds, 0);
}

TEST(RunStats, TimerWithoutMeterDoesNothing) {
    StageTimer timer(nullptr);
    timer.count(5);
    SUCCEED();
}

TEST(RunStats, MergeAddsByNameAndKeepsFirstSeenOrder) {
    RunStats a;
    a.frames = 10;
    a.threads = 2;
    a.stages = {{"decode", 10, 1.0, 0}, {"out (writer)", 10, 2.0, 0}};
    RunStats b;
    b.frames = 5;
    b.threads = 4;
    b.stages = {{"decode", 5, 0.5, 0}, {"hash", 0, 0.25, 1000}};
    a.merge(b);
    ASSERT_EQ(a.stages.size(), 3U);
    EXPECT_EQ(a.stages[0].name, "decode");
    EXPECT_EQ(a.stages[0].frames, 15);
    EXPECT_DOUBLE_EQ(a.stages[0].busy_seconds, 1.5);
    EXPECT_EQ(a.stages[2].name, "hash");
    EXPECT_EQ(a.stages[2].bytes, 1000);
    EXPECT_EQ(a.frames, 15);
    EXPECT_EQ(a.threads, 4);
    EXPECT_DOUBLE_EQ(a.busy_seconds(), 3.75);
}

TEST(RunStats, RecorderGivesOneMeterPerNameInOrder) {
    StatsRecorder r;
    StageMeter& first = r.stage("b");
    r.stage("a");
    EXPECT_EQ(&r.stage("b"), &first);
    RunStats run;
    run.frames = 3;
    run.threads = 2;
    run.stages = {{"a", 3, 0.5, 0}, {"c", 0, 0.25, 0}};
    r.merge(run);
    const RunStats s = r.snapshot();
    ASSERT_EQ(s.stages.size(), 3U);
    EXPECT_EQ(s.stages[0].name, "b");
    EXPECT_EQ(s.stages[1].name, "a");
    EXPECT_EQ(s.stages[1].frames, 3);
    EXPECT_NEAR(s.stages[1].busy_seconds, 0.5, 1e-9);
    EXPECT_EQ(s.stages[2].name, "c");
    EXPECT_EQ(s.frames, 3);
    EXPECT_EQ(s.threads, 2);
}

TEST(RunStats, PipelineMetersCountPicturesOnly) {
    auto reader = test::flash_pattern(30);
    StageMeter read("decode"), transform("t"), sink("s");
    PipelineStages stages;
    stages.transform = [](MediaUnit u) { return u; };
    stages.sink = [](const MediaUnit&) {};
    stages.read_meter = &read;
    stages.transform_meter = &transform;
    stages.sink_meter = &sink;
    SchedulePolicy policy;
    policy.threads = 3;
    CancelToken cancel;
    run_pipeline(*reader, stages, policy, cancel);
    EXPECT_EQ(read.stats().frames, 30);
    EXPECT_EQ(transform.stats().frames, 30);
    EXPECT_EQ(sink.stats().frames, 30);
}

TEST(RunStats, EncodeReportsDecodeConversionAndWriter) {
    test::TempDir dir;
    auto reader = test::flash_pattern(12);
    WriterConfig cfg = writer_config_for(reader->info(), dir / "out.mp4");
    SchedulePolicy policy;
    policy.threads = 2;
    CancelToken cancel;
    const TranscodeResult r = encode(*reader, cfg, policy, cancel);
    EXPECT_EQ(r.stats.frames, 12);
    EXPECT_EQ(r.stats.threads, 2);
    EXPECT_GT(r.stats.wall_seconds, 0);
    ASSERT_EQ(r.stats.stages.size(), 3U);
    EXPECT_EQ(r.stats.stages[0].name, "decode");
    EXPECT_EQ(r.stats.stages[0].frames, 12);
    EXPECT_EQ(r.stats.stages[1].name, "convert yuv422p10 64x64 -> yuv420p for output");
    EXPECT_EQ(r.stats.stages[1].frames, 12);
    EXPECT_EQ(r.stats.stages[2].name, "output (writer)");
    EXPECT_EQ(r.stats.stages[2].frames, 12);
}

}  // namespace
}  // namespace cinepipe
