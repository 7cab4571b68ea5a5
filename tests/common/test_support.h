#pragma once
// Shared by the tests: a scratch folder per test, and running external commands (ffprobe
// as the independent oracle, the cinepipe binary itself).

#include <sys/wait.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cinepipe::test {

// A fresh scratch folder, removed with everything in it at the end of the test. Creation is
// retried on a name clash, so tests running in parallel never share one.
class TempDir {
  public:
    TempDir() {
        static std::atomic<unsigned> counter{0};
        std::random_device rd;
        for (int attempt = 0; attempt < 100; ++attempt) {
            path_ = std::filesystem::temp_directory_path() /
                    ("cinepipe-test-" + std::to_string(rd()) + "-" +
                     std::to_string(counter.fetch_add(1)));
            if (std::filesystem::create_directory(path_)) return;
        }
        throw std::runtime_error("cannot create a temporary folder");
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const {
        return (path_ / name).string();
    }
    [[nodiscard]] std::string operator/(const std::string& name) const { return file(name); }
    // Names in the folder, sorted.
    [[nodiscard]] std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : std::filesystem::directory_iterator(path_))
            names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

  private:
    std::filesystem::path path_;
};

// A parameterised test's name from a file name: letters and digits, the rest '_'.
inline std::string param_name(std::string name) {
    for (auto& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout (and stderr when merged by the caller with 2>&1)
};

inline CommandResult run_command(const std::string& command) {
    CommandResult r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Files in `dir` whose names are not in the expected set: used to prove nothing partial is
// left behind.
inline std::size_t count_entries(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

// A whole file as bytes ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The hash column of an FFmpeg framemd5 listing, one entry per frame.
inline std::vector<std::string> framemd5_hashes(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') out.push_back(line.substr(line.rfind(',') + 2));
    return out;
}

// A still (JPEG, PNG, TIFF ...) decoded by ffmpeg to 8-bit RGB: the independent oracle for
// what the engine writes. width 0 when ffprobe or ffmpeg cannot read it.
struct DecodedImage {
    int width = 0;
    int height = 0;
    std::string rgb;  // width * height * 3 bytes, rows top to bottom
};

inline DecodedImage decode_rgb24(const std::string& path) {
    DecodedImage img;
    const CommandResult size = run_command(
        "ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x " +
        quote(path));
    if (size.exit_code != 0 ||
        std::sscanf(size.output.c_str(), "%dx%d", &img.width, &img.height) != 2)
        return {};
    const CommandResult pixels = run_command("ffmpeg -v error -i " + quote(path) +
                                             " -frames:v 1 -f rawvideo -pix_fmt rgb24 -");
    if (pixels.exit_code != 0 ||
        pixels.output.size() != static_cast<std::size_t>(img.width) * img.height * 3)
        return {};
    img.rgb = pixels.output;
    return img;
}

// A 3D .cube with a strong, non-separable look (channel cross-talk and curves), so LUT
// tests see every interpolation path.
inline void write_test_cube(const std::string& path, int n = 17) {
    std::ofstream out(path);
    out << "LUT_3D_SIZE " << n << "\n";
    for (int b = 0; b < n; ++b)
        for (int g = 0; g < n; ++g)
            for (int r = 0; r < n; ++r) {
                const double R = r / double(n - 1), G = g / double(n - 1), B = b / double(n - 1);
                out << std::pow(0.8 * R + 0.2 * G, 0.9) << " " << (0.1 * R + 0.8 * G + 0.1 * B)
                    << " " << std::sqrt(0.3 * G + 0.7 * B) << "\n";
            }
}

}  // namespace cinepipe::test
