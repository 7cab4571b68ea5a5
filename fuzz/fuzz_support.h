#pragma once
// Shared by the libFuzzer targets (one per file in fuzz/, see docs/TESTING.md): a private
// scratch folder for the inputs the engine reads by path, removed when the process ends.
//
// Each target catches only the errors the engine documents for bad input (cinepipe::InputError
// and, where an entry point says so, std::invalid_argument); anything else escaping
// LLVMFuzzerTestOneInput (std::logic_error, std::out_of_range, a bad_alloc from an absurd
// size, a crash, a sanitizer report) is a finding.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace cinepipe::fuzz {

class Scratch {
  public:
    Scratch() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "cinepipe-fuzz-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
        dir_ = tmpl;
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

    // Writes `bytes` to dir/name (replacing it) and returns the path.
    [[nodiscard]] std::string write(const std::string& name, std::string_view bytes) const {
        const auto path = dir_ / name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) std::abort();
        return path.string();
    }

  private:
    std::filesystem::path dir_;
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
