#pragma once
// Per-shot grades for a batch: one file of corrections (an ALE with ASC_SOP/ASC_SAT columns, or
// a .ccc/.cc/.cdl) and the rule that gives each clip its correction, so `grade` and a whole
// shoot day agree on which clip got which grade, and which got none.

#include <optional>
#include <string>
#include <vector>

#include "cinepipe/color.h"
#include "cinepipe/media_info.h"

namespace cinepipe {

struct GradeMatch {
    Cdl cdl;                 // the correction's values; cdl.id is its id (ALE: the Name column)
    std::string matched_by;  // "only correction", "clip name", "file name",
                             // "camera clip id" or "reel"
    std::string key;         // the clip's value that matched
    int line = 0;            // ALE row line, 0 for CDL files
    bool ambiguous = false;  // another correction matched the same key as well
};

class GradeBook {
  public:
    // An .ale file is read as an ALE, anything else as an ASC CDL file (.cdl, .cc, .ccc).
    // Throws InputError naming the file (and line) when it cannot be read.
    static GradeBook load(const std::string& path);

    // The correction for a clip: by its clip name, then its file name (without extension),
    // then the camera clip id both start with ("A001C003" of "A001C003_201125_R1AB"), then its
    // reel when exactly one correction carries that reel (a reel holds many clips).
    // A file with exactly one correction grades every clip. nullopt when nothing matches.
    [[nodiscard]] std::optional<GradeMatch> match(const std::string& clip_path,
                                                  const MediaInfo& info) const;

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] bool is_ale() const { return ale_; }
    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] std::vector<std::string> ids() const;

  private:
    struct Entry {
        Cdl cdl;
        std::string name;         // id or ALE Name
        std::string source_file;  // ALE "Source File" stem, when present
        std::string reel;         // ALE Tape
        int line = 0;
    };
    std::string path_;
    bool ale_ = false;
    std::vector<Entry> entries_;
};

}  // namespace cinepipe
