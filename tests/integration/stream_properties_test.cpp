// What real camera files carry beyond pictures: timestamp gaps, interlacing, anamorphic
// pixels, several audio tracks. Fixtures are made by ffmpeg; ffprobe checks the results.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cinepipe/media_reader.h"
#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::ffmpeg;
using test::ffprobe;
using test::kCinepipe;
using test::quote;
using test::run_command;
using test::TempDir;

json probe_json(const std::string& path) {
    const auto r = run_command(quote(kCinepipe) + " probe --json " + quote(path));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return json::parse(r.output);
}

TEST(StreamProperties, TimestampGapIsVisibleNotPapered) {
    TempDir dir;
    // 48 frames at 24 fps with frames 10-12 removed and the others keeping their times.
    ffmpeg("-f lavfi -i testsrc=s=320x180:r=24:d=2 -vf \"select='not(between(n,10,12))'\" -fps_mode passthrough "
           "-c:v prores_ks -profile:v 0 -timecode 01:00:00:00 " + quote(dir / "gap.mov"));
    const json p = probe_json(dir / "gap.mov");
    EXPECT_EQ(p["video"]["frame_count"], 45);
    EXPECT_TRUE(p["video"]["variable_frame_rate"].get<bool>());

    auto reader = MediaReader::open(dir / "gap.mov");
    std::vector<std::string> tcs;
    while (auto u = reader->next())
        if (u->video) tcs.push_back(u->video->timecode->to_string());
    ASSERT_EQ(tcs.size(), 45u);
    EXPECT_EQ(tcs[9], "01:00:00:09");
    EXPECT_EQ(tcs[10], "01:00:00:13") << "the timecode jumps over the missing frames";
    ASSERT_EQ(reader->stats().discontinuities.size(), 1u);
    EXPECT_EQ(reader->stats().discontinuities[0].frame_index, 10);

    // transcode says so, and the master keeps the gap where it was.
    const auto r = cinepipe("transcode -q " + quote(dir / "gap.mov") + " -o " + quote(dir / "out.mov"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("timestamp gap"), std::string::npos) << r.output;
    const json pk = ffprobe("-select_streams v:0 -show_entries packet=pts " + quote(dir / "out.mov"));
    ASSERT_EQ(pk["packets"].size(), 45u);
    const long d = pk["packets"][1]["pts"].get<long>() - pk["packets"][0]["pts"].get<long>();
    EXPECT_EQ(pk["packets"][10]["pts"].get<long>() - pk["packets"][9]["pts"].get<long>(), 4 * d);
}

TEST(StreamProperties, InterlacedFieldOrderSurvivesTranscode) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc=s=720x486:r=30000/1001:d=0.5 -vf setfield=tff -flags +ildct+ilme "
           "-c:v prores_ks -profile:v 2 " + quote(dir / "ntsc.mov"));
    const json p = probe_json(dir / "ntsc.mov");
    const json f0 = ffprobe("-select_streams v:0 -show_entries stream=field_order " + quote(dir / "ntsc.mov"));
    EXPECT_EQ(p["video"]["field_order"], f0["streams"][0]["field_order"]);
    EXPECT_NE(p["video"]["field_order"], "progressive");
    // ProRes codes the fields; FFV1 codes woven frames and Matroska keeps the flag. (DNxHR
    // is left out: FFmpeg encodes it only progressive and MOV drops the flag for it; see
    // docs/formats.md.)
    for (const char* codec : {"prores_hq", "ffv1"}) {
        const std::string out = dir / (std::string(codec) + (std::string(codec) == "ffv1" ? ".mkv" : ".mov"));
        const auto r = cinepipe("transcode -q " + quote(dir / "ntsc.mov") + " -o " + quote(out) + " --codec " + codec);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const json f = ffprobe("-select_streams v:0 -show_entries stream=field_order " + quote(out));
        EXPECT_EQ(f["streams"][0]["field_order"], p["video"]["field_order"]) << codec;
    }
    const auto dnx = cinepipe("transcode -q " + quote(dir / "ntsc.mov") + " -o " + quote(dir / "dnx.mov") +
                              " --codec dnxhr_hq");
    EXPECT_EQ(dnx.exit_code, 0) << dnx.output;
    EXPECT_NE(dnx.output.find("without a field order"), std::string::npos) << dnx.output;
}

TEST(StreamProperties, AnamorphicSampleAspectSurvivesTranscode) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc=s=1440x1080:r=25:d=0.4 -vf setsar=4/3 -c:v ffv1 " + quote(dir / "hdv.mkv"));
    const json p = probe_json(dir / "hdv.mkv");
    EXPECT_EQ(p["video"]["sample_aspect_ratio"]["num"], 4);
    EXPECT_EQ(p["video"]["sample_aspect_ratio"]["den"], 3);
    ASSERT_EQ(cinepipe("transcode -q " + quote(dir / "hdv.mkv") + " -o " + quote(dir / "out.mov")).exit_code, 0);
    const json f = ffprobe("-select_streams v:0 -show_entries stream=sample_aspect_ratio,display_aspect_ratio " +
                           quote(dir / "out.mov"));
    EXPECT_EQ(f["streams"][0]["sample_aspect_ratio"], "4:3");
    EXPECT_EQ(f["streams"][0]["display_aspect_ratio"], "16:9");
}

TEST(StreamProperties, EveryAudioTrackIsCarriedSampleExact) {
    TempDir dir;
    // A camera-style layout: two mono tracks and a stereo mix, 24-bit.
    ffmpeg("-f lavfi -i testsrc=s=320x180:r=25:d=2 -f lavfi -i sine=f=440:sample_rate=48000:d=2 "
           "-f lavfi -i sine=f=880:sample_rate=48000:d=2 -f lavfi -i \"aevalsrc=sin(2*PI*300*t)|sin(2*PI*500*t):s=48000:d=2\" "
           "-map 0 -map 1 -map 2 -map 3 -c:v prores_ks -c:a pcm_s24le -shortest " + quote(dir / "tracks.mov"));
    const json p = probe_json(dir / "tracks.mov");
    ASSERT_EQ(p["audio"].size(), 3u);
    EXPECT_EQ(p["audio"][2]["channels"], 2);
    ASSERT_EQ(cinepipe("transcode -q " + quote(dir / "tracks.mov") + " -o " + quote(dir / "out.mxf") + " --codec dnxhr_sq").exit_code, 0);
    const json f = ffprobe("-select_streams a -show_entries stream=channels,codec_name " + quote(dir / "out.mxf"));
    ASSERT_EQ(f["streams"].size(), 3u);
    EXPECT_EQ(f["streams"][0]["channels"], 1);
    EXPECT_EQ(f["streams"][2]["channels"], 2);
    for (int i = 0; i < 3; ++i) {
        const json pk = ffprobe("-select_streams a:" + std::to_string(i) + " -show_entries packet=duration " + quote(dir / "out.mxf"));
        long samples = 0;
        for (const auto& x : pk["packets"]) samples += x["duration"].get<long>();
        EXPECT_EQ(samples, 96000) << "track " << i;
    }
}

}  // namespace
}  // namespace cinepipe
