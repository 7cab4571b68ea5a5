#pragma once
// Shared by the libFuzzer targets (one per file in fuzz/, see docs/TESTING.md): a private
// scratch folder for the inputs the engine reads by path, removed when the process ends.
//
// Each target catches only the errors the engine documents for bad input (cinepipe::InputError
// and, where an entry point says so, std::invalid_argument); anything else escaping
// LLVMFuzzerTestOneInput (std::logic_error, std::out_of_range, a bad_alloc from an absurd
// size, a crash, a sanitizer report) is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "test_support.h"

namespace cinepipe::fuzz {

class Scratch {
  public:
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }

    // Writes `bytes` to dir/name (replacing it) and returns the path.
    [[nodiscard]] std::string write(const std::string& name, std::string_view bytes) const {
        const std::string path = dir_ / name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) std::abort();
        return path;
    }

  private:
    test::TempDir dir_;  // the tests' scratch folder (tests/common), removed at exit
};

// One per process; destroyed at exit (libFuzzer returns from main on -runs/-max_total_time).
inline const Scratch& scratch() {
    static const Scratch s;
    return s;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace cinepipe::fuzz
