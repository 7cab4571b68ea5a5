// Fuzz target: per-shot grade files: ASC CDL (.cdl, .cc, .ccc, read through OpenColorIO) and
// ALE (our own parser). The first byte picks the extension, the rest is the file. Each is
// loaded by the grade book (as `grade --cdl/--ale` and batch jobs do) and matched against a
// clip; the loaders themselves are called too. Bad files must be InputErrors.
// parse_triplet (the --slope/--offset/--power values) is fed the same bytes; it documents
// std::invalid_argument.

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cinepipe/ale.h"
#include "cinepipe/color.h"
#include "cinepipe/error.h"
#include "cinepipe/grade_book.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static constexpr std::array<const char*, 4> kExtensions{".ale", ".ccc", ".cc", ".cdl"};
    const std::string ext = kExtensions[data[0] % kExtensions.size()];
    const auto body = cinepipe::fuzz::as_text(data + 1, size - 1);
    const std::string path = cinepipe::fuzz::scratch().write("grades" + ext, body);

    try {
        const auto book = cinepipe::GradeBook::load(path);
        cinepipe::MediaInfo info;
        info.reel_name = "A001";
        (void)book.match("/shoot/A001C003_201125_R1AB.mov", info);
        (void)book.ids();
    } catch (const cinepipe::InputError&) {
    }
    try {
        if (ext == ".ale") {
            (void)cinepipe::load_ale(path);
        } else {
            (void)cinepipe::load_cdl_collection(path);
            (void)cinepipe::load_cdl(path, "A001C003");
        }
    } catch (const cinepipe::InputError&) {
    }
    try {
        (void)cinepipe::parse_triplet(std::string(body));
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
