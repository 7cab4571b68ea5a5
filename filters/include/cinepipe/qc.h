#pragma once
// Video QC: profiles (which checks run, with which thresholds), the JSON report and the
// markers for editors. The checks themselves are analyser nodes (`qc` runs a profile's set in
// one pass; `black`, `freeze`, ... run one each); see docs/qc.md.

#include <map>
#include <string>
#include <vector>

#include "cinepipe/media_info.h"
#include "cinepipe/params.h"
#include "cinepipe/qc_result.h"
#include "cinepipe/thumbnails.h"

namespace cinepipe {

struct QcProfile {
    std::string name;
    std::string description;
    std::string origin;  // the file, or "built-in profile NAME"
    // Parameters for the `qc` node: "CHECK.PARAM" -> value, validated against the checks.
    std::map<std::string, RawValue> params;
};

// A built-in profile's name (broadcast, streaming, dailies) or a YAML/JSON file. Throws
// InputError "FILE:LINE: problem" for an unknown check or parameter, or a bad value.
QcProfile load_qc_profile(const std::string& name_or_path);
std::vector<std::string> builtin_qc_profiles();
// The text of a built-in profile (for `qc --list-profiles`).
std::string builtin_qc_profile_text(const std::string& name);

// The report as JSON, schema cinepipe.qc/1 (docs/qc.md).
std::string qc_report_json(const QcResult& result, const MediaInfo& source,
                           const std::string& profile, std::int64_t audio_samples);

// The events as markers for editors (docs/qc.md, "Markers for editors"), each at its start
// timecode. The EDL is CMX3600 as DaVinci
// Resolve exports timeline markers: one 1-frame event per QC event with a comment line
// " |C:ResolveColor... |M:check: message |D:frames". The CSV has one row per event.
std::string qc_markers_edl(const QcResult& result, const MediaInfo& source);
std::string qc_markers_csv(const QcResult& result, const MediaInfo& source);

// The report as one self-contained HTML page for people (docs/qc.md, "HTML report"): the
// verdict, the source, each event with `thumbnails`' picture of its first frame (matched by
// frame; an event without one says so) and the measurements plotted over time. `note` is
// shown above the events (thumbnails left out, ...); empty: none.
std::string qc_report_html(const QcResult& result, const MediaInfo& source,
                           const std::string& profile, std::int64_t audio_samples,
                           const std::vector<Thumbnail>& thumbnails, const std::string& note);

}  // namespace cinepipe
