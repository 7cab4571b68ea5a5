// The sound checks behind `cinepipe qc` (filters/audio) on synthetic sample blocks: where a
// block's samples land in frames, the loudness meter on EBU Tech 3341's reference signals and
// its channel weights, the loudness range statistics, and silence, clipping and phase found at
// the exact frames they were planted in. End to end against FFmpeg: qc_cli_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "audio/loudness_meter.h"
#include "audio/loudness_range.h"
#include "qc/qc_check.h"

namespace cinepipe::qc {
namespace {

constexpr int kRate = 48000;
constexpr std::int64_t kPerFrame = kRate / 24;  // 2000 samples a frame at 24 fps

// Interleaved samples: value(channel, sample position).
AudioBuffer make_audio(int channels, std::int64_t pts, std::int64_t n,
                       const std::function<float(int, std::int64_t)>& value) {
    AudioBuffer a;
    a.channels = channels;
    a.sample_rate = kRate;
    a.pts = pts;
    a.samples.resize(static_cast<std::size_t>(n * channels));
    for (std::int64_t i = 0; i < n; ++i)
        for (int c = 0; c < channels; ++c)
            a.samples[static_cast<std::size_t>(i * channels + c)] = value(c, pts + i);
    return a;
}

float sine(double amplitude, double hz, std::int64_t s, double phase = 0) {
    return static_cast<float>(amplitude *
                              std::sin(2 * std::numbers::pi * hz * double(s) / kRate + phase));
}

// Deterministic white noise in -1..1, the same for a given position.
float noise(std::int64_t s) {
    auto x = static_cast<std::uint32_t>(s) * 2654435761u + 12345u;
    x ^= x >> 15;
    x *= 2246822519u;
    x ^= x >> 13;
    return static_cast<float>(x) / 2147483648.0f - 1.0f;
}

// Runs a check (by name, with `params`) over `frames` frames of `channels`-channel sound, one
// block per frame as the reader cuts it, then `tail` samples past the last picture.
std::vector<QcEvent> run_check(const std::string& name, std::map<std::string, RawValue> params,
                               int channels, std::int64_t frames, std::int64_t tail,
                               const std::function<float(int, std::int64_t)>& value) {
    const CheckInfo* info = find_check(name);
    EXPECT_NE(info, nullptr) << name;
    if (!info) return {};
    ClipFacts clip;
    clip.fps = {24, 1};
    MeasureConfig measure;
    auto check =
        info->create(validate_params(info->params, params), Severity::Error, clip, measure);
    std::vector<QcEvent> events;
    for (std::int64_t f = 0; f < frames; ++f) {
        const AudioBuffer a = make_audio(channels, f * kPerFrame, kPerFrame, value);
        check->observe_audio({a, 0, f, -1, clip.fps}, events);
    }
    if (tail > 0) {
        const AudioBuffer a = make_audio(channels, frames * kPerFrame, tail, value);
        check->observe_audio({a, 0, frames, frames * kPerFrame, clip.fps}, events);
    }
    check->finish(frames, events);
    return events;
}

TEST(AudioBlock, SamplesOfAPictureUnitPlayWithItsFrame) {
    const AudioBuffer a =
        make_audio(1, 7 * kPerFrame, kPerFrame, [](int, std::int64_t) { return 0.f; });
    const AudioBlock block{a, 0, 7, -1, {24, 1}};
    EXPECT_EQ(block.frame_of(0), 7);
    EXPECT_EQ(block.frame_of(kPerFrame - 1), 7);
    int calls = 0;
    block.for_each_frame([&](std::int64_t f, std::int64_t b, std::int64_t e) {
        ++calls;
        EXPECT_EQ(f, 7);
        EXPECT_EQ(b, 0);
        EXPECT_EQ(e, kPerFrame);
    });
    EXPECT_EQ(calls, 1);
}

TEST(AudioBlock, TailSamplesAreCountedAtTheNominalRate) {
    // 29.97 fps: 1601.6 samples a frame; the tail starts at sample 100000, frame 60.
    const Rational fps{30000, 1001};
    const AudioBuffer a = make_audio(2, 100500, 10000, [](int, std::int64_t) { return 0.f; });
    const AudioBlock block{a, 0, 60, 100000, fps};
    std::int64_t expected_begin = 0;
    std::int64_t last_frame = -1;
    block.for_each_frame([&](std::int64_t f, std::int64_t b, std::int64_t e) {
        EXPECT_EQ(b, expected_begin);
        EXPECT_LT(b, e);
        // Every sample of the run, and only those, belongs to frame f: floor(n * fps / rate).
        for (std::int64_t i = b; i < e; ++i) {
            const std::int64_t since = a.pts + i - 100000;
            EXPECT_EQ(60 + since * fps.num / (fps.den * kRate), f) << i;
        }
        EXPECT_EQ(block.frame_of(b), f);
        EXPECT_GT(f, last_frame);
        last_frame = f;
        expected_begin = e;
    });
    EXPECT_EQ(expected_begin, 10000);
    EXPECT_EQ(block.frame_of(0), 60);  // 500 samples in: still the first tail frame
}

// EBU Tech 3341 cases 1 and 2: a 1 kHz sine at -23 (-33) dBFS on both channels of a stereo
// pair measures -23 (-33) LUFS, momentary, short-term and integrated, within 0.1 LU.
TEST(LoudnessMeter, Tech3341StereoSines) {
    for (double level : {-23.0, -33.0}) {
        LoudnessMeter meter(2, kRate, 0x3);
        const double amplitude = std::pow(10.0, level / 20);
        for (std::int64_t f = 0; f < 20 * 24; ++f) {
            const AudioBuffer a = make_audio(2, f * kPerFrame, kPerFrame, [&](int, std::int64_t s) {
                return sine(amplitude, 1000, s);
            });
            meter.add(a.samples.data(), kPerFrame, f, a.pts);
        }
        const auto r = meter.result();
        ASSERT_TRUE(r.integrated && r.momentary_max && r.short_term_max && r.range);
        EXPECT_NEAR(*r.integrated, level, 0.1);
        EXPECT_NEAR(*r.momentary_max, level, 0.1);
        EXPECT_NEAR(*r.short_term_max, level, 0.1);
        EXPECT_NEAR(*r.range, 0, 0.1);
        EXPECT_NEAR(*r.sample_peak, level, 0.01);
    }
}

// One channel of 5.1 carrying the -23 dBFS sine: a front channel counts once (-26 LUFS: half
// the stereo pair), a surround 1.41 times (+1.5 dB), the LFE not at all.
TEST(LoudnessMeter, ChannelWeightsFollowTheSpeakerPositions) {
    const std::uint64_t k51 = 0x3f;  // FL FR FC LFE BL BR
    struct Case {
        int channel;
        std::optional<double> expected;
    };
    for (const Case& c :
         {Case{0, -26.01}, Case{2, -26.01}, Case{4, -24.52}, Case{3, std::nullopt}}) {
        SCOPED_TRACE(c.channel);
        LoudnessMeter meter(6, kRate, k51);
        const double amplitude = std::pow(10.0, -23.0 / 20);
        const AudioBuffer a = make_audio(6, 0, 5 * kRate, [&](int ch, std::int64_t s) {
            return ch == c.channel ? sine(amplitude, 1000, s) : 0.f;
        });
        meter.add(a.samples.data(), a.frames(), 0, 0);
        const auto r = meter.result();
        EXPECT_EQ(r.integrated.has_value(), c.expected.has_value());
        if (r.integrated && c.expected) {
            EXPECT_NEAR(*r.integrated, *c.expected, 0.1);
        }
    }
}

// A sine at a quarter of the sample rate, phased 45°: every sample at 0.707 of the peak, so
// the true peak is 3 dB above the sample peak.
TEST(LoudnessMeter, TruePeakBetweenSamples) {
    LoudnessMeter meter(1, kRate, 0x4);
    const AudioBuffer a = make_audio(1, 0, kRate, [](int, std::int64_t s) {
        const double fade = std::min(1.0, double(s) / 4800);  // no onset overshoot
        return sine(0.5 * fade, kRate / 4.0, s, std::numbers::pi / 4);
    });
    meter.add(a.samples.data(), a.frames(), 0, 0);
    const auto r = meter.result();
    ASSERT_TRUE(r.true_peak && r.sample_peak);
    EXPECT_NEAR(*r.sample_peak, 20 * std::log10(0.5 * std::sqrt(0.5)), 0.01);
    EXPECT_NEAR(*r.true_peak, 20 * std::log10(0.5), 0.2);
}

TEST(LoudnessRange, PercentilesOfTheGatedShortTermValues) {
    LoudnessRange range;
    EXPECT_FALSE(range.range());
    for (int i = 0; i < 100; ++i) range.add(-30 + 0.1 * i);  // -30.0 .. -20.1
    range.add(-80);                                          // below the absolute gate
    range.add(-75);
    const auto r = range.range();
    ASSERT_TRUE(r);
    // The 10th value from the bottom (rank round(10% of 100)) and the one above which fewer
    // than 95% remain, to the 0.01 LU bin.
    EXPECT_NEAR(r->low, -29.1, 0.011);
    EXPECT_NEAR(r->high, -20.6, 0.011);
    EXPECT_NEAR(r->lu(), 8.5, 0.02);
}

TEST(LoudnessRange, RelativeGateDropsQuietPassages) {
    LoudnessRange range;
    for (int i = 0; i < 90; ++i) range.add(-10 + 0.01 * (i % 10));
    for (int i = 0; i < 10; ++i) range.add(-45);  // more than 20 LU under the mean
    const auto r = range.range();
    ASSERT_TRUE(r);
    EXPECT_GT(r->low, -10.1);
    EXPECT_LT(r->lu(), 0.1);
}

TEST(SilenceCheck, ADeadChannelAtTheFramesItIsDead) {
    // Frames 30..89 of the right channel are digital silence; the tail (2 s past frame 119) is
    // silent on both, from frame 120 on.
    const auto events = run_check(
        "silence", {{"min_duration", {"1"}}}, 2, 120, 2 * kRate, [](int c, std::int64_t s) {
            if (s >= 120 * kPerFrame) return 0.f;
            const bool dead = c == 1 && s >= 30 * kPerFrame && s < 90 * kPerFrame;
            return dead ? 0.f : sine(0.1, 440, s, 1.0);  // phased off zero at whole seconds
        });
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].check, "silence");
    EXPECT_EQ(events[0].start_frame, 30);
    EXPECT_EQ(events[0].end_frame, 89);
    EXPECT_NEAR(events[0].value, 2.5, 1e-6);
    EXPECT_NE(events[0].message.find("channel 2"), std::string::npos) << events[0].message;
    EXPECT_NE(events[0].message.find("digital silence"), std::string::npos) << events[0].message;
    // Both channels at once: one event naming both; its frames run on past the last picture
    // (the analyser clamps them to it).
    EXPECT_EQ(events[1].start_frame, 120);
    EXPECT_EQ(events[1].end_frame, 167);
    EXPECT_NE(events[1].message.find("channels 1 and 2"), std::string::npos) << events[1].message;
}

TEST(SilenceCheck, NearSilenceBelowTheThresholdOnly) {
    // -70 dBFS hiss is silence at -60 dBFS, and not at -80.
    auto hiss = [](int, std::int64_t s) { return 0.0003f * noise(s); };
    EXPECT_EQ(run_check("silence", {}, 1, 72, 0, hiss).size(), 1u);
    EXPECT_TRUE(run_check("silence", {{"threshold", {"-80"}}}, 1, 72, 0, hiss).empty());
}

TEST(ClippingCheck, RunsOfFullScaleSamples) {
    // Frame 50: three samples at full scale on the left; frame 80: two (a legitimate peak, below
    // min_samples); frame 100: -1.0 for five samples on the right.
    const auto events = run_check("clipping", {}, 2, 120, 0, [](int c, std::int64_t s) {
        const std::int64_t at50 = 50 * kPerFrame + 700, at80 = 80 * kPerFrame + 10,
                           at100 = 100 * kPerFrame + 1999;
        if (c == 0 && s >= at50 && s < at50 + 3) return 1.0f;
        if (c == 0 && s >= at80 && s < at80 + 2) return 1.0f;
        if (c == 1 && s >= at100 && s < at100 + 5) return -1.0f;  // runs into frame 101
        return sine(0.5, 440, s);
    });
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].start_frame, 50);
    EXPECT_EQ(events[0].end_frame, 50);
    EXPECT_EQ(events[0].value, 1);
    EXPECT_NE(events[0].message.find("channel 1"), std::string::npos) << events[0].message;
    EXPECT_EQ(events[1].start_frame, 100);
    EXPECT_NE(events[1].message.find("channel 2"), std::string::npos) << events[1].message;
}

TEST(ClippingCheck, ABurstIsOneEvent) {
    // A tone driven into the rails for frames 24..35: a clip every half cycle.
    const auto events = run_check("clipping", {}, 1, 72, 0, [](int, std::int64_t s) {
        const bool hot = s >= 24 * kPerFrame && s < 36 * kPerFrame;
        return std::clamp(sine(hot ? 3.0 : 0.3, 100, s), -1.0f, 1.0f);
    });
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].start_frame, 24);
    EXPECT_EQ(events[0].end_frame, 35);
    EXPECT_EQ(events[0].value, 100);  // 0.5 s of 100 Hz: 100 half cycles
}

TEST(PhaseCheck, AnInvertedStretchAtItsFrames) {
    // The same noise both sides, the right inverted over frames 40..79 (1.67 s).
    const auto events = run_check("phase", {}, 2, 144, 0, [](int c, std::int64_t s) {
        const bool inverted = c == 1 && s >= 40 * kPerFrame && s < 80 * kPerFrame;
        return (inverted ? -0.1f : 0.1f) * noise(s);
    });
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].start_frame, 40);
    EXPECT_EQ(events[0].end_frame, 79);
    EXPECT_LT(events[0].value, -0.99);
}

TEST(PhaseCheck, UncorrelatedAndSilentStereoIsNotOutOfPhase) {
    EXPECT_TRUE(run_check("phase", {}, 2, 96, 0, [](int c, std::int64_t s) {
                    return 0.1f * noise(2 * s + c);
                }).empty());
    EXPECT_TRUE(run_check("phase", {}, 2, 96, 0, [](int c, std::int64_t s) {
                    return c ? -1e-5f * noise(s) : 1e-5f * noise(s);  // -100 dBFS
                }).empty());
}

}  // namespace
}  // namespace cinepipe::qc
