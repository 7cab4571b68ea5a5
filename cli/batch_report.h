#pragma once
// The end of a batch: one report (JSON for tools, HTML for people) linking each clip's QC
// report, grade, sync result and outputs with their hashes, the ASC MHL of everything
// delivered, a summary table, and the exit code.

#include <optional>
#include <string>
#include <vector>

#include "batch_manifest.h"
#include "batch_plan.h"

namespace cinepipe::cli {

struct BatchSummary {
    int clips = 0, done = 0, qc_failed = 0, failed = 0, not_run = 0;
    int exit_code = 0;  // 0 all delivered and passed, 1 QC failed somewhere, 2 a clip failed
    std::string report_json, report_html, mhl;
};

// `records[i]` belongs to plan.clips[i]; nullopt: the clip was never run (an interrupted
// batch, a Slurm task that died). Writes OUT/JOB_report.{json,html} and, when the job asks,
// an MHL generation in OUT/ascmhl.
BatchSummary finish_batch(const BatchPlan& plan,
                          const std::vector<std::optional<ClipRecord>>& records);

// The table printed at the end: one row per clip that did not simply succeed, then totals.
void print_summary(const BatchPlan& plan, const std::vector<std::optional<ClipRecord>>& records,
                   const BatchSummary& summary);

}  // namespace cinepipe::cli
