#pragma once
// A batch's plan: every clip of a job probed, named, matched to its grade, with the paths of
// everything it will deliver, checked for collisions before any frame is decoded.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinepipe/grade_book.h"
#include "cinepipe/job.h"
#include "cinepipe/media_info.h"
#include "cinepipe/qc.h"

namespace cinepipe::cli {

struct BatchClip {
    int index = 0;  // position in the job's (sorted) clip list, from 0
    std::string path;
    std::string key;   // stable file-name-safe id: the manifest record's name
    std::string name;  // the clip's name (clip_stem)
    std::optional<MediaInfo> info;
    std::string problem;  // why the clip cannot be read (then nothing else is planned)
    std::string master, proxy, poster, sheet, qc_json, qc_html;  // absolute; "" when not made
    std::optional<GradeMatch> grade;
    std::string grade_file;                                  // the file the correction came from
    [[nodiscard]] std::vector<std::string> outputs() const;  // the non-empty paths above
};

struct BatchPlan {
    JobSpec job;
    std::optional<QcProfile> qc;
    std::string state_dir;  // OUTPUT/.cinepipe/JOB: manifest records, Slurm scripts
    std::vector<BatchClip> clips;
    std::vector<std::string> warnings;
    std::int64_t frames_total = 0;
};

// FNV-1a of a text: an id or fingerprint that is the same on every machine of a cluster
// (std::hash is not guaranteed to be).
std::uint64_t stable_hash(const std::string& text);

// Probes every clip and checks what can be checked: grades for every clip (unless the job
// allows ungraded ones), no two outputs with one name, no output over a source. Throws
// InputError listing every problem of a kind, naming the job file. Clips that cannot be read
// are kept with their problem: a bad clip is reported, it does not stop the batch.
BatchPlan plan_batch(const JobSpec& job);

}  // namespace cinepipe::cli
