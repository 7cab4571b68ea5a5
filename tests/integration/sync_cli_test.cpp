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
