// Write synthetic clips in every delivery codec, read them back through the engine, and
// check what a master must keep: frame count, timing, per-frame timecode, colour tags,
// audio samples, and (for lossless codecs) the pixels themselves.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::TempDir;

struct Case {
    const char* file;
    const char* codec;
    AudioCodec audio;
    PixelFormat source_format;
    Rational rate;
    const char* start_tc;
};

// Named in test listings by file, not as a byte dump.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.file;
}

SyntheticOptions small_clip(const Case& c, std::int64_t frames) {
    SyntheticOptions o;
    o.width = 256;
    o.height = 144;
    o.rate = c.rate;
    o.frames = frames;
    o.format = c.source_format;
    o.start_timecode = c.start_tc;
    o.flash_frame = 3;
    return o;
}

TranscodeResult write_clip(const SyntheticOptions& o, const std::string& path, const char* codec,
                           AudioCodec audio, const SchedulePolicy& schedule = {}) {
    auto source = make_synthetic_source(o);
    WriterConfig cfg = writer_config_for(source->info(), path);
    cfg.video_codec = codec;
    cfg.audio_codec = audio;
    CancelToken cancel;
    return encode(*source, cfg, schedule, cancel);
}

class RoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTrip, KeepsFramesTimingTimecodeTagsAndAudio) {
    const Case& c = GetParam();
    TempDir dir;
    const std::string path = dir / c.file;
    const std::int64_t frames = 40;
    const SyntheticOptions o = small_clip(c, frames);
    const auto written = write_clip(o, path, c.codec, c.audio);
    ASSERT_EQ(written.frames, frames);
    ASSERT_TRUE(std::filesystem::exists(path));

    auto reader = MediaReader::open(path);
    const MediaInfo& info = reader->info();
    ASSERT_TRUE(info.video);
    EXPECT_EQ(info.video->width, 256);
    EXPECT_EQ(info.video->height, 144);
    EXPECT_EQ(info.video->frame_rate, c.rate);
    EXPECT_EQ(info.video->tags, rec709_limited());
    ASSERT_TRUE(info.start_timecode);
    EXPECT_EQ(info.start_timecode->to_string(), c.start_tc);
    ASSERT_EQ(info.audio.size(), 1u);
    EXPECT_EQ(info.audio[0].channels, 2);
    EXPECT_EQ(info.audio[0].sample_rate, 48000);

    const Timecode start = Timecode::parse(c.start_tc, c.rate);
    std::int64_t n = 0;
    std::int64_t audio_samples = 0;
    std::int64_t previous_pts = -1;
    while (auto unit = reader->next()) {
        for (const auto& a : unit->audio) audio_samples += a.frames();
        if (!unit->video) continue;
        const VideoFrame& f = *unit->video;
        EXPECT_EQ(f.index, n);
        EXPECT_GT(f.pts, previous_pts) << "frame " << n;
        previous_pts = f.pts;
        ASSERT_TRUE(f.timecode);
        EXPECT_EQ(f.timecode->to_string(), start.advanced(n).to_string()) << "frame " << n;
        EXPECT_EQ(f.tags, rec709_limited()) << "frame " << n;
        ++n;
    }
    EXPECT_EQ(n, frames);
    EXPECT_TRUE(reader->stats().discontinuities.empty());
    // Exactly the source's samples: frames * 48000 / rate, rounded up per frame boundary.
    const std::int64_t expected_samples =
        (frames * 48000 * c.rate.den + c.rate.num - 1) / c.rate.num;
    if (c.audio == AudioCodec::Aac)
        EXPECT_NEAR(audio_samples, expected_samples, 1024) << "AAC codes whole 1024-sample frames";
    else
        EXPECT_EQ(audio_samples, expected_samples);
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, RoundTrip,
    ::testing::Values(
        Case{"prores_hq.mov",
             "prores_hq",
             AudioCodec::Pcm24,
             PixelFormat::Yuv422p10,
             {24, 1},
             "01:00:00:00"},
        Case{"prores_4444.mov",
             "prores_4444",
             AudioCodec::Pcm24,
             PixelFormat::Yuva444p10,
             {25, 1},
             "10:00:00:00"},
        Case{"dnxhr_hqx.mxf",
             "dnxhr_hqx",
             AudioCodec::Pcm24,
             PixelFormat::Yuv422p10,
             {24000, 1001},
             "02:00:00:00"},
        Case{"dnxhr_sq.mov",
             "dnxhr_sq",
             AudioCodec::Pcm16,
             PixelFormat::Yuv422p8,
             {25, 1},
             "00:10:00:00"},
        Case{"ffv1.mkv", "ffv1", AudioCodec::Pcm24, PixelFormat::Yuv422p10, {24, 1}, "04:00:00:00"},
        Case{"h264.mp4", "h264", AudioCodec::Aac, PixelFormat::Yuv420p8, {24, 1}, "03:00:00:00"},
        // 29.97 drop frame across a minute boundary: 00:00:59;20 + 10 frames = 00:01:00;02.
        Case{"h265_df.mov",
             "h265",
             AudioCodec::Pcm16,
             PixelFormat::Yuv420p10,
             {30000, 1001},
             "00:00:59;20"},
        Case{"prores_df.mov",
             "prores_422",
             AudioCodec::Pcm24,
             PixelFormat::Yuv422p10,
             {30000, 1001},
             "00:09:59;20"}),
    [](const auto& info) { return test::param_name(info.param.file); });

TEST(RoundTrip, DropFrameLabelsSkipAtTheMinute) {
    TempDir dir;
    const Case c{"df.mov",      "prores_proxy", AudioCodec::None, PixelFormat::Yuv422p10,
                 {30000, 1001}, "00:00:59;28"};
    write_clip(small_clip(c, 5), dir / "df.mov", c.codec, c.audio);
    auto reader = MediaReader::open(dir / "df.mov");
    std::vector<std::string> labels;
    while (auto unit = reader->next())
        if (unit->video) labels.push_back(unit->video->timecode->to_string());
    const std::vector<std::string> expected{"00:00:59;28", "00:00:59;29", "00:01:00;02",
                                            "00:01:00;03", "00:01:00;04"};
    EXPECT_EQ(labels, expected);
}

// Compare two frames plane by plane (same format and size).
bool same_pixels(const VideoFrame& a, const VideoFrame& b) {
    if (a.format != b.format || a.width != b.width || a.height != b.height) return false;
    for (int p = 0; p < info(a.format).planes; ++p)
        for (int y = 0; y < a.plane_height(p); ++y)
            if (std::memcmp(a.plane(p) + a.stride[p] * y, b.plane(p) + b.stride[p] * y,
                            a.row_bytes(p)) != 0)
                return false;
    return true;
}

TEST(RoundTrip, Ffv1IsBitExactAndPcm24IsSampleExact) {
    TempDir dir;
    const Case c{"lossless.mkv",         "ffv1",  AudioCodec::Pcm24,
                 PixelFormat::Yuv422p10, {24, 1}, "01:00:00:00"};
    const SyntheticOptions o = small_clip(c, 12);
    write_clip(o, dir / c.file, c.codec, c.audio);
    auto original = make_synthetic_source(o);
    auto decoded = MediaReader::open(dir / c.file);
    std::vector<float> original_audio;
    std::vector<float> decoded_audio;
    std::int64_t frames = 0;
    while (auto a = original->next()) {
        auto b = decoded->next();
        ASSERT_TRUE(b);
        ASSERT_TRUE(b->video);
        EXPECT_TRUE(same_pixels(*a->video, *b->video)) << "frame " << frames;
        for (const auto& buf : a->audio)
            original_audio.insert(original_audio.end(), buf.samples.begin(), buf.samples.end());
        for (const auto& buf : b->audio)
            decoded_audio.insert(decoded_audio.end(), buf.samples.begin(), buf.samples.end());
        ++frames;
    }
    while (auto b = decoded->next())
        for (const auto& buf : b->audio)
            decoded_audio.insert(decoded_audio.end(), buf.samples.begin(), buf.samples.end());
    EXPECT_EQ(frames, 12);
    ASSERT_EQ(decoded_audio.size(), original_audio.size());
    // 24-bit PCM: equal to the source quantised to 24 bits.
    for (std::size_t i = 0; i < original_audio.size(); ++i)
        ASSERT_NEAR(decoded_audio[i], original_audio[i], 1.0 / (1 << 23)) << "sample " << i;
}

TEST(RoundTrip, ProresStaysCloseToTheSource) {
    TempDir dir;
    const Case c{"hq.mov", "prores_hq",  AudioCodec::None, PixelFormat::Yuv422p10,
                 {24, 1},  "01:00:00:00"};
    const SyntheticOptions o = small_clip(c, 6);
    write_clip(o, dir / c.file, c.codec, c.audio);
    auto original = make_synthetic_source(o);
    auto decoded = MediaReader::open(dir / c.file);
    while (auto a = original->next()) {
        auto b = decoded->next();
        ASSERT_TRUE(b && b->video);
        ASSERT_EQ(b->video->format, PixelFormat::Yuv422p10);
        double sq = 0;
        const int w = a->video->width;
        const int h = a->video->height;
        for (int y = 0; y < h; ++y) {
            const auto* ra = reinterpret_cast<const std::uint16_t*>(a->video->plane(0) +
                                                                    a->video->stride[0] * y);
            const auto* rb = reinterpret_cast<const std::uint16_t*>(b->video->plane(0) +
                                                                    b->video->stride[0] * y);
            for (int x = 0; x < w; ++x) sq += (double(ra[x]) - rb[x]) * (double(ra[x]) - rb[x]);
        }
        const double mse = sq / (double(w) * h);
        const double psnr = mse == 0 ? 99 : 10 * std::log10(1023.0 * 1023.0 / mse);
        EXPECT_GT(psnr, 40.0) << "frame " << a->video->index;
    }
}

TEST(Transcode, OutputBytesDoNotDependOnThreads) {
    TempDir dir;
    const Case c{"src.mov", "prores_hq",  AudioCodec::Pcm24, PixelFormat::Yuv422p10,
                 {24, 1},   "01:00:00:00"};
    write_clip(small_clip(c, 20), dir / "src.mov", c.codec, c.audio);
    auto read_all = [](const std::string& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    for (const char* codec : {"prores_hq", "ffv1", "dnxhr_hq"}) {
        std::vector<std::string> outputs;
        for (int threads : {1, 2, 3}) {
            TranscodeOptions t;
            t.input = dir / "src.mov";
            t.output = dir / (std::string(codec) + "_t" + std::to_string(threads) + ".mov");
            if (std::string(codec) == "ffv1")
                t.output = dir / ("ffv1_t" + std::to_string(threads) + ".mkv");
            t.video_codec = codec;
            t.schedule.threads = threads;
            CancelToken cancel;
            transcode(t, cancel);
            outputs.push_back(read_all(t.output));
        }
        ASSERT_FALSE(outputs[0].empty());
        // Compared as booleans: a byte dump of a movie is no use in a failure message.
        EXPECT_TRUE(outputs[0] == outputs[1]) << codec << ": 1 vs 2 threads differ";
        EXPECT_TRUE(outputs[0] == outputs[2]) << codec << ": 1 vs 3 threads differ";
    }
}

}  // namespace
}  // namespace cinepipe
