#pragma once
// One clip of a batch: its graph (grade, master, proxy, thumbnails, QC, the production sound
// laid in), run from one decode, and the record of what it delivered with hashes.

#include <functional>
#include <string>
#include <vector>

#include "batch_manifest.h"
#include "batch_plan.h"
#include "cinepipe/cancel.h"
#include "cinepipe/filter_registry.h"
#include "cinepipe/pipeline.h"
#include "deliverable_graph.h"

namespace cinepipe::cli {

struct ClipRunContext {
    const BatchPlan* plan = nullptr;
    const FilterRegistry* registry = nullptr;
    std::vector<std::string> sound_rolls;  // the job's recordings, listed once
    int threads = 1;                       // this clip's share of the core budget
    bool overwrite = false;  // replace outputs (resume redoes a clip over its leftovers)
    const CancelToken* cancel = nullptr;
    std::function<void(const Progress&)> progress;
    StatsRecorder* stats = nullptr;  // --stats: every clip's stages add up here (thread-safe)
};

// Everything that decides the clip's outputs except the sync offset (which needs the sound
// analysed): the source's size and time, the graph's nodes and parameters, the sound rolls.
// A record made with another fingerprint is redone on --resume.
std::string clip_fingerprint(const ClipRunContext& ctx, const BatchClip& clip);

// The deliverables graph of a clip, without its sound (sync adds it).
DeliverableSpec clip_deliverables(const BatchPlan& plan, const BatchClip& clip);

// Removes temporaries an earlier run left beside this clip's outputs when it was killed
// (".NAME.cinepipe-tmp-PID-N.EXT"): only this clip's, so other workers are not disturbed.
void remove_stale_temporaries(const BatchClip& clip);

// Runs the clip and returns its record (status failed with the one-line reason when the clip
// could not be made: nothing of it is left). Throws Cancelled when the batch is interrupted.
ClipRecord run_clip(const ClipRunContext& ctx, const BatchClip& clip);

}  // namespace cinepipe::cli
