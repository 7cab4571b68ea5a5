#pragma once
// Driving the built `cinepipe` binary and ffprobe (the independent oracle) from tests.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.h"

namespace cinepipe::test {

inline const std::string kCinepipe = CINEPIPE_BINARY;

// Runs `cinepipe ARGS` with stderr merged into the output.
inline CommandResult cinepipe(const std::string& args) {
    return run_command(quote(kCinepipe) + " " + args + " 2>&1");
}

inline nlohmann::json ffprobe(const std::string& args) {
    const auto r = run_command("ffprobe -v error -of json " + args);
    if (r.exit_code != 0) throw std::runtime_error("ffprobe failed: " + args + "\n" + r.output);
    return nlohmann::json::parse(r.output);
}

// Generates a fixture with ffmpeg; fails the test with ffmpeg's message if that fails.
inline void ffmpeg(const std::string& args) {
    const auto r = run_command("ffmpeg -v error -y " + args + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << "ffmpeg " << args << "\n" << r.output;
}

// Samples in audio track `track` by ffprobe's packet durations (exact in containers whose
// audio time base is the sample rate: MOV, MXF).
inline long audio_samples(const std::string& path, int track = 0) {
    const auto j = ffprobe("-select_streams a:" + std::to_string(track) +
                           " -show_entries packet=duration " + quote(path));
    long samples = 0;
    for (const auto& p : j["packets"]) samples += p["duration"].get<long>();
    return samples;
}

// The start timecode ffprobe sees: a tmcd/video stream tag or the container's.
inline std::string ffprobe_timecode(const std::string& path) {
    const auto j =
        ffprobe("-show_entries stream_tags=timecode:format_tags=timecode " + quote(path));
    for (const auto& st : j["streams"])
        if (st.contains("tags") && st["tags"].contains("timecode")) return st["tags"]["timecode"];
    if (j.contains("format") && j["format"].contains("tags")) {
        for (const auto& [k, v] : j["format"]["tags"].items())
            if (k == "timecode" || k == "TIMECODE") return v;
    }
    return "";
}

// One line of output naming what is wrong, and the expected exit code.
inline void expect_one_line_error(const CommandResult& r, int code,
                                  const std::string& must_contain) {
    EXPECT_EQ(r.exit_code, code) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_NE(r.output.find(must_contain), std::string::npos) << r.output;
}

// The sample dailies' paths, one per clip (an image sequence as its %06d pattern): the ones the
// ctest fixture wrote once for every test (CINEPIPE_TEST_SAMPLES names its listing), else,
// when the suite runs on its own, written now into a new folder kept in `dir`.
inline std::vector<std::string> sample_dailies(std::unique_ptr<TempDir>& dir) {
    std::string listing;
    if (const char* shared = std::getenv("CINEPIPE_TEST_SAMPLES")) {
        std::ifstream in(shared);
        listing.assign(std::istreambuf_iterator<char>(in), {});
    } else {
        dir = std::make_unique<TempDir>();
        const auto r =
            cinepipe("samples " + quote(dir->path().string()) + " --duration 1.5 --size 320x180");
        EXPECT_EQ(r.exit_code, 0) << r.output;
        listing = r.output;
    }
    std::vector<std::string> paths;
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line);)
        if (auto cut = line.find("  ("); cut != std::string::npos)
            paths.push_back(line.substr(0, cut));
    return paths;
}

}  // namespace cinepipe::test
