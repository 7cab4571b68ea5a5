// What real camera files carry beyond pictures: timestamp gaps, interlacing, anamorphic
// pixels, several audio tracks. Fixtures are made by ffmpeg; ffprobe checks the results.

#include <gtest/gtest.h>

#include <filesystem>
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
    ffmpeg(
        "-f lavfi -i testsrc=s=320x180:r=24:d=2 -vf \"select='not(between(n,10,12))'\" -fps_mode "
        "passthrough "
        "-c:v prores_ks -profile:v 0 -timecode 01:00:00:00 " +
        quote(dir / "gap.mov"));
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
    const auto r =
        cinepipe("transcode -q " + quote(dir / "gap.mov") + " -o " + quote(dir / "out.mov"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("timestamp gap"), std::string::npos) << r.output;
    const json pk =
        ffprobe("-select_streams v:0 -show_entries packet=pts " + quote(dir / "out.mov"));
    ASSERT_EQ(pk["packets"].size(), 45u);
    const long d = pk["packets"][1]["pts"].get<long>() - pk["packets"][0]["pts"].get<long>();
    EXPECT_EQ(pk["packets"][10]["pts"].get<long>() - pk["packets"][9]["pts"].get<long>(), 4 * d);
}

TEST(StreamProperties, InterlacedFieldOrderSurvivesTranscode) {
    TempDir dir;
    ffmpeg(
        "-f lavfi -i testsrc=s=720x486:r=30000/1001:d=0.5 -vf setfield=tff -flags +ildct+ilme "
        "-c:v prores_ks -profile:v 2 " +
        quote(dir / "ntsc.mov"));
    const json p = probe_json(dir / "ntsc.mov");
    const json f0 =
        ffprobe("-select_streams v:0 -show_entries stream=field_order " + quote(dir / "ntsc.mov"));
    EXPECT_EQ(p["video"]["field_order"], f0["streams"][0]["field_order"]);
    EXPECT_NE(p["video"]["field_order"], "progressive");
    // ProRes codes the fields; FFV1 codes woven frames and Matroska keeps the flag. (DNxHR
    // is left out: FFmpeg encodes it only progressive and MOV drops the flag for it; see
    // docs/formats.md.)
    for (const char* codec : {"prores_hq", "ffv1"}) {
        const std::string out =
            dir / (std::string(codec) + (std::string(codec) == "ffv1" ? ".mkv" : ".mov"));
        const auto r = cinepipe("transcode -q " + quote(dir / "ntsc.mov") + " -o " + quote(out) +
                                " --codec " + codec);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const json f =
            ffprobe("-select_streams v:0 -show_entries stream=field_order " + quote(out));
        EXPECT_EQ(f["streams"][0]["field_order"], p["video"]["field_order"]) << codec;
    }
    const auto dnx = cinepipe("transcode -q " + quote(dir / "ntsc.mov") + " -o " +
                              quote(dir / "dnx.mov") + " --codec dnxhr_hq");
    EXPECT_EQ(dnx.exit_code, 0) << dnx.output;
    EXPECT_NE(dnx.output.find("without a field order"), std::string::npos) << dnx.output;
}

TEST(StreamProperties, AnamorphicSampleAspectSurvivesTranscode) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc=s=1440x1080:r=25:d=0.4 -vf setsar=4/3 -c:v ffv1 " +
           quote(dir / "hdv.mkv"));
    const json p = probe_json(dir / "hdv.mkv");
    EXPECT_EQ(p["video"]["sample_aspect_ratio"]["num"], 4);
    EXPECT_EQ(p["video"]["sample_aspect_ratio"]["den"], 3);
    ASSERT_EQ(cinepipe("transcode -q " + quote(dir / "hdv.mkv") + " -o " + quote(dir / "out.mov"))
                  .exit_code,
              0);
    const json f = ffprobe(
        "-select_streams v:0 -show_entries stream=sample_aspect_ratio,display_aspect_ratio " +
        quote(dir / "out.mov"));
    EXPECT_EQ(f["streams"][0]["sample_aspect_ratio"], "4:3");
    EXPECT_EQ(f["streams"][0]["display_aspect_ratio"], "16:9");
}

TEST(StreamProperties, EveryAudioTrackIsCarriedSampleExact) {
    TempDir dir;
    // A camera-style layout: two mono tracks and a stereo mix, 24-bit.
    ffmpeg(
        "-f lavfi -i testsrc=s=320x180:r=25:d=2 -f lavfi -i sine=f=440:sample_rate=48000:d=2 "
        "-f lavfi -i sine=f=880:sample_rate=48000:d=2 -f lavfi -i "
        "\"aevalsrc=sin(2*PI*300*t)|sin(2*PI*500*t):s=48000:d=2\" "
        "-map 0 -map 1 -map 2 -map 3 -c:v prores_ks -c:a pcm_s24le -shortest " +
        quote(dir / "tracks.mov"));
    const json p = probe_json(dir / "tracks.mov");
    ASSERT_EQ(p["audio"].size(), 3u);
    EXPECT_EQ(p["audio"][2]["channels"], 2);
    ASSERT_EQ(cinepipe("transcode -q " + quote(dir / "tracks.mov") + " -o " +
                       quote(dir / "out.mxf") + " --codec dnxhr_sq")
                  .exit_code,
              0);
    const json f = ffprobe("-select_streams a -show_entries stream=channels,codec_name " +
                           quote(dir / "out.mxf"));
    ASSERT_EQ(f["streams"].size(), 3u);
    EXPECT_EQ(f["streams"][0]["channels"], 1);
    EXPECT_EQ(f["streams"][2]["channels"], 2);
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(test::audio_samples(dir / "out.mxf", i), 96000) << "track " << i;
}

using test::audio_samples;

TEST(StreamProperties, TracksAtDifferentSampleRatesEachStayExact) {
    TempDir dir;
    ffmpeg(
        "-f lavfi -i testsrc=s=320x180:r=24000/1001:d=2 -f lavfi -i "
        "sine=f=440:sample_rate=48000:d=2 "
        "-f lavfi -i sine=f=660:sample_rate=44100:d=2 -map 0 -map 1 -map 2 -c:v ffv1 -c:a "
        "pcm_s16le -shortest " +
        quote(dir / "rates.mov"));
    const long in48 = audio_samples(dir / "rates.mov", 0);
    const long in44 = audio_samples(dir / "rates.mov", 1);
    ASSERT_GT(in48, 90000);
    ASSERT_GT(in44, 80000);
    const auto r = cinepipe("transcode -q " + quote(dir / "rates.mov") + " -o " +
                            quote(dir / "out.mov") + " --audio pcm16");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(audio_samples(dir / "out.mov", 0), in48);
    EXPECT_EQ(audio_samples(dir / "out.mov", 1), in44);
}

TEST(StreamProperties, AudioOnlyFileProbesAndIsRefusedForTranscode) {
    TempDir dir;
    ffmpeg("-f lavfi -i sine=f=1000:sample_rate=48000:d=1 -c:a pcm_s24le " +
           quote(dir / "sound.wav"));
    const json p = probe_json(dir / "sound.wav");
    EXPECT_TRUE(p["video"].is_null());
    ASSERT_EQ(p["audio"].size(), 1u);
    EXPECT_EQ(p["audio"][0]["bits_per_sample"], 24);
    test::expect_one_line_error(
        cinepipe("transcode " + quote(dir / "sound.wav") + " -o " + quote(dir / "o.mov")), 2,
        "no video stream");
    EXPECT_FALSE(std::filesystem::exists(dir / "o.mov"));
}

// Peak memory must not grow with clip length: a clip six times longer may not need more
// than a little extra (the container index grows by a few bytes per frame).
TEST(StreamProperties, MemoryDoesNotGrowWithClipLength) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc=s=1280x720:r=25:d=1 -c:v prores_ks -profile:v 0 " +
           quote(dir / "short.mov"));
    ffmpeg("-f lavfi -i testsrc=s=1280x720:r=25:d=6 -c:v prores_ks -profile:v 0 " +
           quote(dir / "long.mov"));
    auto peak_kb = [&](const std::string& in) {
        const auto r =
            run_command("/usr/bin/time -f %M " + quote(kCinepipe) + " transcode -q --threads 2 " +
                        quote(in) + " -o " + quote(in + ".out.mkv") + " --codec ffv1 2>&1");
        EXPECT_EQ(r.exit_code, 0) << r.output;
        return std::stol(r.output.substr(r.output.find_last_of('\n', r.output.size() - 2) + 1));
    };
    const long short_kb = peak_kb(dir / "short.mov");
    const long long_kb = peak_kb(dir / "long.mov");
    EXPECT_LT(long_kb, short_kb * 11 / 10 + 16 * 1024)
        << "short " << short_kb << " KB, long " << long_kb << " KB";
}

}  // namespace
}  // namespace cinepipe
