#pragma once
// Avid Log Exchange (ALE) files as they carry per-shot grades from set: a tab-separated table
// whose ASC_SOP "(s s s)(o o o)(p p p)" and ASC_SAT columns hold each clip's CDL.

#include <string>
#include <vector>

#include "cinepipe/color.h"

namespace cinepipe {

struct ShotGrade {
    std::string name;         // the "Name" column (clip name)
    std::string tape;         // "Tape" (reel)
    std::string source_file;  // "Source File", when present
    Cdl cdl;                  // id = name
    int line = 0;             // 1-based line in the ALE
};

// Every row with an ASC_SOP (rows without one are not graded and are skipped). Throws
// InputError "FILE:LINE: what" for a file that is not an ALE or a malformed SOP/SAT value.
std::vector<ShotGrade> load_ale(const std::string& path);

}  // namespace cinepipe
