#pragma once
// The ordered frame pipeline (oneTBB parallel_pipeline): a serial in-order read stage, a
// parallel per-unit stage, and a serial in-order sink stage. At most `frames_in_flight`
// units exist at once, so memory does not grow with clip length. An exception in any stage
// cancels the pipeline and is rethrown to the caller.

#include <cstdint>
#include <functional>

#include "cinepipe/cancel.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/run_stats.h"

namespace cinepipe {

// Where the number of threads and the bound on work in flight live, so benchmarks can sweep
// them without touching the stages.
struct SchedulePolicy {
    int threads = 0;           // 0: all cores
    int frames_in_flight = 0;  // 0: threads + 2
    [[nodiscard]] int resolved_threads() const;
    [[nodiscard]] int resolved_in_flight() const;
};

struct Progress {
    std::int64_t frames_done = 0;
    std::int64_t frames_total = 0;  // 0 when unknown
    double elapsed_seconds = 0;
};

using UnitTransform = std::function<MediaUnit(MediaUnit)>;  // parallel, must be pure
using UnitSink = std::function<void(const MediaUnit&)>;     // serial, in order
using ProgressCallback = std::function<void(const Progress&)>;

struct PipelineStages {
    UnitTransform transform;  // may be empty
    UnitSink sink;
    ProgressCallback progress;  // may be empty; called from the sink stage
    // Where the time goes (--stats): null, or the meters each stage adds its calls to. The
    // read stage is the reader's demux and decode; a unit without a picture (audio past the
    // last frame) is timed but not counted as a frame.
    StageMeter* read_meter = nullptr;
    StageMeter* transform_meter = nullptr;
    StageMeter* sink_meter = nullptr;
};

// Runs `body` (which starts oneTBB work, e.g. a parallel_pipeline) with exactly the
// policy's number of worker threads, also when that is more than the core count.
void run_with_thread_budget(const SchedulePolicy& policy, const std::function<void()>& body);

void run_pipeline(MediaReader& reader, const PipelineStages& stages, const SchedulePolicy& policy,
                  const CancelToken& cancel);

}  // namespace cinepipe
