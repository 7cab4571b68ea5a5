#pragma once
// Scale-out on Slurm: the batch becomes a job array (one task per clip, each running this same
// cinepipe binary with `batch JOB --task N`) and a merge job that runs after the array
// (`batch JOB --finalize`: reports and the MHL). Slurm does the scheduling; cinepipe only
// writes two small scripts and calls sbatch.

#include <string>
#include <vector>

#include "batch_plan.h"

namespace cinepipe::cli {

struct SlurmOptions {
    std::string partition;
    std::vector<std::string> sbatch_args;  // passed to both sbatch calls as they are
    int cpus_per_task = 2;
    int max_parallel = 0;  // 0: as many tasks at once as Slurm allows
    bool wait = false;     // block until the merge job has finished; its exit code is ours
    bool overwrite = false;
};

// Writes STATE/slurm/{clips.txt,task.sh,finish.sh}, submits both, prints the job ids.
// Returns the exit code: 0 once submitted (or, with wait, the merge job's).
int submit_to_slurm(const BatchPlan& plan, const SlurmOptions& options);

// The clip list a Slurm submission fixed, so a task N means the same clip on every node even
// if files are added to the source folders meanwhile. Empty when there is none.
std::vector<std::string> submitted_clips(const BatchPlan& plan);

}  // namespace cinepipe::cli
