// `cinepipe sync`: lip-sync from a beep/flash. The sample dailies' flash frame and beep are
// generated together, so their offset is zero; ffmpeg then shifts the sound by known amounts
// (whole samples, sub-frame, early and late) and the measured offset must follow to within
// a millisecond.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::quote;
using test::TempDir;

class Sync : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        for (const auto& p : test::sample_dailies(samples_))
            if (p.find("A001C001_prores_hq.mov") != std::string::npos) clip_ = p;
    }
    static void TearDownTestSuite() { samples_.reset(); }

    // The ProRes sample with its PCM sound shifted: positive `samples` delay it (audio late),
    // negative ones cut its start (audio early).
    std::string shifted(const std::string& name, int samples) {
        const std::string out = out_ / name;
        const std::string filter = samples >= 0
                                       ? "adelay=" + std::to_string(samples) + "S:all=1"
                                       : "atrim=start_sample=" + std::to_string(-samples) +
                                             ",asetpts=PTS-STARTPTS";
        test::ffmpeg("-i " + quote(clip_) + " -map 0:v -map 0:a -c:v copy -af " + filter +
                     " -c:a pcm_s24le " + quote(out));
        return out;
    }

    json measure(const std::string& path, int expected_exit, const std::string& args = "") {
        const std::string report = out_ / ("sync" + std::to_string(++runs_) + ".json");
        const auto r = cinepipe("sync " + quote(path) + " --json " + quote(report) + " " + args);
        EXPECT_EQ(r.exit_code, expected_exit) << r.output;
        return json::parse(test::read_file(report));
    }

    static inline std::unique_ptr<TempDir> samples_;
    static inline std::string clip_;
    TempDir out_;
    int runs_ = 0;
};

TEST_F(Sync, SampleDailiesAreInSync) {
    ASSERT_FALSE(clip_.empty());
    const json j = measure(clip_, 0);
    EXPECT_EQ(j["schema"], "cinepipe.sync/1");
    EXPECT_TRUE(j["found"].get<bool>());
    EXPECT_EQ(j["pattern"], "beep/flash");
    EXPECT_EQ(j["video_frame"], 24);  // the slate's flash, one second in at 24 fps
    EXPECT_NEAR(j["av_offset_ms"].get<double>(), 0.0, 1.0) << j.dump();
    EXPECT_NEAR(j["tone_hz"].get<double>(), 1000, 50);
    EXPECT_GT(j["confidence"].get<double>(), 0.8);
    EXPECT_EQ(j["verdict"], "pass");
}

TEST_F(Sync, OffsetsFollowKnownShiftsToAMillisecond) {
    ASSERT_FALSE(clip_.empty());
    // 48 kHz: 984 samples = 20.5 ms late (sub-frame), 1600 = 33.33 ms early.
    const json late = measure(shifted("late.mov", 984), 0);
    EXPECT_NEAR(late["av_offset_ms"].get<double>(), 20.5, 1.0) << late.dump();
    const json early = measure(shifted("early.mov", -1600), 0);
    EXPECT_NEAR(early["av_offset_ms"].get<double>(), -33.33, 1.0) << early.dump();
    // Beyond EBU R37's window (60 ms late, 40 ms early): exit 1, verdict fail.
    const json far_late = measure(shifted("far_late.mov", 4800), 1);  // 100 ms
    EXPECT_NEAR(far_late["av_offset_ms"].get<double>(), 100, 1.0) << far_late.dump();
    EXPECT_EQ(far_late["verdict"], "fail");
    const json far_early = measure(shifted("far_early.mov", -2400), 1);  // 50 ms early
    EXPECT_NEAR(far_early["av_offset_ms"].get<double>(), -50, 1.0) << far_early.dump();
    // A wider window accepts it.
    (void)measure(out_ / "far_early.mov", 0, "--early-ms 60");
}

TEST_F(Sync, QcReportsLipSyncOutsideTheWindow) {
    ASSERT_FALSE(clip_.empty());
    const std::string report = out_ / "qc.json";
    auto r = cinepipe("qc -q " + quote(shifted("qc_late.mov", 4800)) + " --json " + quote(report));
    EXPECT_EQ(r.exit_code, 1) << r.output;  // broadcast: av_sync is an error
    json j = json::parse(test::read_file(report));
    int found = 0;
    for (const auto& e : j["events"])
        if (e["check"] == "av_sync") {
            ++found;
            EXPECT_EQ(e["start_frame"], 24) << e.dump();
            EXPECT_NEAR(e["value"].get<double>(), 100, 1) << e.dump();
            EXPECT_EQ(e["severity"], "error");
        }
    EXPECT_EQ(found, 1) << j["events"].dump();
    EXPECT_NEAR(j["measurements"]["av_offset_ms"].get<double>(), 100, 1);
    // In sync: measured, no event.
    r = cinepipe("qc -q " + quote(clip_) + " --profile dailies --json " + quote(report) + " --overwrite");
    j = json::parse(test::read_file(report));
    EXPECT_NEAR(j["measurements"]["av_offset_ms"].get<double>(), 0, 1) << r.output;
    for (const auto& e : j["events"]) EXPECT_NE(e["check"], "av_sync") << e.dump();
}

TEST_F(Sync, NoPatternIsAOneLineError) {
    const std::string plain = out_ / "plain.mov";
    test::ffmpeg("-f lavfi -i testsrc2=size=320x180:rate=24:duration=2 -f lavfi -i "
                 "sine=frequency=440:duration=2 -c:v prores_ks -c:a pcm_s16le " + quote(plain));
    const auto r = cinepipe("sync " + quote(plain));
    test::expect_one_line_error(r, 2, "no sync pattern");
    const auto missing = cinepipe("sync " + quote(out_ / "nope.mov"));
    test::expect_one_line_error(missing, 2, "nope.mov");
}

}  // namespace
}  // namespace cinepipe

namespace cinepipe {
namespace {

// Dual-system sound: a 60 s "recorder" track of speech-like modulated noise, and camera clips
// whose scratch audio is a piece of it, made worse as a camera mic makes it (quieter,
// low-passed, with its own hiss), starting at known sample positions.
class DualSystem : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<TempDir>();
        recorder_ = *dir_ / "sound_roll.wav";
        test::ffmpeg("-f lavfi -i \"anoisesrc=color=pink:duration=60:seed=7:sample_rate=48000,"
                     "volume='0.2+0.8*abs(sin(2*PI*2.3*t)*sin(2*PI*0.7*t))':eval=frame\" "
                     "-c:a pcm_s24le " + quote(recorder_));
    }
    static void TearDownTestSuite() { dir_.reset(); }

    // A clip whose first scratch sample is the recorder's sample `start` (negative: the camera
    // rolled before the recorder, and its sound before that is room tone), `seconds` long,
    // its sound running `ppm` fast against the recorder.
    std::string camera(const std::string& name, long start, double seconds, double ppm = 0) {
        const std::string out = out_ / name;
        std::string chain = start >= 0
                                ? "[1:a]atrim=start_sample=" + std::to_string(start) + ",asetpts=PTS-STARTPTS"
                                : "[1:a]adelay=" + std::to_string(-start) + "S:all=1";
        if (ppm != 0)
            chain += ",asetrate=" + std::to_string(48000 * (1 + ppm * 1e-6)) + ",aresample=48000";
        chain += ",atrim=duration=" + std::to_string(seconds) +
                 ",lowpass=f=4000,volume=0.3[s];[s][2:a]amix=inputs=2:normalize=0[a]";
        test::ffmpeg("-f lavfi -i testsrc2=size=160x90:rate=24:duration=" + std::to_string(seconds) +
                     " -i " + quote(recorder_) +
                     " -f lavfi -i anoisesrc=color=white:amplitude=0.02:seed=3:sample_rate=48000:duration=" +
                     std::to_string(seconds) + " -filter_complex \"" + chain +
                     "\" -map 0:v -map \"[a]\" -c:v prores_ks -c:a pcm_s16le -ac 1 " + quote(out));
        return out;
    }

    json align(const std::string& clip) {
        const std::string report = out_ / ("ds" + std::to_string(++runs_) + ".json");
        const auto r = cinepipe("sync " + quote(clip) + " --audio " + quote(recorder_) + " --json " +
                                quote(report));
        EXPECT_EQ(r.exit_code, 0) << r.output;
        return json::parse(test::read_file(report));
    }

    static inline std::unique_ptr<TempDir> dir_;
    static inline std::string recorder_;
    TempDir out_;
    int runs_ = 0;
};

TEST_F(DualSystem, FindsTheClipInTheRecordingToASampleOrTwo) {
    // 592589 samples = 12.345604 s: not on any frame or millisecond boundary.
    const json j = align(camera("a.mov", 592589, 10));
    EXPECT_EQ(j["mode"], "dual_system");
    EXPECT_EQ(j["external_rate"], 48000);
    // The camera mic's low-pass delays its sound by a few samples; that is the material.
    EXPECT_NEAR(j["offset_samples"].get<double>(), 592589, 6) << j.dump();
    EXPECT_NEAR(j["offset_ms"].get<double>(), 12345.604, 0.15) << j.dump();
    EXPECT_GT(j["confidence"].get<double>(), 0.5);
    EXPECT_NEAR(j["drift_ppm"].get<double>(), 0, 5);
}

TEST_F(DualSystem, ACameraThatRolledFirstHasANegativeOffset) {
    const json j = align(camera("b.mov", -24000, 8));  // half a second before the recorder
    EXPECT_NEAR(j["offset_ms"].get<double>(), -500, 0.15) << j.dump();
}

TEST_F(DualSystem, MeasuresClockDrift) {
    const json j = align(camera("c.mov", 240000, 40, 100));
    EXPECT_NEAR(j["drift_ppm"].get<double>(), 100, 15) << j.dump();
    EXPECT_GE(j["drift_windows"].get<int>(), 10);
    EXPECT_NEAR(j["offset_ms"].get<double>(), 5000, 1.5) << j.dump();
}

TEST_F(DualSystem, TimecodeAndSoundAgreeOrTheDisagreementIsSaid) {
    // The roll starts at 00:00:05:00 (BWF TimeReference 240000 at 48 kHz). The clip's sound is
    // 12.3456 s into it, so its timecode 00:00:17:08 (17.333 s) is right to within a frame,
    // and 00:00:20:00 is not.
    const std::string roll = out_ / "roll.wav";
    test::ffmpeg("-i " + quote(recorder_) + " -c:a pcm_s24le -write_bext 1 -metadata "
                 "time_reference=240000 " + quote(roll));
    const std::string clip = camera("tc.mov", 592589, 6);
    for (const auto& [tc, agrees] : {std::pair{"00:00:17:08", true}, std::pair{"00:00:20:00", false}}) {
        const std::string stamped = out_ / (std::string(agrees ? "right" : "wrong") + ".mov");
        test::ffmpeg("-i " + quote(clip) + " -map 0 -c copy -timecode " + tc + " " + quote(stamped));
        const std::string report = out_ / (std::string(tc).substr(6, 2) + ".json");
        const auto r = cinepipe("sync " + quote(stamped) + " --audio " + quote(roll) + " --json " +
                                quote(report));
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const json j = json::parse(test::read_file(report));
        ASSERT_TRUE(j.contains("timecode_offset_ms")) << j.dump();
        EXPECT_EQ(j["timecode_agrees"].get<bool>(), agrees) << j.dump();
        EXPECT_NEAR(j["timecode_offset_ms"].get<double>(), agrees ? 12333.33 : 15000, 0.5) << j.dump();
        EXPECT_NE(r.output.find(agrees ? "agrees with the sound" : "DISAGREES"), std::string::npos)
            << r.output;
    }
}

TEST_F(DualSystem, ClipNotInTheRecordingIsAOneLineError) {
    const std::string other = out_ / "other.mov";
    test::ffmpeg("-f lavfi -i testsrc2=size=160x90:rate=24:duration=5 -f lavfi -i "
                 "anoisesrc=color=pink:duration=5:seed=99:sample_rate=48000 -c:v prores_ks -c:a "
                 "pcm_s16le " + quote(other));
    test::expect_one_line_error(cinepipe("sync " + quote(other) + " --audio " + quote(recorder_)), 2,
                                "is not found in it");
}

}  // namespace
}  // namespace cinepipe
