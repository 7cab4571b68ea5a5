// The ordered pipeline: order restored after the parallel stage, a hard bound on units in
// flight, exceptions and cancellation stop it and reach the caller.

#include "cinepipe/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "cinepipe/error.h"
#include "cinepipe/samples.h"
#include "clip_fixture.h"

namespace cinepipe {
namespace {

TEST(Pipeline, SinkSeesEveryUnitInOrderDespiteUnevenParallelWork) {
    auto reader = test::flash_pattern(60);
    std::vector<std::int64_t> seen;
    PipelineStages stages;
    stages.transform = [](MediaUnit u) {
        // Early frames take longest, so without reordering they would arrive last.
        std::this_thread::sleep_for(std::chrono::microseconds(2000 - 30 * (u.video->index % 60)));
        return u;
    };
    stages.sink = [&](const MediaUnit& u) { seen.push_back(u.video->index); };
    SchedulePolicy policy;
    policy.threads = 4;
    CancelToken cancel;
    run_pipeline(*reader, stages, policy, cancel);
    ASSERT_EQ(seen.size(), 60u);
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<std::int64_t>(i));
}

TEST(Pipeline, NeverHasMoreUnitsInFlightThanItsBound) {
    auto reader = test::flash_pattern(80);
    std::atomic<int> alive{0};
    std::atomic<int> peak{0};
    PipelineStages stages;
    stages.transform = [&](MediaUnit u) {
        const int now = ++alive;
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
        return u;
    };
    stages.sink = [&](const MediaUnit&) { --alive; };
    SchedulePolicy policy;
    policy.threads = 4;
    policy.frames_in_flight = 3;
    CancelToken cancel;
    run_pipeline(*reader, stages, policy, cancel);
    EXPECT_LE(peak.load(), 3);
    EXPECT_GE(peak.load(), 1);
}

TEST(Pipeline, AnExceptionInAStageReachesTheCaller) {
    auto reader = test::flash_pattern(50);
    int written = 0;
    PipelineStages stages;
    stages.transform = [](MediaUnit u) {
        if (u.video->index == 17) throw std::runtime_error("filter failed at 17");
        return u;
    };
    stages.sink = [&](const MediaUnit&) { ++written; };
    CancelToken cancel;
    EXPECT_THROW(
        {
            try {
                run_pipeline(*reader, stages, {}, cancel);
            } catch (const std::runtime_error& e) {
                EXPECT_STREQ(e.what(), "filter failed at 17");
                throw;
            }
        },
        std::runtime_error);
    EXPECT_LT(written, 50);
}

TEST(Pipeline, CancellationStopsPromptly) {
    auto reader = test::flash_pattern(1000);
    CancelToken cancel;
    int written = 0;
    PipelineStages stages;
    stages.sink = [&](const MediaUnit&) {
        if (++written == 10) cancel.cancel();
    };
    EXPECT_THROW(run_pipeline(*reader, stages, {}, cancel), Cancelled);
    EXPECT_EQ(written, 10);
}

TEST(FramePool, RecyclesBuffersAndRefusesToGrowPastItsBound) {
    FramePool pool(PixelFormat::Yuv422p10, 64, 32, 2);
    {
        auto a = pool.acquire();
        auto b = pool.acquire();
        EXPECT_NE(a->plane(0), b->plane(0));
        EXPECT_THROW((void)pool.acquire(), std::logic_error);
    }
    auto c = pool.acquire();  // the two buffers came back
    auto d = pool.acquire();
    EXPECT_EQ(pool.buffers_allocated(), 2u);
    EXPECT_EQ(c->stride[0] % 64, 0);
    EXPECT_EQ(c->plane_width(1), 32);
    EXPECT_EQ(c->plane_height(1), 32);
}

}  // namespace
}  // namespace cinepipe
