// `cinepipe verify` (docs/mhl.md): a history written through the engine API (as `batch` writes
// it) passes; one flipped byte, a missing file and a tampered generation file fail with exit 1
// and a line naming the file; a malformed generation is one error line and exit 2.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cinepipe/mhl.h"
#include "cli_support.h"

namespace cinepipe {
namespace {

namespace fs = std::filesystem;
using test::cinepipe;
using test::expect_one_line_error;
using test::quote;
using test::read_file;
using test::TempDir;

// A delivery folder with three files and one generation.
struct Delivery {
    TempDir dir;
    std::string root = dir / "DAY01";
    std::string generation;

    Delivery() {
        fs::create_directories(root + "/proxies");
        std::mt19937 rng(42);
        for (const std::string name : {"A001C001.mov", "A001C002.mov", "proxies/A001C001.mp4"}) {
            std::string bytes(200000, '\0');
            for (auto& c : bytes) c = static_cast<char>(rng());
            std::ofstream(root + "/" + name, std::ios::binary) << bytes;
        }
        std::vector<MhlEntry> entries;
        for (const std::string name : {"A001C001.mov", "A001C002.mov", "proxies/A001C001.mp4"})
            entries.push_back(make_mhl_entry(root, root + "/" + name, true));
        generation = write_mhl_generation(root, entries);
    }
};

int count_lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(VerifyCli, FreshHistoryPasses) {
    Delivery d;
    for (const std::string& arg : {d.root, d.root + "/ascmhl", d.generation}) {
        const auto r = cinepipe("verify " + quote(arg));
        EXPECT_EQ(r.exit_code, 0) << arg << "\n" << r.output;
        EXPECT_EQ(r.output, "3 files verified, 0 failed\n") << arg;
    }
}

TEST(VerifyCli, OneFlippedByteFailsNamingTheFile) {
    Delivery d;
    {
        std::fstream f(d.root + "/proxies/A001C001.mp4",
                       std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(123456);
        const char c = static_cast<char>(f.get());
        f.seekp(123456);
        f.put(static_cast<char>(c ^ 0x10));
    }
    const auto r = cinepipe("verify " + quote(d.root));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("MISMATCH proxies/A001C001.mp4: expected xxh64 "), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("3 files verified, 1 failed\n"), std::string::npos) << r.output;
    EXPECT_EQ(count_lines(r.output), 2) << r.output;
}

TEST(VerifyCli, MissingFileFails) {
    Delivery d;
    fs::remove(d.root + "/A001C002.mov");
    const auto r = cinepipe("verify " + quote(d.root));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("MISSING A001C002.mov\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("3 files verified, 1 failed\n"), std::string::npos) << r.output;
}

TEST(VerifyCli, TamperedGenerationFileBreaksTheChain) {
    Delivery d;
    // The files are intact; the list was edited (a size changed), and is still valid XML.
    std::string text = read_file(d.generation);
    const auto at = text.find("size=\"200000\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 13, "size=\"200001\"");
    std::ofstream(d.generation, std::ios::binary | std::ios::trunc) << text;
    const auto r = cinepipe("verify " + quote(d.root));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("PROBLEM " + d.generation + ": c4 "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("does not match the chain"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("chain BROKEN"), std::string::npos) << r.output;
}

TEST(VerifyCli, MalformedGenerationIsOneErrorLine) {
    Delivery d;
    const std::string text = read_file(d.generation);
    std::ofstream(d.generation, std::ios::binary | std::ios::trunc)
        << text.substr(0, text.find("</hashes>"));
    const auto r = cinepipe("verify " + quote(d.root));
    expect_one_line_error(r, 2, "cinepipe: error: " + d.generation + ":");
    EXPECT_NE(r.output.find("malformed XML"), std::string::npos) << r.output;
}

TEST(VerifyCli, NotAHistoryIsOneErrorLine) {
    TempDir dir;
    expect_one_line_error(cinepipe("verify " + quote(dir.path().string())), 2, "no ascmhl folder");
    expect_one_line_error(cinepipe("verify " + quote(dir / "none")), 2, "does not exist");
}

TEST(VerifyCli, NewFilesAreListedButDoNotFail) {
    Delivery d;
    std::ofstream(d.root + "/notes.txt") << "added later";
    auto r = cinepipe("verify " + quote(d.root));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("NEW notes.txt\n"), std::string::npos) << r.output;
    r = cinepipe("verify -q " + quote(d.root));
    EXPECT_EQ(r.output, "3 files verified, 0 failed\n");
}

TEST(VerifyCli, JsonReport) {
    Delivery d;
    fs::remove(d.root + "/A001C001.mov");
    const std::string out = d.dir / "verify.json";
    const auto r = cinepipe("verify " + quote(d.root) + " --json " + quote(out));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    const auto j = nlohmann::json::parse(read_file(out));
    EXPECT_EQ(j["schema"], "cinepipe.verify/1");
    EXPECT_EQ(j["generations"], 1);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["chain_ok"], true);
    EXPECT_EQ(j["summary"]["checked"], 3);
    EXPECT_EQ(j["summary"]["failed"], 1);
    ASSERT_EQ(j["files"].size(), 3u);
    EXPECT_EQ(j["files"][0]["path"], "A001C001.mov");
    EXPECT_EQ(j["files"][0]["status"], "missing");
    EXPECT_EQ(j["files"][0]["algorithm"], "xxh64");
    EXPECT_EQ(j["files"][1]["status"], "ok");
    EXPECT_EQ(j["files"][1]["expected"], j["files"][1]["actual"]);
    // An existing report is not replaced without --overwrite.
    expect_one_line_error(cinepipe("verify " + quote(d.root) + " --json " + quote(out)), 3,
                          "already exists");
}

}  // namespace
}  // namespace cinepipe
