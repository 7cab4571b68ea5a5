// with_synced_sound: each picture carries exactly the recording's samples that play during it.
// The recording is a ramp whose every sample holds its own position (n / 2^23, exact in 24-bit
// PCM and in float), so a unit's samples say where in the recording they came from.

#include <gtest/gtest.h>

#include <cmath>

#include "cinepipe/error.h"
#include "cinepipe/samples.h"
#include "cinepipe/synced_sound.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::quote;
using test::TempDir;

constexpr double kStep = 1.0 / 8388608;  // one 24-bit code

class SyncedSoundReader : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<TempDir>();
        // Three channels: the position, its negative, and a constant; 1 s at 44.1 kHz.
        ramp_ = *dir_ / "ramp.wav";
        const auto r = test::run_command(
            "ffmpeg -v error -y -f lavfi -i \"aevalsrc=exprs=n/8388608|-n/8388608|0.25:"
            "s=44100:d=1\" -c:a pcm_s24le " +
            quote(ramp_) + " 2>&1");
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    static void TearDownTestSuite() { dir_.reset(); }

    // A synthetic clip of `frames` pictures at 29.97 with its own stereo sound.
    static std::unique_ptr<MediaReader> clip(std::int64_t frames) {
        SyntheticOptions o;
        o.width = 64;
        o.height = 64;
        o.rate = {30000, 1001};
        o.frames = frames;
        return make_synthetic_source(o);
    }

    // Where frame k's sound ends at 44.1 kHz under 29.97 fps: sample n belongs to frame
    // floor(n * 30000 / 1001 / 44100), so frame k ends at ceil((k + 1) * 1001 * 44100 / 30000).
    static std::int64_t end_of(std::int64_t k) {
        const std::int64_t p = (k + 1) * 1001 * 44100;
        return (p + 29999) / 30000;
    }

    static inline std::unique_ptr<TempDir> dir_;
    static inline std::string ramp_;
};

TEST_F(SyncedSoundReader, EachPictureGetsTheSamplesThatPlayDuringIt) {
    const std::int64_t offset = 1234;
    auto reader = with_synced_sound(clip(12), {ramp_, offset, false});
    // The recording's stream replaces the clip's: its rate, channels, layout and depth.
    const MediaInfo& info = reader->info();
    ASSERT_EQ(info.audio.size(), 1u);
    const AudioStreamInfo roll = MediaReader::open(ramp_)->info().audio.front();
    EXPECT_EQ(info.audio[0].sample_rate, 44100);
    EXPECT_EQ(info.audio[0].channels, 3);
    EXPECT_EQ(info.audio[0].channel_layout, roll.channel_layout);
    EXPECT_EQ(info.audio[0].channel_mask, roll.channel_mask);
    EXPECT_EQ(info.audio[0].bits_per_sample, 24);
    EXPECT_EQ(info.audio[0].sample_format, roll.sample_format);
    EXPECT_EQ(info.video->frame_count, 12);

    std::int64_t k = 0;
    std::int64_t at = 0;
    while (auto unit = reader->next()) {
        ASSERT_TRUE(unit->video) << "no audio-only units after the last picture";
        ASSERT_EQ(unit->audio.size(), 1u);
        const AudioBuffer& a = unit->audio[0];
        EXPECT_EQ(a.channels, 3);
        EXPECT_EQ(a.sample_rate, 44100);
        EXPECT_EQ(a.pts, at);
        ASSERT_EQ(a.frames(), end_of(k) - at) << "frame " << k;
        for (std::int64_t i = 0; i < a.frames(); ++i) {
            const double n = static_cast<double>(offset + at + i);
            ASSERT_EQ(a.samples[static_cast<std::size_t>(i * 3)], float(n * kStep)) << i;
            ASSERT_EQ(a.samples[static_cast<std::size_t>(i * 3 + 1)], float(-n * kStep));
            ASSERT_EQ(a.samples[static_cast<std::size_t>(i * 3 + 2)], 0.25F);
        }
        at = end_of(k);
        ++k;
    }
    EXPECT_EQ(k, 12);
    EXPECT_EQ(reader->stats().frames, 12);
    EXPECT_EQ(reader->stats().audio_samples, end_of(11));
    EXPECT_TRUE(reader->stats().warnings.empty());
}

TEST_F(SyncedSoundReader, SilenceBeforeTheRecordingStartsAndAfterItEnds) {
    // 60 frames (2.002 s) from 0.5 s before the 1 s recording: 22050 samples of silence, the
    // whole recording, then silence to the end of the picture.
    auto reader = with_synced_sound(clip(60), {ramp_, -22050, false});
    std::vector<float> all;
    while (auto unit = reader->next())
        all.insert(all.end(), unit->audio[0].samples.begin(), unit->audio[0].samples.end());
    ASSERT_EQ(all.size(), static_cast<std::size_t>(end_of(59)) * 3);
    for (std::int64_t i = 0; i < end_of(59); ++i) {
        const std::int64_t n = i - 22050;
        const float expected = n >= 0 && n < 44100 ? float(double(n) * kStep) : 0.0F;
        ASSERT_EQ(all[static_cast<std::size_t>(i * 3)], expected) << i;
    }
    const auto& warnings = reader->stats().warnings;
    ASSERT_EQ(warnings.size(), 2u);
    EXPECT_NE(warnings[0].find("the camera rolled 0.500 s before the recording"), std::string::npos)
        << warnings[0];
    EXPECT_NE(warnings[1].find("the recording ends"), std::string::npos) << warnings[1];
}

TEST_F(SyncedSoundReader, KeepScratchDeliversTheClipsOwnSoundAfterIt) {
    auto reader = with_synced_sound(clip(5), {ramp_, 0, true});
    ASSERT_EQ(reader->info().audio.size(), 2u);
    EXPECT_EQ(reader->info().audio[1].channels, 2);
    EXPECT_EQ(reader->info().audio[1].sample_rate, 48000);
    while (auto unit = reader->next()) {
        ASSERT_TRUE(unit->video);
        ASSERT_EQ(unit->audio.size(), 2u);
        EXPECT_EQ(unit->audio[0].channels, 3);
        EXPECT_EQ(unit->audio[1].channels, 2);
    }
}

TEST_F(SyncedSoundReader, AnUnreadableRecordingNamesItself) {
    const std::string missing = *dir_ / "T404.wav";
    try {
        with_synced_sound(clip(2), {missing, 0, false});
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), missing + ": no such file");
    }
}

}  // namespace
}  // namespace cinepipe
