// Situations camera and editorial files bring that the synthetic dailies do not: audio that
// starts late or early, edit lists, audio longer than the picture, full-range 8-bit video,
// discrete audio tracks, RGB sources, time-lapse rates.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

// Index of the first sample whose magnitude exceeds `threshold` in the first audio stream.
std::int64_t first_loud_sample(const std::string& path, float threshold = 0.1f) {
    auto reader = MediaReader::open(path);
    std::int64_t position = 0;
    while (auto unit = reader->next()) {
        if (unit->audio.empty()) continue;
        const AudioBuffer& a = unit->audio.front();
        for (std::int64_t i = 0; i < a.frames(); ++i)
            if (std::fabs(a.samples[static_cast<std::size_t>(i * a.channels)]) > threshold)
                return position + i;
        position += a.frames();
    }
    return -1;
}

TEST(RealWorld, AudioThatStartsAfterThePictureKeepsItsPlace) {
    TempDir dir;
    // The tone starts 0.5 s after the first picture.
    ffmpeg(
        "-f lavfi -i testsrc=s=320x180:r=25:d=2 -itsoffset 0.5 -f lavfi -i "
        "sine=f=1000:sample_rate=48000:d=1.5 "
        "-map 0 -map 1 -c:v ffv1 -c:a pcm_s16le " +
        quote(dir / "late.mov"));
    EXPECT_NEAR(first_loud_sample(dir / "late.mov"), 24000, 48)
        << "0.5 s of silence, then the tone";
    ASSERT_EQ(cinepipe("transcode -q " + quote(dir / "late.mov") + " -o " + quote(dir / "out.mov"))
                  .exit_code,
              0);
    EXPECT_NEAR(first_loud_sample(dir / "out.mov"), 24000, 48) << "and the master keeps it there";
}

TEST(RealWorld, AudioLeadInBeforeThePictureIsNotPartOfTheClip) {
    TempDir dir;
    // The picture starts 0.5 s after the audio; a click marks audio time 0.75 s, i.e. 0.25 s
    // into the picture.
    ffmpeg(
        "-f lavfi -i testsrc=s=320x180:r=25:d=2 -f lavfi -i "
        "\"aevalsrc='if(between(t,0.75,0.76),0.9,0)':s=48000:d=2.5\" "
        "-map 0 -map 1 -c:v ffv1 -c:a pcm_s16le -output_ts_offset 0 " +
        quote(dir / "raw.mov"));
    ffmpeg("-itsoffset 0.5 -i " + quote(dir / "raw.mov") + " -i " + quote(dir / "raw.mov") +
           " -map 0:v -map 1:a -c copy " + quote(dir / "lead.mov"));
    EXPECT_NEAR(first_loud_sample(dir / "lead.mov"), 12000, 48);
}

TEST(RealWorld, EditListTrimmedMovIsReadNotCalledTruncated) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc=s=320x180:r=24:d=2 -c:v libx264 -preset ultrafast -g 48 " +
           quote(dir / "full.mov"));
    ffmpeg("-ss 0.5 -i " + quote(dir / "full.mov") + " -c copy " + quote(dir / "trim.mov"));
    const auto p = run_command(quote(kCinepipe) + " probe --json " + quote(dir / "trim.mov"));
    ASSERT_EQ(p.exit_code, 0) << p.output;
    const json ours = json::parse(p.output);
    const auto frames = ours["video"]["frame_count"].get<long>();
    const auto r =
        cinepipe("transcode -q " + quote(dir / "trim.mov") + " -o " + quote(dir / "out.mov"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json o =
        ffprobe("-count_frames -select_streams v:0 -show_entries stream=nb_read_frames " +
                quote(dir / "trim.mov"));
    EXPECT_EQ(std::to_string(frames), o["streams"][0]["nb_read_frames"].get<std::string>())
        << "probe counts the frames a player shows, not the discarded pre-roll";
}

TEST(RealWorld, MatroskaWithAudioLongerThanVideoIsNotTruncated) {
    TempDir dir;
    ffmpeg(
        "-f lavfi -i testsrc=s=320x180:r=24:d=1 -f lavfi -i sine=f=440:sample_rate=48000:d=1.5 "
        "-map 0 -map 1 "
        "-c:v ffv1 -c:a pcm_s16le " +
        quote(dir / "long_audio.mkv"));
    const auto r =
        cinepipe("transcode -q " + quote(dir / "long_audio.mkv") + " -o " + quote(dir / "out.mov"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(RealWorld, FullRange8BitVideoStaysFullRange) {
    TempDir dir;
    // Photo-JPEG style: yuvj422p, full range.
    ffmpeg("-f lavfi -i testsrc=s=320x180:r=25:d=0.4 -c:v mjpeg -pix_fmt yuvj422p " +
           quote(dir / "jpeg.mov"));
    ASSERT_EQ(cinepipe("transcode -q " + quote(dir / "jpeg.mov") + " -o " + quote(dir / "out.mkv") +
                       " --codec ffv1")
                  .exit_code,
              0);
    const json f = ffprobe("-select_streams v:0 -show_entries stream=color_range,pix_fmt " +
                           quote(dir / "out.mkv"));
    EXPECT_EQ(f["streams"][0]["color_range"], "pc");
    // And the values were not squeezed into 16-235: the luma planes are identical.
    auto luma = [&](const std::string& p) {
        return run_command("ffmpeg -v error -i " + quote(p) + " -vf extractplanes=y -f rawvideo -")
            .output;
    };
    const std::string a = luma(dir / "jpeg.mov");
    const std::string b = luma(dir / "out.mkv");
    ASSERT_FALSE(a.empty());
    EXPECT_GT(static_cast<unsigned char>(*std::max_element(
                  a.begin(), a.end(),
                  [](char x, char y) {
                      return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
                  })),
              235)
        << "the fixture must use the full range";
    EXPECT_TRUE(a == b) << "luma changed in a lossless transcode";
}

TEST(RealWorld, DiscreteTracksAreNotGivenSpeakerPositions) {
    TempDir dir;
    // Three mics in one unnamed 3-channel track (as many recorders write).
    ffmpeg(
        "-f lavfi -i testsrc=s=320x180:r=25:d=0.4 -f lavfi -i "
        "\"aevalsrc=0.1|0.2|0.3:s=48000:d=0.4\" -map 0 -map 1 "
        "-c:v ffv1 -c:a pcm_s24le -channel_layout 3.0 " +
        quote(dir / "named.mov"));
    const json src = json::parse(
        run_command(quote(kCinepipe) + " probe --json " + quote(dir / "named.mov")).output);
    ASSERT_EQ(src["audio"][0]["channels"], 3);
    ASSERT_EQ(cinepipe("transcode -q " + quote(dir / "named.mov") + " -o " + quote(dir / "out.mov"))
                  .exit_code,
              0);
    const json f = ffprobe("-select_streams a:0 -show_entries stream=channels,channel_layout " +
                           quote(dir / "out.mov"));
    EXPECT_EQ(f["streams"][0]["channels"], 3);
    EXPECT_EQ(f["streams"][0].value("channel_layout", ""),
              src["audio"][0]["channel_layout"].get<std::string>())
        << "3.0 stays 3.0, never 2.1 (which would make a mic the LFE)";
}

TEST(RealWorld, RgbSequenceBecomesCorrectlyTaggedYuv) {
    TempDir dir;
    ASSERT_EQ(
        cinepipe("samples -q " + quote(dir / "s") + " --duration 0.3 --size 256x144").exit_code, 0);
    const std::string seq = dir / "s/A001C006_dpx/A001C006.%06d.dpx";
    ASSERT_EQ(cinepipe("transcode -q " + quote(seq) + " -o " + quote(dir / "out.mov")).exit_code,
              0);
    const json f = ffprobe(
        "-select_streams v:0 -show_entries "
        "stream=color_space,color_range,color_primaries,color_transfer " +
        quote(dir / "out.mov"));
    EXPECT_EQ(f["streams"][0]["color_space"], "bt709");
    EXPECT_EQ(f["streams"][0]["color_range"], "tv");
    EXPECT_EQ(f["streams"][0]["color_primaries"], "bt709");
    EXPECT_EQ(f["streams"][0]["color_transfer"], "bt709");
}

TEST(RealWorld, TimeLapseBelowOneFrameASecondIsReadable) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc=s=320x180:r=1/4:d=12 -c:v ffv1 " + quote(dir / "timelapse.mkv"));
    const auto p =
        run_command(quote(kCinepipe) + " probe --json " + quote(dir / "timelapse.mkv") + " 2>&1");
    ASSERT_EQ(p.exit_code, 0) << p.output;
    ASSERT_EQ(
        cinepipe("transcode -q " + quote(dir / "timelapse.mkv") + " -o " + quote(dir / "out.mkv"))
            .exit_code,
        0);
}

TEST(RealWorld, LongRecordingBesideAShortPictureIsCarriedWhole) {
    TempDir dir;
    // 1 s of picture, 40 s of sound: more than the 30 s the reader reads ahead before it
    // concludes the picture is over.
    ffmpeg(
        "-f lavfi -i testsrc=s=320x180:r=25:d=1 -f lavfi -i sine=f=440:sample_rate=48000:d=40 -map "
        "0 -map 1 "
        "-c:v ffv1 -c:a pcm_s16le " +
        quote(dir / "short_picture.mov"));
    const auto r = cinepipe("transcode -q " + quote(dir / "short_picture.mov") + " -o " +
                            quote(dir / "out.mov"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(test::audio_samples(dir / "out.mov"), 40 * 48000);
    const json v =
        ffprobe("-count_packets -select_streams v:0 -show_entries stream=nb_read_packets " +
                quote(dir / "out.mov"));
    EXPECT_EQ(v["streams"][0]["nb_read_packets"], "25");
}

TEST(RealWorld, PictureSizeChangeMidStreamIsAClearError) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc=s=320x180:r=25:d=0.4 -c:v mpeg2video -f mpegts " +
           quote(dir / "a.ts"));
    ffmpeg("-f lavfi -i testsrc=s=640x360:r=25:d=0.4 -c:v mpeg2video -f mpegts " +
           quote(dir / "b.ts"));
    ASSERT_EQ(run_command("cat " + quote(dir / "a.ts") + " " + quote(dir / "b.ts") + " > " +
                          quote(dir / "both.ts"))
                  .exit_code,
              0);
    const auto r =
        cinepipe("transcode " + quote(dir / "both.ts") + " -o " + quote(dir / "out.mov"));
    test::expect_one_line_error(r, 2, "picture size changes");
    EXPECT_FALSE(std::filesystem::exists(dir / "out.mov"));
}

}  // namespace
}  // namespace cinepipe
