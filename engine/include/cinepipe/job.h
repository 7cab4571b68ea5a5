#pragma once
// Shoot-day job files (`cinepipe batch`): which clips, how each is graded, checked and synced,
// and what is delivered for it under which name. Loaded and validated in full before any
// frame is decoded: a missing file, an unknown preset or two outputs with one name is an
// error naming the job file and line, never a surprise at 3 a.m. See docs/batch.md.

#include <string>
#include <vector>

#include "cinepipe/output_preset.h"

namespace cinepipe {

struct JobGrade {
    std::string ocio_config;  // "" : $OCIO, else the built-in config
    std::string from, to, display, view, look;
    std::string cdl;                // .ccc/.cc/.cdl: each clip's correction by GradeBook's rule
    std::string ale;                // an ALE with ASC_SOP/ASC_SAT columns, same rule
    std::string cdl_folder;         // one .cdl/.cc/.ccc per clip, named after the clip (or its id)
    std::vector<std::string> luts;  // the show LUT(s), after the CDL, in order
    std::string lut_interpolation = "tetrahedral";
    // A clip no correction matches is a validation error unless this is set; then it gets the
    // rest of the grade (conversion, show LUT) and a warning.
    bool allow_ungraded = false;
    [[nodiscard]] bool per_shot() const {
        return !cdl.empty() || !ale.empty() || !cdl_folder.empty();
    }
};

struct JobOutput {
    bool enabled = false;
    OutputPreset preset;
    std::string folder;         // absolute
    std::string name_template;  // "{clip}", "{reel}_{clip}_{tc}" ... with the extension
    std::string burnin;         // proxy only: the burnin filter's items
};

struct JobSpec {
    std::string path;                // the job file
    std::string name;                // used in report and manifest names
    std::vector<std::string> clips;  // absolute, sorted; sequences as patterns (shot.%06d.exr)
    std::string fps = "24";          // image sequences without a rate
    JobGrade grade;
    std::string qc_profile;  // "": no QC
    bool qc_html = true;
    std::string sound_rolls;  // folder of production sound; "": camera sound is kept
    bool keep_scratch = false;
    std::string output_folder;  // absolute; every output lives below it
    JobOutput master, proxy;
    bool thumbnails = false;
    bool mhl = true;
    bool mhl_md5 = false;
};

// Reads, resolves (paths relative to the job file's folder) and checks a job file (YAML or
// JSON): keys, types, presets, grade/LUT/sound folders, sources (each rule must find clips),
// name templates. Throws InputError "FILE:LINE: problem".
JobSpec load_job(const std::string& path);

// The fields a name template may use. {clip}: the clip's name (file stem, a sequence without
// its frame number); {reel}: the container's reel, else the camera roll of an ARRI/RED-style
// name (A001 of A001C003_...), else the clip name; {tc}: the start timecode as HH-MM-SS-FF;
// {job}: the job's name; {index}: the clip's position in the job, from 1, four digits.
struct ClipNameFields {
    std::string clip, reel, tc, job;
    int index = 0;
};
// Throws InputError for an unknown field or an unclosed brace.
std::string expand_name_template(const std::string& name_template, const ClipNameFields& fields);
void check_name_template(const std::string& name_template);  // the same errors, no fields

// A clip's name as templates and matching see it: "A001C003_201125" for
// ".../A001C003_201125.mov", "shot" for ".../shot.%06d.exr".
std::string clip_stem(const std::string& path);

// Media files below `folder` (recursively unless `recursive` is false) whose name matches
// the glob `pattern` ("" : any movie or image extension cinepipe reads), with numbered images
// grouped into one sequence pattern each; hidden files and anything below `exclude` skipped.
std::vector<std::string> find_clips(const std::string& folder, const std::string& pattern,
                                    bool recursive, const std::string& exclude);

}  // namespace cinepipe
