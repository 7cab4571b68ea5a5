// Fuzz target: shoot-day job files (docs/batch.md) through load_job, which reads, resolves and
// validates them. The job file sits alone in a private scratch folder, so relative paths in
// it resolve to nothing; load_job must end in a JobSpec or an InputError naming the file.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "cinepipe/error.h"
#include "cinepipe/job.h"
#include "fuzz_support.h"

namespace {

// What the seeds (corpus/job) refer to, made once in the scratch folder: clips (empty files:
// load_job finds clips by name, it does not open them), a sequence, grade files, a LUT and a
// sound-roll folder.
void populate(const cinepipe::fuzz::Scratch& s) {
    namespace fs = std::filesystem;
    for (const char* d : {"clips/B001", "clips/seq", "grades", "luts", "sound", "out"})
        fs::create_directories(s.dir() / d);
    for (const char* f : {"clips/A001C001.mov", "clips/A001C002.mov", "clips/B001/B001C001.mxf",
                          "clips/seq/plate.000100.dpx", "clips/seq/plate.000101.dpx",
                          "grades/day02.ale", "grades/A001C001.cdl", "luts/show_look.cube",
                          "sound/roll1.wav"})
        (void)s.write(f, "");
    (void)s.write("grades/day01.ccc",
                  "<ColorCorrectionCollection xmlns=\"urn:ASC:CDL:v1.01\">"
                  "<ColorCorrection id=\"A001C001\"><SOPNode><Slope>1 1 1</Slope>"
                  "<Offset>0 0 0</Offset><Power>1 1 1</Power></SOPNode></ColorCorrection>"
                  "</ColorCorrectionCollection>\n");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& scratch = cinepipe::fuzz::scratch();
    static const bool populated = (populate(scratch), true);
    (void)populated;
    const std::string path = scratch.write("job.yaml", cinepipe::fuzz::as_text(data, size));
    try {
        const cinepipe::JobSpec job = cinepipe::load_job(path);
        // Every name template that validated must expand.
        cinepipe::ClipNameFields fields{"A001C003_201125", "A001", "01-00-00-00", job.name, 1};
        for (const auto* out : {&job.master, &job.proxy})
            if (out->enabled) (void)cinepipe::expand_name_template(out->name_template, fields);
    } catch (const cinepipe::InputError&) {
    }
    return 0;
}
