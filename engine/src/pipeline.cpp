#include "cinepipe/pipeline.h"

#include <optional>

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "cinepipe/error.h"
#include "pipeline_failure.h"
#include "tsan_hand_over.h"

namespace cinepipe {

int SchedulePolicy::resolved_threads() const {
    if (threads > 0) return threads;
    return std::max(1, tbb::info::default_concurrency());
}

int SchedulePolicy::resolved_in_flight() const {
    if (frames_in_flight > 0) return frames_in_flight;
    // One unit per worker plus two waiting at the serial stages keeps every thread busy;
    // more only holds more pictures (measured: 2 x threads + 2 was no faster, and 4K jobs
    // held 100 MB more).
    return resolved_threads() + 2;
}

void run_with_thread_budget(const SchedulePolicy& policy, const std::function<void()>& body) {
    // The arena caps the work at the requested thread count. global_control lifts TBB's
    // default cap (the core count) only when more threads are asked for: it is process-wide
    // and the smallest active value wins, so a lower one would starve the other graphs a
    // batch runs at the same time.
    const int threads = policy.resolved_threads();
    std::optional<tbb::global_control> parallelism;
    if (threads > tbb::info::default_concurrency())
        parallelism.emplace(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads) + 1);
    tbb::task_arena arena(threads);
    // execute() may run `body` on one of the arena's threads (tsan_hand_over.h).
    const int handed = 0;
    tsan_release(&handed);
    arena.execute([&] {
        tsan_acquire(&handed);
        body();
        tsan_release(&handed);
    });
    tsan_acquire(&handed);
}

void run_pipeline(MediaReader& reader, const PipelineStages& stages, const SchedulePolicy& policy,
                  const CancelToken& cancel) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    Progress progress;
    progress.frames_total = reader.info().video ? reader.info().video->frame_count : 0;

    // A stage's exception is kept and rethrown once the pipeline drained (pipeline_failure.h).
    PipelineFailure failure(&cancel);
    // The token count caps the units (and so the frames) alive at once.
    UnitRing<MediaUnit> ring(static_cast<std::size_t>(policy.resolved_in_flight()));
    const int read_state = 0;  // the reader's, for TSan
    const int sink_state = 0;  // the sink's
    auto read = [&](tbb::flow_control& fc) -> MediaUnit* {
        tsan_acquire(tbb_filters_built());
        const HandedOver reader_state(&read_state);
        std::optional<MediaUnit> unit;
        const bool ok = !failure.failed() && failure.guard([&] {
            cancel.throw_if_cancelled();
            StageTimer timer(stages.read_meter);
            unit = reader.next();
            if (unit) timer.count(unit->video ? 1 : 0);
        });
        if (!ok || !unit) {
            fc.stop();
            return nullptr;
        }
        MediaUnit* slot = ring.next();
        const HandedOver held(slot);  // emptied by the last stage, maybe on another thread
        *slot = std::move(*unit);
        return slot;
    };
    auto transform = [&](MediaUnit* slot) -> MediaUnit* {
        tsan_acquire(tbb_filters_built());
        const HandedOver held(slot);
        if (stages.transform && !cancel.cancelled() && !failure.failed()) {
            MediaUnit out;
            if (failure.guard([&] {
                    StageTimer timer(stages.transform_meter);
                    timer.count(slot->video ? 1 : 0);
                    out = stages.transform(std::move(*slot));
                }))
                *slot = std::move(out);
            else
                *slot = MediaUnit{};
        }
        return slot;
    };
    auto sink = [&](MediaUnit* slot) {
        tsan_acquire(tbb_filters_built());
        const HandedOver sink_own(&sink_state);
        const HandedOver held(slot);
        if (!failure.failed()) {
            const MediaUnit& unit = *slot;
            failure.guard([&] {
                // Checked here too so that a cancelled run stops before it writes another frame.
                cancel.throw_if_cancelled();
                if (stages.sink) {
                    StageTimer timer(stages.sink_meter);
                    timer.count(unit.video ? 1 : 0);
                    stages.sink(unit);
                }
                if (unit.video) ++progress.frames_done;
                if (stages.progress) {
                    progress.elapsed_seconds =
                        std::chrono::duration<double>(clock::now() - start).count();
                    stages.progress(progress);
                }
            });
        }
        *slot = MediaUnit{};  // its pictures go back to their pools now, not when reused
    };

    const auto filters =
        tbb::make_filter<void, MediaUnit*>(tbb::filter_mode::serial_in_order, read) &
        tbb::make_filter<MediaUnit*, MediaUnit*>(tbb::filter_mode::parallel, transform) &
        tbb::make_filter<MediaUnit*, void>(tbb::filter_mode::serial_in_order, sink);
    tsan_release(tbb_filters_built());
    run_with_thread_budget(policy, [&] { tbb::parallel_pipeline(ring.size(), filters); });
    // What the stages last did, maybe on worker threads, before this thread goes on.
    ring.join();
    tsan_acquire(&read_state);
    tsan_acquire(&sink_state);
    failure.rethrow_if_failed();
}

}  // namespace cinepipe
