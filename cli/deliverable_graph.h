#pragma once
// The graph that makes a clip's deliverables from one decode: the grade, a master at full size,
// a proxy fitted to its preset with burn-ins, thumbnails of what the proxy shows, and the QC
// pass on the camera original. `proxy` and `batch` both build theirs here.

#include <optional>
#include <string>

#include "cinepipe/graph.h"
#include "cinepipe/output_preset.h"
#include "cinepipe/qc.h"
#include "grade_options.h"

namespace cinepipe::cli {

struct DeliverableSpec {
    std::string input;
    GradeOptions grade;  // already resolved to this clip (its CDL by value or file and id)
    std::optional<OutputPreset> master;
    std::string master_path;
    std::optional<OutputPreset> proxy;
    std::string proxy_path;
    std::string burnin, font;
    double burnin_size = 0.045;
    double box_opacity = 0.6;
    std::string poster, sheet;  // both or neither
    std::optional<QcProfile> qc;
    std::string qc_json, qc_html;  // with qc
    std::string sound;             // a production recording laid in at sound_offset samples
    std::int64_t sound_offset = 0;
    bool keep_scratch = false;
};

GraphSpec deliverable_graph(const DeliverableSpec& d);

}  // namespace cinepipe::cli
