// A stage that throws (an encoder error, Ctrl-C) must not strand the units in flight: every
// picture the reader handed out is released when run_pipeline returns with the error. oneTBB
// does not destroy the tokens in flight when a filter throws, which leaked units (and their
// decoder buffers) on every failed run until the pipeline kept the error itself (LeakSanitizer finding in
// OutputSafety.CancellingATranscodeRemovesThePartialOutput; engine/src/pipeline_failure.h).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/pipeline.h"

namespace cinepipe {
namespace {

std::atomic<int> g_alive{0};

// Endless units whose pictures count themselves alive.
class CountingReader : public MediaReader {
  public:
    CountingReader() {
        info_.video.emplace();
        info_.video->frame_count = 1000;
    }
    [[nodiscard]] const MediaInfo& info() const override { return info_; }
    [[nodiscard]] const ReadStats& stats() const override { return stats_; }
    std::optional<MediaUnit> next() override {
        if (produced_ == 1000) return std::nullopt;
        auto frame = std::make_shared<VideoFrame>();
        frame->index = produced_++;
        ++g_alive;
        frame->storage = std::shared_ptr<void>(nullptr, [](void*) { --g_alive; });
        MediaUnit unit;
        unit.video = std::move(frame);
        return unit;
    }

  private:
    MediaInfo info_;
    ReadStats stats_;
    std::int64_t produced_ = 0;
};

SchedulePolicy two_threads() {
    SchedulePolicy p;
    p.threads = 2;
    p.frames_in_flight = 6;
    return p;
}

TEST(PipelineFailure, ASinkErrorReleasesEveryUnitInFlight) {
    for (int run = 0; run < 20; ++run) {
        CountingReader reader;
        PipelineStages stages;
        // A slow sink (an encoder), so units queue in front of it.
        stages.transform = [](MediaUnit u) { return u; };
        stages.sink = [](const MediaUnit& u) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            if (u.video->index == 5) throw OutputError("disk full");
        };
        CancelToken cancel;
        try {
            run_pipeline(reader, stages, two_threads(), cancel);
            FAIL() << "no error";
        } catch (const OutputError& e) {
            EXPECT_STREQ(e.what(), "disk full");
        }
        EXPECT_EQ(g_alive.load(), 0) << "run " << run;
    }
}

TEST(PipelineFailure, ATransformErrorReleasesEveryUnitInFlight) {
    for (int run = 0; run < 20; ++run) {
        CountingReader reader;
        PipelineStages stages;
        stages.transform = [](MediaUnit u) {
            if (u.video->index == 7) throw std::logic_error("bad kernel");
            return u;
        };
        stages.sink = [](const MediaUnit&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        };
        CancelToken cancel;
        EXPECT_THROW(run_pipeline(reader, stages, two_threads(), cancel), std::logic_error);
        EXPECT_EQ(g_alive.load(), 0) << "run " << run;
    }
}

TEST(PipelineFailure, CancellingReleasesEveryUnitInFlight) {
    for (int run = 0; run < 20; ++run) {
        CountingReader reader;
        CancelToken cancel;
        PipelineStages stages;
        stages.transform = [](MediaUnit u) { return u; };
        stages.sink = [&cancel](const MediaUnit& u) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            if (u.video->index == 3) cancel.cancel();
        };
        EXPECT_THROW(run_pipeline(reader, stages, two_threads(), cancel), Cancelled);
        EXPECT_EQ(g_alive.load(), 0) << "run " << run;
    }
}

}  // namespace
}  // namespace cinepipe
