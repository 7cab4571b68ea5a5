// `cinepipe sync`: lip-sync from a beep/flash. The sample dailies' flash frame and beep are
// generated together, so their offset is zero; ffmpeg then shifts the sound by known amounts
// (whole samples, sub-frame, early and late) and the measured offset must follow to within
// a millisecond.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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
        const std::string filter = samples >= 0 ? "adelay=" + std::to_string(samples) + "S:all=1"
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
    r = cinepipe("qc -q " + quote(clip_) + " --profile dailies --json " + quote(report) +
                 " --overwrite");
    j = json::parse(test::read_file(report));
    EXPECT_NEAR(j["measurements"]["av_offset_ms"].get<double>(), 0, 1) << r.output;
    for (const auto& e : j["events"]) EXPECT_NE(e["check"], "av_sync") << e.dump();
}

TEST_F(Sync, NoPatternIsAOneLineError) {
    const std::string plain = out_ / "plain.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=320x180:rate=24:duration=2 -f lavfi -i "
        "sine=frequency=440:duration=2 -c:v prores_ks -c:a pcm_s16le " +
        quote(plain));
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
        test::ffmpeg(
            "-f lavfi -i \"anoisesrc=color=pink:duration=60:seed=7:sample_rate=48000,"
            "volume='0.2+0.8*abs(sin(2*PI*2.3*t)*sin(2*PI*0.7*t))':eval=frame\" "
            "-c:a pcm_s24le " +
            quote(recorder_));
    }
    static void TearDownTestSuite() { dir_.reset(); }

    // A clip whose first scratch sample is the recorder's sample `start` (negative: the camera
    // rolled before the recorder, and its sound before that is room tone), `seconds` long,
    // its sound running `ppm` fast against the recorder.
    std::string camera(const std::string& name, long start, double seconds, double ppm = 0) {
        const std::string out = out_ / name;
        std::string chain = start >= 0 ? "[1:a]atrim=start_sample=" + std::to_string(start) +
                                             ",asetpts=PTS-STARTPTS"
                                       : "[1:a]adelay=" + std::to_string(-start) + "S:all=1";
        if (ppm != 0)
            chain += ",asetrate=" + std::to_string(48000 * (1 + ppm * 1e-6)) + ",aresample=48000";
        chain += ",atrim=duration=" + std::to_string(seconds) +
                 ",lowpass=f=4000,volume=0.3[s];[s][2:a]amix=inputs=2:normalize=0[a]";
        test::ffmpeg(
            "-f lavfi -i testsrc2=size=160x90:rate=24:duration=" + std::to_string(seconds) +
            " -i " + quote(recorder_) +
            " -f lavfi -i anoisesrc=color=white:amplitude=0.02:seed=3:sample_rate=48000:duration=" +
            std::to_string(seconds) + " -filter_complex \"" + chain +
            "\" -map 0:v -map \"[a]\" -c:v prores_ks -c:a pcm_s16le -ac 1 " + quote(out));
        return out;
    }

    json align(const std::string& clip) {
        const std::string report = out_ / ("ds" + std::to_string(++runs_) + ".json");
        const auto r = cinepipe("sync " + quote(clip) + " --audio " + quote(recorder_) +
                                " --json " + quote(report));
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
    test::ffmpeg("-i " + quote(recorder_) +
                 " -c:a pcm_s24le -write_bext 1 -metadata "
                 "time_reference=240000 " +
                 quote(roll));
    const std::string clip = camera("tc.mov", 592589, 6);
    for (const auto& [tc, agrees] :
         {std::pair{"00:00:17:08", true}, std::pair{"00:00:20:00", false}}) {
        const std::string stamped = out_ / (std::string(agrees ? "right" : "wrong") + ".mov");
        test::ffmpeg("-i " + quote(clip) + " -map 0 -c copy -timecode " + tc + " " +
                     quote(stamped));
        const std::string report = out_ / (std::string(tc).substr(6, 2) + ".json");
        const auto r = cinepipe("sync " + quote(stamped) + " --audio " + quote(roll) + " --json " +
                                quote(report));
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const json j = json::parse(test::read_file(report));
        ASSERT_TRUE(j.contains("timecode_offset_ms")) << j.dump();
        EXPECT_EQ(j["timecode_agrees"].get<bool>(), agrees) << j.dump();
        EXPECT_NEAR(j["timecode_offset_ms"].get<double>(), agrees ? 12333.33 : 15000, 0.5)
            << j.dump();
        EXPECT_NE(r.output.find(agrees ? "agrees with the sound" : "DISAGREES"), std::string::npos)
            << r.output;
    }
}

TEST_F(DualSystem, FindsASweepRecordedAtAnotherSampleRate) {
    // A 20 s logarithmic sweep (50 Hz to 12 kHz) with a little noise at 48 kHz; the camera took
    // it at 44.1 kHz from the recording's sample 300000 (6.25 s) for 5 s.
    const std::string sweep = out_ / "sweep.wav";
    test::ffmpeg(
        "-f lavfi -i "
        "\"aevalsrc='0.5*sin(2*PI*50*20/log(240)*(exp(t/20*log(240))-1))':s=48000:d=20\" "
        "-f lavfi -i anoisesrc=color=white:amplitude=0.01:seed=5:sample_rate=48000:duration=20 "
        "-filter_complex amix=inputs=2:normalize=0 -c:a pcm_s24le " +
        quote(sweep));
    const std::string clip = out_ / "sweep_cam.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=160x90:rate=24:duration=5 -i " + quote(sweep) +
        " -filter_complex \"[1:a]atrim=start_sample=300000,asetpts=PTS-STARTPTS,atrim=duration=5,"
        "aresample=44100,volume=0.5[a]\" -map 0:v -map \"[a]\" -c:v prores_ks -c:a pcm_s16le " +
        quote(clip));
    const std::string report = out_ / "sweep.json";
    const auto r =
        cinepipe("sync " + quote(clip) + " --audio " + quote(sweep) + " --json " + quote(report));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json j = json::parse(test::read_file(report));
    EXPECT_EQ(j["external_rate"], 48000);
    EXPECT_NEAR(j["offset_samples"].get<double>(), 300000, 3) << j.dump();
    EXPECT_NEAR(j["drift_ppm"].get<double>(), 0, 5) << j.dump();
}

TEST_F(DualSystem, TimecodeAt23976CountsRealTime) {
    // A recorder jammed to 23.976 timecode started at 01:00:00:00: 86400 frames of 1001/24000 s,
    // 3603.6 s after midnight, TimeReference 172972800. The clip's 01:00:10:00 is ten label
    // seconds later, 10.01 s of real time: the sound 480480 samples in. Counting the labels as
    // seconds would put it 3.6 s away.
    const std::string roll = out_ / "roll2398.wav";
    test::ffmpeg("-i " + quote(recorder_) +
                 " -c:a pcm_s24le -write_bext 1 -metadata "
                 "time_reference=172972800 " +
                 quote(roll));
    const std::string clip = out_ / "c2398.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=160x90:rate=24000/1001:duration=4 -i " + quote(recorder_) +
        " -filter_complex \"[1:a]atrim=start_sample=480480,asetpts=PTS-STARTPTS,atrim=duration=4,"
        "volume=0.5[a]\" -map 0:v -map \"[a]\" -c:v prores_ks -c:a pcm_s16le -timecode "
        "01:00:10:00 " +
        quote(clip));
    const std::string report = out_ / "c2398.json";
    const auto r =
        cinepipe("sync " + quote(clip) + " --audio " + quote(roll) + " --json " + quote(report));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json j = json::parse(test::read_file(report));
    EXPECT_NEAR(j["offset_samples"].get<double>(), 480480, 2) << j.dump();
    EXPECT_NEAR(j["timecode_offset_ms"].get<double>(), 10010, 0.5) << j.dump();
    EXPECT_TRUE(j["timecode_agrees"].get<bool>()) << j.dump();
}

TEST_F(DualSystem, AnMp4TargetIsRefusedBeforeAnyAnalysis) {
    const std::string clip = camera("mp4.mov", 48000, 2);
    const auto r = cinepipe("sync " + quote(clip) + " --audio " + quote(recorder_) + " -o " +
                            quote(out_ / "synced.mp4"));
    test::expect_one_line_error(r, 3, "needs a .mov, .mxf or .mkv");
    EXPECT_EQ(r.output.find("offset_ms"), std::string::npos)
        << "analysed before refusing: " << r.output;
}

TEST_F(DualSystem, ClipNotInTheRecordingIsAOneLineError) {
    const std::string other = out_ / "other.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=160x90:rate=24:duration=5 -f lavfi -i "
        "anoisesrc=color=pink:duration=5:seed=99:sample_rate=48000 -c:v prores_ks -c:a "
        "pcm_s16le " +
        quote(other));
    test::expect_one_line_error(cinepipe("sync " + quote(other) + " --audio " + quote(recorder_)),
                                2, "is not found in it");
}

// The picture packets of a file, by size and hash: equal for a stream copy whatever the
// container's time base.
std::string picture_packets(const std::string& path) {
    const auto r = test::run_command("ffmpeg -v error -i " + quote(path) +
                                     " -map 0:v:0 -c copy -f framemd5 - | grep -v '^#' | "
                                     "awk -F, '{print $5,$6}'");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
}

// Audio stream `track` of `path` from sample `from`, `count` samples, as raw 24-bit PCM
// (count 0: to the end).
std::string pcm24(const std::string& path, int track, long from = 0, long count = 0) {
    std::string trim = "atrim=start_sample=" + std::to_string(from);
    if (count > 0) trim += ":end_sample=" + std::to_string(from + count);
    const auto r = test::run_command("ffmpeg -v error -i " + quote(path) +
                                     " -map 0:a:" + std::to_string(track) + " -af " + trim +
                                     " -f s24le -c:a pcm_s24le -");
    EXPECT_EQ(r.exit_code, 0);
    return r.output;
}

// A 4-channel 24-bit recording (a polyphonic recorder: boom, two lavs, a mix) made of the
// shared roll's sound at different levels.
std::string polyphonic(const std::string& recorder, const std::string& out) {
    test::ffmpeg(
        "-i " + quote(recorder) +
        " -filter_complex \"[0:a]asplit=4[a][b][c][d];[b]volume=0.5[b2];[c]volume=0.25[c2];"
        "[a][b2][c2][d]join=inputs=4:channel_layout=4.0[o]\" -map \"[o]\" -c:a pcm_s24le " +
        quote(out));
    return out;
}

TEST_F(DualSystem, LaysTheRecordingInWithThePictureCopied) {
    const std::string roll = polyphonic(recorder_, out_ / "poly.wav");
    const std::string clip = out_ / "slate.mov";
    test::ffmpeg("-i " + quote(camera("raw.mov", 592589, 6)) +
                 " -map 0 -c copy -timecode 01:02:03:04 " + quote(clip));
    const std::string synced = out_ / "synced.mov";
    const std::string report = out_ / "lay.json";
    const auto r = cinepipe("sync " + quote(clip) + " --audio " + quote(roll) + " -o " +
                            quote(synced) + " --json " + quote(report));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json j = json::parse(test::read_file(report));
    const long offset = j["offset_samples"].get<long>();
    EXPECT_NEAR(offset, 592589, 6) << j.dump();
    // The picture is the clip's, packet for packet; the timecode is kept.
    EXPECT_EQ(picture_packets(synced), picture_packets(clip));
    EXPECT_EQ(test::ffprobe_timecode(synced), "01:02:03:04");
    // The sound is the recording's four channels from the found sample, bit for bit, as long as
    // the picture (6 s at 48 kHz).
    const json streams =
        test::ffprobe("-show_entries stream=codec_type,codec_name,channels " + quote(synced));
    ASSERT_EQ(streams["streams"].size(), 3u) << streams.dump();  // picture, sound, timecode track
    EXPECT_EQ(streams["streams"][1]["codec_name"], "pcm_s24le");
    EXPECT_EQ(streams["streams"][1]["channels"], 4);
    EXPECT_EQ(test::audio_samples(synced), 288000);
    const std::string laid = pcm24(synced, 0);
    EXPECT_EQ(laid.size(), 288000u * 4 * 3);
    EXPECT_TRUE(laid == pcm24(roll, 0, offset, 288000))
        << "laid-in sound differs from the recording";
    EXPECT_EQ(j["output"]["channels"], 4);
    EXPECT_EQ(j["output"]["silence_head"], 0);
    // MXF too, with the scratch track kept after the laid-in one.
    const std::string mxf = out_ / "synced.mxf";
    ASSERT_EQ(cinepipe("sync " + quote(clip) + " --audio " + quote(roll) + " -o " + quote(mxf) +
                       " --keep-scratch")
                  .exit_code,
              0);
    EXPECT_EQ(picture_packets(mxf), picture_packets(clip));
    EXPECT_TRUE(pcm24(mxf, 0) == laid);
    EXPECT_TRUE(pcm24(mxf, 1) == pcm24(clip, 0));
    // Nothing but the finished files in the folder; an existing output is refused.
    for (const auto& e : std::filesystem::directory_iterator(out_.path()))
        EXPECT_EQ(e.path().filename().string().find("cinepipe-tmp"), std::string::npos) << e.path();
    test::expect_one_line_error(
        cinepipe("sync " + quote(clip) + " --audio " + quote(roll) + " -o " + quote(synced)), 3,
        "exists");
}

TEST_F(DualSystem, ACameraThatRolledFirstGetsSilenceAhead) {
    const std::string clip = camera("early.mov", -24000, 4);
    const std::string synced = out_ / "early_synced.mov";
    const std::string report = out_ / "early.json";
    ASSERT_EQ(cinepipe("sync " + quote(clip) + " --audio " + quote(recorder_) + " -o " +
                       quote(synced) + " --json " + quote(report))
                  .exit_code,
              0);
    const json j = json::parse(test::read_file(report));
    const long head = -j["offset_samples"].get<long>();
    EXPECT_NEAR(head, 24000, 6) << j.dump();
    EXPECT_EQ(j["output"]["silence_head"].get<long>(), head);
    const std::string laid = pcm24(synced, 0);
    ASSERT_EQ(laid.size(), 192000u * 3);
    EXPECT_EQ(laid.substr(0, static_cast<std::size_t>(head) * 3),
              std::string(static_cast<std::size_t>(head) * 3, '\0'));
    EXPECT_TRUE(laid.substr(static_cast<std::size_t>(head) * 3) ==
                pcm24(recorder_, 0, 0, 192000 - head));
}

// Appends an iXML chunk (as sound recorders write it) to a WAV file.
void add_ixml(const std::string& path, long samples_since_midnight, const std::string& rate) {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BWFXML><IXML_VERSION>1.61</IXML_VERSION>"
        "<SCENE>12A</SCENE><TAKE>3</TAKE><TAPE>DAY01</TAPE><SPEED><TIMECODE_RATE>" +
        rate +
        "</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG>"
        "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>0</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>"
        "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>" +
        std::to_string(samples_since_midnight) +
        "</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO><TIMESTAMP_SAMPLE_RATE>48000"
        "</TIMESTAMP_SAMPLE_RATE></SPEED></BWFXML>";
    if (xml.size() % 2) xml += ' ';
    std::string wav = test::read_file(path);
    const auto le32 = [](std::uint32_t v) {
        return std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8 & 0xFF),
                           static_cast<char>(v >> 16 & 0xFF), static_cast<char>(v >> 24 & 0xFF)};
    };
    wav += "iXML" + le32(static_cast<std::uint32_t>(xml.size())) + xml;
    wav.replace(4, 4, le32(static_cast<std::uint32_t>(wav.size() - 8)));
    std::ofstream(path, std::ios::binary) << wav;
}

TEST_F(DualSystem, ReadsTheRecordersIxmlTimecode) {
    const std::string roll = out_ / "ixml.wav";
    test::ffmpeg("-i " + quote(recorder_) + " -t 20 -c:a pcm_s24le " + quote(roll));
    add_ixml(roll, 4800000, "24/1");  // 100 s: 00:01:40:00
    const json probe = json::parse(cinepipe("probe --json " + quote(roll)).output);
    ASSERT_TRUE(probe.contains("sound_start")) << probe.dump();
    EXPECT_EQ(probe["sound_start"]["source"], "ixml");
    EXPECT_DOUBLE_EQ(probe["sound_start"]["seconds_since_midnight"].get<double>(), 100.0);
    EXPECT_EQ(probe["sound_start"]["timecode_rate"]["num"], 24);
    // A clip with no sound at all, at 00:01:45:00: placed 5 s into the roll by timecode alone.
    const std::string mute = out_ / "mute.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=160x90:rate=24:duration=2 -c:v prores_ks -timecode "
        "00:01:45:00 " +
        quote(mute));
    const std::string report = out_ / "mute.json";
    const auto r =
        cinepipe("sync " + quote(mute) + " --audio " + quote(roll) + " --json " + quote(report));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const json j = json::parse(test::read_file(report));
    EXPECT_EQ(j["method"], "timecode");
    EXPECT_EQ(j["offset_samples"], 240000);
    EXPECT_EQ(j["timecode_source"], "ixml");
    EXPECT_NE(r.output.find("synced by timecode alone"), std::string::npos) << r.output;
}

TEST_F(DualSystem, BatchMatchesSoundRollsByTimecodeThenSound) {
    // Three rolls: one stamped 00:00:05:00 in its bext chunk, one stamped 00:01:40:00 in its
    // iXML only, one with no timecode at all (different sound each).
    TempDir rolls;
    const std::string bext = rolls / "T001.WAV";
    test::ffmpeg("-i " + quote(recorder_) +
                 " -t 30 -c:a pcm_s24le -write_bext 1 -metadata "
                 "time_reference=240000 " +
                 quote(bext));
    const std::string ixml = rolls / "T002.wav";
    test::ffmpeg(
        "-f lavfi -i anoisesrc=color=pink:duration=20:seed=11:sample_rate=48000 -c:a pcm_s24le " +
        quote(ixml));
    add_ixml(ixml, 4800000, "24/1");
    const std::string plain = rolls / "T003.wav";
    test::ffmpeg(
        "-f lavfi -i \"anoisesrc=color=pink:duration=20:seed=23:sample_rate=48000,"
        "volume='0.2+0.8*abs(sin(2*PI*1.3*t))':eval=frame\" -c:a pcm_s16le " +
        quote(plain));
    std::ofstream(rolls / "notes.txt") << "not sound";

    TempDir clips;
    // A: timecode inside T001 and its sound there.
    const std::string a = clips / "A.mov";
    test::ffmpeg("-i " + quote(camera("a_raw.mov", 592589, 4)) +
                 " -map 0 -c copy -timecode 00:00:17:08 " + quote(a));
    // B: no timecode; its sound is 3 s into T003.
    const std::string b = clips / "B.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=160x90:rate=24:duration=4 -i " + quote(plain) +
        " -filter_complex \"[1:a]atrim=start_sample=144000,asetpts=PTS-STARTPTS,atrim=duration=4,"
        "lowpass=f=5000,volume=0.4[a]\" -map 0:v -map \"[a]\" -c:v prores_ks -c:a pcm_s16le " +
        quote(b));
    // C: sound from nowhere, no timecode.
    const std::string c = clips / "C.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=160x90:rate=24:duration=3 -f lavfi -i "
        "anoisesrc=color=pink:duration=3:seed=99:sample_rate=48000 -c:v prores_ks -c:a pcm_s16le " +
        quote(c));
    // D: no sound, timecode 00:01:45:00 inside T002.
    const std::string d = clips / "D.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=160x90:rate=24:duration=2 -c:v prores_ks -timecode "
        "00:01:45:00 " +
        quote(d));

    TempDir synced;
    const std::string report = out_ / "batch.json";
    const auto r = cinepipe("sync " + quote(a) + " " + quote(b) + " " + quote(c) + " " + quote(d) +
                            " --audio " + quote(rolls.path().string()) + " -o " +
                            quote(synced.path().string()) + " --json " + quote(report));
    EXPECT_EQ(r.exit_code, 1) << r.output;  // C has no match
    EXPECT_NE(r.output.find("3 of 4 clips synced, 1 with no match"), std::string::npos) << r.output;
    const json j = json::parse(test::read_file(report));
    ASSERT_EQ(j["mode"], "batch");
    ASSERT_EQ(j["clips"].size(), 4u);
    const json& ja = j["clips"][0];
    EXPECT_EQ(ja["external"], bext) << ja.dump();
    EXPECT_EQ(ja["method"], "sound");
    EXPECT_NEAR(ja["offset_samples"].get<double>(), 592589, 6);
    EXPECT_TRUE(ja["timecode_agrees"].get<bool>());
    const json& jb = j["clips"][1];
    EXPECT_EQ(jb["external"], plain) << jb.dump();
    EXPECT_NEAR(jb["offset_samples"].get<double>(), 144000, 6);
    EXPECT_FALSE(jb.contains("timecode_offset_ms"));
    const json& jc = j["clips"][2];
    EXPECT_FALSE(jc.contains("external")) << jc.dump();
    EXPECT_NE(jc["problem"].get<std::string>().find("in none of the 3 rolls"), std::string::npos);
    const json& jd = j["clips"][3];
    EXPECT_EQ(jd["external"], ixml) << jd.dump();
    EXPECT_EQ(jd["method"], "timecode");
    EXPECT_EQ(jd["offset_samples"], 240000);
    EXPECT_EQ(j["unmatched"], 1);
    EXPECT_TRUE(j["unused_rolls"].empty());
    // The matched clips are written under their own names, with their roll's sound; C is not.
    EXPECT_TRUE(std::filesystem::exists(synced / "A.mov"));
    EXPECT_TRUE(std::filesystem::exists(synced / "B.mov"));
    EXPECT_TRUE(std::filesystem::exists(synced / "D.mov"));
    EXPECT_FALSE(std::filesystem::exists(synced / "C.mov"));
    EXPECT_TRUE(pcm24(synced / "B.mov", 0) ==
                pcm24(plain, 0, jb["offset_samples"].get<long>(), 192000));
    EXPECT_EQ(picture_packets(synced / "D.mov"), picture_packets(d));
}

TEST_F(DualSystem, BadBatchArgumentsAreOneLineErrors) {
    TempDir empty;
    test::expect_one_line_error(
        cinepipe("sync " + quote(recorder_) + " --audio " + quote(empty.path().string())), 2,
        "holds no sound files");
    test::expect_one_line_error(cinepipe("sync a.mov b.mov"), 2, "with --audio");
    test::expect_one_line_error(
        cinepipe("sync a.mov b.mov --audio " + quote(recorder_) + " -o " + quote(recorder_)), 3,
        "not a folder");
    test::expect_one_line_error(cinepipe("sync day1/a.mov day2/a.mov --audio " + quote(recorder_) +
                                         " -o " + quote(out_.path().string())),
                                3, "two clips are named a.mov");
}

}  // namespace
}  // namespace cinepipe
