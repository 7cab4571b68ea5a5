// A malformed-media corpus, generated here from clean clips: cut at many offsets, bytes
// flipped in headers, payloads and indexes, empty and non-media files, wrong extensions,
// absurd sizes and clock rates in headers, timestamp gaps and reversals, sound or picture
// alone, no pictures at all, colour codes no standard names. For every input, `cinepipe
// probe` and `cinepipe qc` end within a time limit and a memory limit, and either fail with
// one line naming the file (exit 2) or, for qc, write a report (exit 0 or 1). Never a crash,
// a hang or a runaway.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cli_support.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::quote;
using test::TempDir;

// Generous for a 2 s clip on a shared machine; a hang is caught long before the suite's own
// timeout.
constexpr int kSecondsPerRun = 60;
// Address space (not resident memory): room for the libraries and threads, not for a header
// that asks for a 60000x60000 picture or an unbounded queue.
constexpr std::int64_t kAddressSpaceBytes = std::int64_t{6} << 30;

// Sanitizer builds are clang only (CMakeLists.txt refuses another compiler for them).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CINEPIPE_TEST_SANITIZED 1
#endif
#endif

// A sanitizer reserves terabytes of address space for its shadow memory, so under one the
// bound is the sanitizer's own resident-memory limit instead (the same figure).
std::string memory_limit() {
#ifdef CINEPIPE_TEST_SANITIZED
    const std::string mb = std::to_string(kAddressSpaceBytes >> 20);
    return "export ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=" + mb +
           "\" TSAN_OPTIONS=\"${TSAN_OPTIONS:+$TSAN_OPTIONS:}hard_rss_limit_mb=" + mb + "\"; ";
#else
    return "ulimit -v " + std::to_string(kAddressSpaceBytes / 1024) + "; ";
#endif
}

struct Case {
    std::string name;
    std::string path;
};

std::string bytes_of(const std::string& path) {
    return test::read_file(path);
}
void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

class MalformedMedia : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<TempDir>();
        const std::string d = dir_->path().string();
        const std::string pattern =
            "-f lavfi -i testsrc2=size=320x180:rate=24 -f lavfi -i "
            "sine=frequency=1000:sample_rate=48000 -t 2 ";
        // The codecs and containers dailies arrive in.
        test::ffmpeg(pattern + "-c:v prores_ks -profile:v 3 -c:a pcm_s24le -timecode 01:00:00:00 " +
                     quote(d + "/prores.mov"));
        test::ffmpeg(pattern + "-c:v libx264 -g 12 -bf 2 -pix_fmt yuv420p -c:a aac " +
                     quote(d + "/h264.mp4"));
        test::ffmpeg(pattern + "-c:v ffv1 -c:a pcm_s16le " + quote(d + "/ffv1.mkv"));
        test::ffmpeg(pattern + "-c:v dnxhd -profile:v dnxhr_lb -pix_fmt yuv422p -c:a pcm_s16le " +
                     quote(d + "/dnxhr.mxf"));
    }
    static void TearDownTestSuite() { dir_.reset(); }

    // `cinepipe ARGS` under the time and memory limits.
    static test::CommandResult limited(const std::string& args) {
        return test::run_command(memory_limit() + "timeout " + std::to_string(kSecondsPerRun) +
                                 " " + quote(test::kCinepipe) + " " + args + " 2>&1");
    }

    // Runs probe and qc on `c` and checks the outcome; returns qc's exit code.
    static int check(const Case& c) {
        SCOPED_TRACE(c.name);
        const auto probe = limited("probe " + quote(c.path));
        EXPECT_TRUE(probe.exit_code == 0 || probe.exit_code == 2) << probe.exit_code << "\n"
                                                                  << probe.output;
        if (probe.exit_code == 2) expect_one_line_naming(probe.output, c.path);
        const std::string report = c.path + ".qc.json";
        std::filesystem::remove(report);
        const auto qc = limited("qc " + quote(c.path) + " --json " + quote(report));
        EXPECT_TRUE(qc.exit_code == 0 || qc.exit_code == 1 || qc.exit_code == 2)
            << qc.exit_code << "\n"
            << qc.output;
        if (qc.exit_code == 2) {
            expect_one_line_naming(qc.output, c.path);
            EXPECT_FALSE(std::filesystem::exists(report));
        } else if (qc.exit_code == 0 || qc.exit_code == 1) {
            EXPECT_TRUE(nlohmann::json::accept(bytes_of(report))) << qc.output;
        }
        return qc.exit_code;
    }

    static void expect_one_line_naming(const std::string& output, const std::string& path) {
        EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
        EXPECT_NE(output.find(path), std::string::npos) << output;
    }

    static std::string base(const std::string& name) { return (dir_->path() / name).string(); }

    static inline std::unique_ptr<TempDir> dir_;
    TempDir work_;
};

const std::vector<std::string> kBases = {"prores.mov", "h264.mp4", "ffv1.mkv", "dnxhr.mxf"};

TEST_F(MalformedMedia, CutAtManyOffsets) {
    int tried = 0;
    for (const auto& name : kBases) {
        const std::string bytes = bytes_of(base(name));
        for (const double f : {0.0005, 0.01, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.999}) {
            const std::string path = work_ / ("cut_" + std::to_string(tried) + "_" + name);
            write_bytes(path, bytes.substr(0, static_cast<std::size_t>(double(bytes.size()) * f)));
            check({name + " cut at " + std::to_string(f), path});
            ++tried;
        }
    }
    RecordProperty("inputs", tried);
}

TEST_F(MalformedMedia, BytesFlippedInHeadersPayloadsAndIndexes) {
    std::mt19937 rng(20261126);
    int tried = 0;
    for (const auto& name : kBases) {
        const std::string clean = bytes_of(base(name));
        // Where: the first 4 KB (headers), the middle (pictures), the last 4 KB (MOV/MP4
        // index, MXF footer, Matroska cues).
        const std::vector<std::pair<std::size_t, std::size_t>> regions = {
            {0, 4096},
            {clean.size() / 3, clean.size() * 2 / 3},
            {clean.size() - 4096, clean.size()}};
        for (const auto& [from, to] : regions)
            for (int variant = 0; variant < 4; ++variant) {
                std::string bytes = clean;
                std::uniform_int_distribution<std::size_t> where(from, to - 1);
                std::uniform_int_distribution<int> value(0, 255);
                for (int k = 0; k < 24; ++k) bytes[where(rng)] = static_cast<char>(value(rng));
                const std::string path = work_ / ("flip_" + std::to_string(tried) + "_" + name);
                write_bytes(path, bytes);
                check({name + " flipped in [" + std::to_string(from) + ", " + std::to_string(to) +
                           ") #" + std::to_string(variant),
                       path});
                ++tried;
            }
    }
    RecordProperty("inputs", tried);
}

TEST_F(MalformedMedia, EmptyNonMediaAndMisnamedFiles) {
    write_bytes(work_ / "empty.mov", "");
    write_bytes(work_ / "notes.mxf", "Day 3, A camera: lens notes and the coffee order.\n");
    write_bytes(work_ / "random.mp4", std::string(100000, '\x5a'));
    std::filesystem::copy_file(base("ffv1.mkv"), work_ / "matroska_named.mov");
    std::filesystem::copy_file(base("prores.mov"), work_ / "quicktime_named.mxf");
    for (const char* name : {"empty.mov", "notes.mxf", "random.mp4"})
        EXPECT_EQ(check({name, work_ / name}), 2) << name;
    // A wrong extension is not damage: the container is recognised by its content.
    for (const char* name : {"matroska_named.mov", "quicktime_named.mxf"})
        EXPECT_NE(check({name, work_ / name}), 2) << name;
}

// QuickTime header fields: the sample description's picture size and the media clock rate.
TEST_F(MalformedMedia, AbsurdSizesAndRatesInHeaders) {
    const std::string clean = bytes_of(base("prores.mov"));
    const auto put16 = [](std::string& b, std::size_t at, unsigned v) {
        b[at] = static_cast<char>(v >> 8);
        b[at + 1] = static_cast<char>(v & 0xff);
    };
    const auto put32 = [](std::string& b, std::size_t at, std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            b[at + static_cast<std::size_t>(i)] = static_cast<char>(v >> (24 - 8 * i));
    };
    const std::size_t entry = clean.find("apch");  // the visual sample entry
    ASSERT_NE(entry, std::string::npos);
    int tried = 0;
    for (const auto& [w, h] :
         std::vector<std::pair<unsigned, unsigned>>{{0, 0}, {65535, 65535}, {1, 60000}}) {
        std::string bytes = clean;
        put16(bytes, entry + 28, w);  // width, then height, 28 bytes into the entry
        put16(bytes, entry + 30, h);
        const std::string path = work_ / ("size_" + std::to_string(tried++) + ".mov");
        write_bytes(path, bytes);
        check({"picture size " + std::to_string(w) + "x" + std::to_string(h), path});
    }
    // Each track's media header: the clock rate 16 bytes after the "mdhd" tag (version 0).
    for (const std::uint32_t rate : {0U, 1U, 0x7fffffffU}) {
        std::string bytes = clean;
        for (std::size_t at = bytes.find("mdhd"); at != std::string::npos;
             at = bytes.find("mdhd", at + 4))
            put32(bytes, at + 16, rate);
        const std::string path = work_ / ("rate_" + std::to_string(tried++) + ".mov");
        write_bytes(path, bytes);
        check({"media clock rate " + std::to_string(rate), path});
    }
}

// ProRes frame headers carry H.273 colour codes as bytes that the decoder copies into libav's
// enums unchecked. Codes H.273 does not name read as unspecified ("unknown", as ffprobe
// prints it), never as an out-of-range enum (the sanitizer builds trap that load).
TEST_F(MalformedMedia, ColourCodesOutsideH273InFrameHeaders) {
    // Each frame: 4-byte size, "icpf", then the header whose bytes 14-16 are the primaries,
    // transfer and matrix codes.
    const auto frame_headers = [](const std::string& b) {
        std::vector<std::size_t> at;
        for (std::size_t i = b.find("icpf"); i != std::string::npos; i = b.find("icpf", i + 4))
            at.push_back(i + 4);
        return at;
    };
    std::string bytes = bytes_of(base("prores.mov"));
    ASSERT_EQ(frame_headers(bytes).size(), 48u);
    for (const std::size_t header : frame_headers(bytes))
        for (std::size_t field = 14; field <= 16; ++field) bytes[header + field] = '\xfc';
    const std::string path = work_ / "colour_codes.mov";
    write_bytes(path, bytes);
    const auto probe = limited("probe --json " + quote(path));
    ASSERT_EQ(probe.exit_code, 0) << probe.output;
    const auto colour = nlohmann::json::parse(probe.output)["video"]["color"];
    for (const char* field : {"primaries", "transfer", "matrix"})
        EXPECT_EQ(colour[field], "unknown") << field << " in " << colour.dump();
    // The pictures themselves are intact: QC's verdict is the clean clip's.
    EXPECT_EQ(check({"colour codes 252", path}), check({"clean", base("prores.mov")}));
    // A master made from it carries no invented code: unspecified (2) in every frame header,
    // not the damaged 252 passed on (ffprobe prints both as "unknown", so read the bytes).
    const std::string master = work_ / "colour_codes_master.mov";
    const auto r =
        limited("transcode -q " + quote(path) + " -o " + quote(master) + " --codec prores_hq");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string out = bytes_of(master);
    ASSERT_EQ(frame_headers(out).size(), 48u);
    for (const std::size_t header : frame_headers(out))
        for (std::size_t field = 14; field <= 16; ++field)
            EXPECT_EQ(static_cast<unsigned char>(out[header + field]), 2u)
                << "byte " << field << " of the frame header at " << header;
}

// Timing damage made by FFmpeg's own bitstream filter on a clean stream copy: QC reports it.
TEST_F(MalformedMedia, TimestampGapsAndReversals) {
    const std::string gap = work_ / "gap.mkv";
    test::ffmpeg("-i " + quote(base("ffv1.mkv")) +
                 " -c copy -bsf:v \"setts=ts=TS+if(gte(N\\,24)\\,12*DURATION\\,0)\" " + quote(gap));
    EXPECT_EQ(check({"a half-second gap", gap}), 1);
    const std::string reports = test::read_file(gap + ".qc.json");
    EXPECT_NE(reports.find("dropped_frame"), std::string::npos) << reports;
    const std::string back = work_ / "back.mkv";
    test::ffmpeg("-i " + quote(base("ffv1.mkv")) +
                 " -c copy -bsf:v \"setts=ts=TS-if(eq(N\\,24)\\,6*DURATION\\,0)\" " + quote(back));
    check({"one picture stamped before its predecessors", back});
}

TEST_F(MalformedMedia, SoundOrPictureAloneAndNoPictures) {
    const std::string d = work_.path().string();
    test::ffmpeg("-f lavfi -i sine=sample_rate=48000 -t 2 -c:a pcm_s24le " +
                 quote(d + "/sound.mov"));
    test::ffmpeg("-f lavfi -i testsrc2=size=320x180:rate=24 -t 2 -c:v prores_ks " +
                 quote(d + "/picture.mov"));
    test::ffmpeg("-i " + quote(base("prores.mov")) + " -map 0:v -c copy -frames:v 0 " +
                 quote(d + "/no_pictures.mov"));
    // QC judges pictures: a sound-only file is refused in one line (its sound is `sync`'s).
    EXPECT_EQ(check({"sound alone", d + "/sound.mov"}), 2);
    EXPECT_NE(limited("qc " + quote(d + "/sound.mov")).output.find("has no video stream"),
              std::string::npos);
    EXPECT_NE(check({"picture alone", d + "/picture.mov"}), 2);
    check({"no pictures", d + "/no_pictures.mov"});
}

// Hand-edited grading files, graph specs and job files: one line naming the file (and the line
// where the parser knows it), exit 2, nothing written.
TEST_F(MalformedMedia, MalformedGradingGraphAndJobFilesAreOneLineErrors) {
    const std::string d = work_.path().string();
    const auto file = [&](const std::string& name, const std::string& text) {
        write_bytes(d + "/" + name, text);
        return d + "/" + name;
    };
    std::mt19937 rng(7);
    std::string noise(3000, '\0');
    for (auto& ch : noise) ch = static_cast<char>(rng() & 0xff);
    struct Bad {
        std::string args;  // after "cinepipe"
        std::string file;  // what the error must name
        std::string says;  // and a word of why
    };
    const std::string clip = quote(base("prores.mov"));
    const std::string out = quote(d + "/out/graded.mov");
    std::filesystem::create_directory(d + "/out");
    const auto grade = [&](const std::string& option, const std::string& path) {
        return "grade " + clip + " -o " + out + " " + option + " " + quote(path);
    };
    std::vector<Bad> cases;
    const auto lut = [&](const std::string& name, const std::string& text,
                         const std::string& says) {
        const std::string path = file(name, text);
        cases.push_back({grade("--lut", path), name, says});
    };
    lut("short.cube", "LUT_3D_SIZE 33\n0 0 0\n1 1 1\n", "Incorrect number of 3D LUT entries");
    lut("word.cube", "LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\nabc 1 1\n",
        "At line (9)");
    lut("huge.cube", "LUT_3D_SIZE 100000\n", "its declared size is too large");
    lut("noise.cube", noise, "cannot use this LUT");
    lut("empty.cube", "", "cannot use this LUT");
    const auto cdl = [&](const std::string& name, const std::string& text,
                         const std::string& says) {
        const std::string path = file(name, text);
        cases.push_back({grade("--cdl", path), name, says});
    };
    cdl("two.ccc",
        "<ColorDecisionList><ColorDecision><ColorCorrection id=\"a\"><SOPNode><Slope>1 1</Slope>"
        "</SOPNode></ColorCorrection></ColorDecision></ColorDecisionList>",
        "3 values required");
    cdl("power.cc",
        "<ColorCorrection><SOPNode><Slope>1 1 1</Slope><Offset>0 0 0</Offset><Power>-1 1 1</Power>"
        "</SOPNode></ColorCorrection>",
        "power");
    cdl("cut.cdl", "<ColorCorrection><SOPNode><Slope>1 1 1", "not a readable ASC CDL file");
    cdl("noise.ccc", noise, "not a readable ASC CDL file");
    cases.push_back({grade("--ale", file("sop.ale",
                                         "Heading\nFIELD_DELIM\tTABS\nFPS\t24\n\nColumn\n"
                                         "Name\tASC_SOP\n\nData\nA001\t(1 1)(0 0 0)(1 1 1)\n")),
                     "sop.ale:9", "is not (s s s)(o o o)(p p p)"});
    cases.push_back(
        {"grade " + clip + " -o " + out + " --ocio " +
             quote(
                 file("cut.ocio", "ocio_profile_version: 2\nroles: {default: x}\ncolorspaces: [")) +
             " --from a --to b",
         "cut.ocio", "not a usable OCIO config"});
    cases.push_back(
        {"render " + quote(file("cut.yaml", "version: 1\nnodes:\n  - {id: src, type: source\n")),
         "cut.yaml", "cut.yaml:"});
    cases.push_back({"render " + quote(file("loop.yaml",
                                            "version: 1\nnodes:\n"
                                            "  - {id: src, type: source, params: {path: " +
                                                clip +
                                                "}}\n  - {id: a, type: scale, input: b}\n"
                                                "  - {id: b, type: scale, input: a}\n")),
                     "loop.yaml", "loop.yaml:"});
    cases.push_back({"batch " + quote(file("job.yaml",
                                           "version: 1\nname: day\nsources: [{folder: .}]\n"
                                           "outputs: {folder: out, colour: red}\n")),
                     "job.yaml:4", "colour"});
    cases.push_back({"batch " + quote(file("noise.yaml", noise)), "noise.yaml", "noise.yaml"});
    for (const auto& c : cases) {
        SCOPED_TRACE(c.args);
        const auto r = limited(c.args);
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
        EXPECT_NE(r.output.find(c.file), std::string::npos) << r.output;
        EXPECT_NE(r.output.find(c.says), std::string::npos) << r.output;
    }
    EXPECT_TRUE(std::filesystem::is_empty(d + "/out"));
    RecordProperty("inputs", static_cast<int>(cases.size()));
}

}  // namespace
}  // namespace cinepipe
