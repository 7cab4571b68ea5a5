// Files cinepipe did not write: made by ffmpeg in each container/codec the issue lists, then
// probed and transcoded, with ffprobe as the oracle. Guards against reading only our own
// writer's dialect.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::ffmpeg;
using test::ffprobe;
using test::ffprobe_timecode;
using test::kCinepipe;
using test::quote;
using test::run_command;
using test::TempDir;

struct Foreign {
    const char* name;
    const char* args;  // ffmpeg output options
};

// Named in test listings by file, not as a byte dump.
void PrintTo(const Foreign& f, std::ostream* os) {
    *os << f.name;
}

class ForeignFile : public ::testing::TestWithParam<Foreign> {};

TEST_P(ForeignFile, ProbeAgreesWithFfprobeAndTranscodeKeepsEveryFrame) {
    const Foreign& f = GetParam();
    TempDir dir;
    const std::string src = dir / f.name;
    ffmpeg(
        "-f lavfi -i testsrc2=s=1920x1080:r=24000/1001:d=1 -f lavfi -i "
        "sine=f=1000:sample_rate=48000:d=1 "
        "-shortest " +
        std::string(f.args) + " " + quote(src));

    const auto pr = run_command(quote(kCinepipe) + " probe --json " + quote(src));
    ASSERT_EQ(pr.exit_code, 0) << pr.output;
    const json ours = json::parse(pr.output);
    const json theirs = ffprobe(
        "-count_packets -select_streams v:0 -show_entries "
        "stream=codec_name,nb_read_packets,r_frame_rate,pix_fmt " +
        quote(src));
    const json& fs = theirs["streams"][0];
    EXPECT_EQ(ours["video"]["codec"], fs["codec_name"]);
    EXPECT_EQ(ours["video"]["pix_fmt"], fs["pix_fmt"]);
    EXPECT_EQ(std::to_string(ours["video"]["frame_count"].get<long>()),
              fs["nb_read_packets"].get<std::string>());
    EXPECT_EQ(ours["video"]["frame_rate"]["num"].get<long>(), 24000);
    EXPECT_EQ(ours["video"]["frame_rate"]["den"].get<long>(), 1001);
    const std::string tc = ffprobe_timecode(src);
    if (tc.empty()) {
        EXPECT_EQ(ours["timecode"]["source"], "none");
        EXPECT_EQ(ours["timecode"]["start"], "00:00:00:00");
    } else {
        EXPECT_EQ(ours["timecode"]["start"], tc);
    }
    ASSERT_EQ(ours["audio"].size(), 1u);

    const std::string out = dir / "master.mov";
    const auto tr =
        cinepipe("transcode -q " + quote(src) + " -o " + quote(out) + " --codec prores_proxy");
    ASSERT_EQ(tr.exit_code, 0) << tr.output;
    const json o = ffprobe(
        "-count_packets -select_streams v:0 -show_entries stream=nb_read_packets " + quote(out));
    EXPECT_EQ(o["streams"][0]["nb_read_packets"], fs["nb_read_packets"]);
    EXPECT_EQ(ffprobe_timecode(out), tc) << "a timecode is carried, never invented";
}

INSTANTIATE_TEST_SUITE_P(
    Containers, ForeignFile,
    ::testing::Values(
        Foreign{"prores.mov", "-c:v prores_ks -profile:v 3 -c:a pcm_s24le -timecode 11:22:33:04"},
        Foreign{"dnxhd.mxf",
                "-c:v dnxhd -b:v 36M -pix_fmt yuv422p -c:a pcm_s16le -timecode 01:00:00:00"},
        Foreign{"dnxhr.mov", "-c:v dnxhd -profile:v dnxhr_lb -pix_fmt yuv422p -c:a pcm_s16le"},
        Foreign{"h264.mp4",
                "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -timecode 00:00:10:00"},
        Foreign{"hevc.mkv", "-c:v libx265 -preset ultrafast -x265-params log-level=error -c:a aac"},
        Foreign{"ffv1.mkv",
                "-c:v ffv1 -level 3 -pix_fmt yuv422p10le -c:a pcm_s24le -timecode 02:00:00:00"}),
    [](const auto& info) { return test::param_name(info.param.name); });

}  // namespace
}  // namespace cinepipe
