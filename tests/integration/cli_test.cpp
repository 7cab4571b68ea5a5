// End-to-end: the `cinepipe` binary on the sample dailies it generates, with ffprobe as the
// independent oracle for what probe reports and what transcode writes.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::expect_one_line_error;
using test::ffprobe;
using test::ffprobe_timecode;
using test::kCinepipe;
using test::quote;
using test::run_command;
using test::TempDir;

class SampleDailies : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        std::string listing;
        if (const char* shared = std::getenv("CINEPIPE_TEST_SAMPLES")) {
            std::ifstream in(shared);
            listing.assign(std::istreambuf_iterator<char>(in), {});
        } else {
            dir_ = std::make_unique<TempDir>();
            const auto r = cinepipe("samples " + quote(dir_->path().string()) +
                                    " --duration 1.5 --size 320x180");
            ASSERT_EQ(r.exit_code, 0) << r.output;
            listing = r.output;
        }
        std::istringstream lines(listing);
        std::string line;
        while (std::getline(lines, line))
            if (auto cut = line.find("  ("); cut != std::string::npos)
                samples_.push_back(line.substr(0, cut));
    }
    static void TearDownTestSuite() { dir_.reset(); }

    static inline std::unique_ptr<TempDir> dir_;
    static inline std::vector<std::string> samples_;
};

TEST_F(SampleDailies, WritesEveryDeliveryCodec) {
    ASSERT_EQ(samples_.size(), 7u);
    std::set<std::string> codecs;
    for (const auto& s : samples_) {
        if (s.find('%') != std::string::npos) continue;
        const json j = ffprobe("-select_streams v:0 -show_entries stream=codec_name " + quote(s));
        codecs.insert(j["streams"][0]["codec_name"].get<std::string>());
    }
    EXPECT_EQ(codecs, (std::set<std::string>{"prores", "dnxhd", "h264", "ffv1", "hevc"}));
}

TEST_F(SampleDailies, ProbeJsonAgreesWithFfprobe) {
    for (const auto& path : samples_) {
        SCOPED_TRACE(path);
        const auto r = run_command(quote(kCinepipe) + " probe --json " + quote(path));
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const json ours = json::parse(r.output);
        EXPECT_EQ(ours["schema"], "cinepipe.probe/1");
        const json& v = ours["video"];
        ASSERT_TRUE(v.is_object());
        if (path.find('%') != std::string::npos) {
            // Image sequence: ffprobe's image2 demuxer counts the files from the first number.
            const json f =
                ffprobe("-count_packets -start_number " +
                        std::to_string(ours["sequence"]["first_frame"].get<long>()) +
                        " -select_streams v:0 -show_entries stream=nb_read_packets,width,height " +
                        quote(path));
            EXPECT_EQ(std::to_string(v["frame_count"].get<long>()),
                      f["streams"][0]["nb_read_packets"].get<std::string>());
            EXPECT_EQ(v["width"], f["streams"][0]["width"]);
            EXPECT_EQ(ours["timecode"]["start"], "01:00:00:00");
            continue;
        }
        const json f = ffprobe(
            "-count_packets -select_streams v:0 -show_entries "
            "stream=nb_read_packets,r_frame_rate,width,height,pix_fmt,color_primaries,"
            "color_transfer,color_space,color_range " +
            quote(path));
        const json& fs = f["streams"][0];
        EXPECT_EQ(std::to_string(v["frame_count"].get<long>()),
                  fs["nb_read_packets"].get<std::string>());
        EXPECT_EQ(std::to_string(v["frame_rate"]["num"].get<long>()) + "/" +
                      std::to_string(v["frame_rate"]["den"].get<long>()),
                  fs["r_frame_rate"].get<std::string>());
        EXPECT_EQ(v["width"], fs["width"]);
        EXPECT_EQ(v["height"], fs["height"]);
        EXPECT_EQ(v["pix_fmt"], fs["pix_fmt"]);
        EXPECT_EQ(v["color"]["primaries"], fs["color_primaries"]);
        EXPECT_EQ(v["color"]["transfer"], fs["color_transfer"]);
        EXPECT_EQ(v["color"]["matrix"], fs["color_space"]);
        EXPECT_EQ(v["color"]["range"], fs["color_range"]);
        EXPECT_EQ(ours["timecode"]["start"], ffprobe_timecode(path));
        EXPECT_EQ(ours["audio"].size(), 1u);
    }
}

TEST_F(SampleDailies, DropFrameSampleIsLabelledDropFrame) {
    for (const auto& path : samples_) {
        if (path.find("2997df") == std::string::npos) continue;
        const json ours =
            json::parse(run_command(quote(kCinepipe) + " probe --json " + quote(path)).output);
        EXPECT_EQ(ours["timecode"]["start"], "01:00:59;00");
        EXPECT_TRUE(ours["timecode"]["drop_frame"].get<bool>());
        return;
    }
    FAIL() << "no drop-frame sample";
}

TEST_F(SampleDailies, TranscodeKeepsFramesAudioAndTimecodeForEverySample) {
    TempDir out;
    int n = 0;
    for (const auto& path : samples_) {
        SCOPED_TRACE(path);
        const std::string target = out / ("master" + std::to_string(n++) + ".mov");
        const auto r =
            cinepipe("transcode -q " + quote(path) + " -o " + quote(target) + " --codec prores_hq");
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const json src =
            json::parse(run_command(quote(kCinepipe) + " probe --json " + quote(path)).output);
        const json f = ffprobe(
            "-count_packets -show_entries "
            "stream=codec_type,codec_name,profile,nb_read_packets,sample_rate " +
            quote(target));
        bool saw_video = false;
        for (const auto& st : f["streams"]) {
            if (st["codec_type"] != "video") continue;
            saw_video = true;
            EXPECT_EQ(st["codec_name"], "prores");
            EXPECT_EQ(st["profile"], "HQ");
            EXPECT_EQ(st["nb_read_packets"].get<std::string>(),
                      std::to_string(src["video"]["frame_count"].get<long>()));
        }
        EXPECT_TRUE(saw_video);
        EXPECT_EQ(ffprobe_timecode(target), src["timecode"]["start"].get<std::string>());
    }
}

TEST_F(SampleDailies, PcmAudioSampleCountSurvivesTranscode) {
    TempDir out;
    const std::string& src = samples_.front();  // ProRes HQ with 24-bit PCM
    ASSERT_NE(src.find("prores_hq"), std::string::npos);
    const std::string target = out / "copy.mxf";
    ASSERT_EQ(cinepipe("transcode -q " + quote(src) + " -o " + quote(target) + " --codec dnxhr_hq")
                  .exit_code,
              0);
    EXPECT_EQ(test::audio_samples(src), 72000);  // 1.5 s at 48 kHz
    EXPECT_EQ(test::audio_samples(target), 72000);
}

TEST_F(SampleDailies, TranscodesToEveryListedCodec) {
    TempDir out;
    const std::string& src = samples_.front();
    const std::vector<std::pair<std::string, std::string>> cases = {{"prores_proxy", "Proxy"},
                                                                    {"prores_lt", "LT"},
                                                                    {"prores_422", "Standard"},
                                                                    {"prores_hq", "HQ"},
                                                                    {"prores_4444", "4444"},
                                                                    {"dnxhr_lb", "DNXHR LB"},
                                                                    {"dnxhr_sq", "DNXHR SQ"},
                                                                    {"dnxhr_hq", "DNXHR HQ"},
                                                                    {"dnxhr_hqx", "DNXHR HQX"},
                                                                    {"dnxhr_444", "DNXHR 444"},
                                                                    {"ffv1", ""},
                                                                    {"h264", "High"},
                                                                    {"h265", "Main 10"}};
    for (const auto& [codec, profile] : cases) {
        SCOPED_TRACE(codec);
        const std::string target = out / (codec + (codec == "ffv1"   ? ".mkv"
                                                   : codec == "h264" ? ".mp4"
                                                                     : ".mov"));
        const auto r =
            cinepipe("transcode -q " + quote(src) + " -o " + quote(target) + " --codec " + codec);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const json f =
            ffprobe("-select_streams v:0 -show_entries stream=profile,nb_frames " + quote(target));
        if (!profile.empty()) {
            EXPECT_EQ(f["streams"][0]["profile"], profile);
        }
    }
}

TEST(Cli, VersionHelpAndUsageErrors) {
    auto v = cinepipe("--version");
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.output.rfind("cinepipe ", 0), 0u) << v.output;
    EXPECT_EQ(cinepipe("--help").exit_code, 0);
    const auto sub_help = cinepipe("transcode --help");
    EXPECT_EQ(sub_help.exit_code, 0);
    EXPECT_NE(sub_help.output.find("prores_hq"), std::string::npos);
    EXPECT_EQ(cinepipe("").exit_code, 2);
    EXPECT_EQ(cinepipe("frobnicate").exit_code, 2);
    EXPECT_EQ(cinepipe("transcode in.mov").exit_code, 2);  // no -o
    EXPECT_EQ(cinepipe("transcode in.mov -o out.mov --codec prores_ultra").exit_code, 2);
}

TEST(Cli, SampleSizeBelowWhatEveryCodecTakesIsRefused) {
    TempDir dir;
    expect_one_line_error(cinepipe("samples " + quote(dir / "s") + " --size 128x72"), 2, "--size");
}

TEST(Cli, BadInputsGiveOneClearLine) {
    TempDir dir;
    expect_one_line_error(cinepipe("probe " + quote(dir / "missing.mov")), 2, dir / "missing.mov");
    std::ofstream(dir / "readme.mov") << "not a movie";
    expect_one_line_error(cinepipe("probe " + quote(dir / "readme.mov")), 2, dir / "readme.mov");
    expect_one_line_error(
        cinepipe("transcode " + quote(dir / "readme.mov") + " -o " + quote(dir / "o.mov")), 2,
        dir / "readme.mov");
    EXPECT_FALSE(std::filesystem::exists(dir / "o.mov"));
    expect_one_line_error(cinepipe("probe " + quote(dir / "shot.%06d.exr")), 2, "shot.%06d.exr");
}

TEST(Cli, ExistingOutputIsKeptUnlessOverwrite) {
    TempDir dir;
    ASSERT_EQ(
        cinepipe("samples -q " + quote(dir / "s") + " --duration 0.5 --size 256x144").exit_code, 0);
    const std::string src = dir / "s/A001C001_prores_hq.mov";
    std::ofstream(dir / "out.mov") << "keep me";
    expect_one_line_error(cinepipe("transcode " + quote(src) + " -o " + quote(dir / "out.mov")), 3,
                          "--overwrite");
    EXPECT_EQ(std::filesystem::file_size(dir / "out.mov"), 7u);
    EXPECT_EQ(
        cinepipe("transcode -q " + quote(src) + " -o " + quote(dir / "out.mov") + " --overwrite")
            .exit_code,
        0);
    EXPECT_GT(std::filesystem::file_size(dir / "out.mov"), 7u);
}

TEST(Cli, InterruptReachesAReadThatIsStuckInLibav) {
    TempDir dir;
    // A named pipe nobody writes to: opening it blocks inside libav's I/O, like a stalled
    // network share. Ctrl-C must still end the run (timeout guards against a hang).
    ASSERT_EQ(run_command("mkfifo " + quote(dir / "stalled.mov")).exit_code, 0);
    const std::string cmd =
        "timeout 20 " + quote(kCinepipe) + " probe " + quote(dir / "stalled.mov");
    const auto r = run_command("sh -c '" + cmd +
                               " & pid=$!; sleep 1; kill -INT $pid; wait $pid; echo rc=$?' 2>&1");
    EXPECT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
}

TEST(Cli, InterruptStopsAndLeavesNoPartialOutput) {
    TempDir dir;
    // A source long enough that an HEVC encode of it is still running after a second and a
    // half (MPEG-2, because ffmpeg writes it fast).
    const auto gen = run_command(
        "ffmpeg -v error -f lavfi -i testsrc=s=1280x720:r=24:d=6 -c:v mpeg2video -q:v 4 " +
        quote(dir / "long.mpg") + " 2>&1");
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    const std::string cmd = quote(kCinepipe) + " transcode -q " + quote(dir / "long.mpg") + " -o " +
                            quote(dir / "out.mov") + " --codec h265";
    const auto r = run_command("sh -c '" + cmd +
                               " & pid=$!; sleep 1.5; kill -INT $pid; wait $pid; echo rc=$?' 2>&1");
    EXPECT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("interrupted"), std::string::npos) << r.output;
    EXPECT_EQ(test::count_entries(dir.path()), 1u) << "only the source may remain";
}

}  // namespace
}  // namespace cinepipe
