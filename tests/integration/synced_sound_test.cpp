// A graph source with `sound` / `sound_offset`: the recorder's sound laid in while rendering,
// one decode feeding a master and a proxy. The oracles are lay_in_sound (the remux `cinepipe
// sync -o` uses) with the same offset, and ffmpeg's own cut of the recording: the master's
// sound must equal both, bit for bit, for a recorder that started first, a camera that rolled
// first (silence ahead) and a recording that ends before the clip (silence after).

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cinepipe/cancel.h"
#include "cinepipe/layback.h"
#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::quote;
using test::TempDir;

// Audio stream `track` of `path` from sample `from`, `count` samples (0: to the end), as raw
// 24-bit PCM: 16- and 24-bit sound compare equal when their samples are.
std::string pcm24(const std::string& path, int track, long from = 0, long count = 0) {
    std::string trim = "atrim=start_sample=" + std::to_string(from);
    if (count > 0) trim += ":end_sample=" + std::to_string(from + count);
    const auto r = test::run_command("ffmpeg -v error -i " + quote(path) +
                                     " -map 0:a:" + std::to_string(track) + " -af " + trim +
                                     " -f s24le -c:a pcm_s24le -");
    EXPECT_EQ(r.exit_code, 0);
    return r.output;
}

json audio_streams(const std::string& path) {
    return test::ffprobe("-select_streams a -show_entries stream=codec_name,channels,sample_rate " +
                         quote(path))["streams"];
}

long video_frames(const std::string& path) {
    const json j = test::ffprobe(
        "-count_frames -select_streams v:0 -show_entries "
        "stream=nb_read_frames " +
        quote(path));
    return std::stol(j["streams"][0]["nb_read_frames"].get<std::string>());
}

class SyncedSound : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<TempDir>();
        // An 8-track 24-bit polyphonic roll (a recorder's boom, lavs and mix): speech-like
        // noise, each track at its own level, 20 s.
        roll8_ = *dir_ / "roll8.wav";
        test::ffmpeg(
            "-f lavfi -i \"anoisesrc=color=pink:duration=20:seed=7:sample_rate=48000,"
            "volume='0.2+0.8*abs(sin(2*PI*2.3*t)*sin(2*PI*0.7*t))':eval=frame\" "
            "-filter_complex \"[0:a]asplit=8[a][b][c][d][e][f][g][h];[b]volume=0.5[b2];"
            "[c]volume=0.25[c2];[d]volume=0.7[d2];[e]volume=0.1[e2];[f]volume=0.9[f2];"
            "[g]volume=0.3[g2];[h]volume=0.6[h2];"
            "[a][b2][c2][d2][e2][f2][g2][h2]amerge=inputs=8[o]\" -map \"[o]\" -c:a pcm_s24le " +
            quote(roll8_));
        // The camera clip: 3 s at 24 fps with its own scratch sound (a 16-bit stereo tone),
        // which the laid-in sound must replace.
        clip_ = *dir_ / "A001C001.mov";
        camera(clip_, "24", 72);
    }
    static void TearDownTestSuite() { dir_.reset(); }

    // `frames` pictures at `rate`, with 3 s of scratch sound.
    static void camera(const std::string& out, const std::string& rate, int frames) {
        test::ffmpeg("-f lavfi -i testsrc2=size=160x90:rate=" + rate +
                     " -f lavfi -i sine=frequency=440:sample_rate=48000:duration=3 -frames:v " +
                     std::to_string(frames) +
                     " -c:v prores_ks -profile:v 0 -c:a pcm_s16le -ac 2 -timecode 01:00:00:00 " +
                     quote(out));
    }

    // Renders `clip` with `roll` laid in at `offset` into a 24-bit master (and whatever
    // `extra` nodes add); returns the master's path.
    std::string render(const std::string& clip, const std::string& roll, long offset,
                       const std::string& extra = "", const std::string& source_extra = "") {
        const std::string master = out_ / "master.mov";
        const std::string graph = out_ / "graph.yaml";
        std::ofstream(graph) << "nodes:\n"
                                "  - id: src\n"
                                "    type: source\n"
                                "    params:\n"
                                "      path: "
                             << quote(clip) << "\n      sound: " << quote(roll)
                             << "\n      sound_offset: " << offset << "\n"
                             << source_extra
                             << "  - id: master\n"
                                "    type: writer\n"
                                "    input: src\n"
                                "    params: {path: "
                             << quote(master) << ", codec: prores_proxy}\n"
                             << extra;
        const auto r = cinepipe("render " + quote(graph));
        EXPECT_EQ(r.exit_code, 0) << r.output;
        last_output_ = r.output;
        return master;
    }

    // lay_in_sound with the same offset: the remux `cinepipe sync -o` writes.
    std::string layback(const std::string& clip, const std::string& roll, long offset) {
        const std::string out = out_ / "laid.mov";
        LaybackOptions o;
        o.offset_samples = offset;
        CancelToken cancel;
        lay_in_sound(clip, roll, out, o, cancel);
        return out;
    }

    static inline std::unique_ptr<TempDir> dir_;
    static inline std::string roll8_;
    static inline std::string clip_;
    TempDir out_;
    std::string last_output_;
};

TEST_F(SyncedSound, MasterProxyAndQcGetTheRecordingFromOneDecode) {
    // 123457 samples: not on a frame or millisecond boundary.
    const long offset = 123457;
    const std::string proxy = out_ / "proxy.mp4";
    const std::string qc = out_ / "qc.json";
    const std::string master = render(
        clip_, roll8_, offset,
        "  - id: small\n    type: scale\n    input: src\n    params: {width: 80, height: 46}\n"
        "  - id: proxy\n    type: writer\n    input: small\n    params: {path: " +
            quote(proxy) +
            ", audio: aac, audio_channels: 2}\n"
            "  - id: check\n    type: qc\n    input: src\n    params: {report: " +
            quote(qc) + "}\n");
    EXPECT_NE(last_output_.find("decoded once"), std::string::npos) << last_output_;

    // The master: the clip's pictures, and one audio stream, the roll's eight tracks at 24 bits
    // (the clip's own stereo scratch is gone), as long as the picture.
    EXPECT_EQ(video_frames(master), 72);
    const json a = audio_streams(master);
    ASSERT_EQ(a.size(), 1u) << a.dump();
    EXPECT_EQ(a[0]["codec_name"], "pcm_s24le");
    EXPECT_EQ(a[0]["channels"], 8);
    EXPECT_EQ(a[0]["sample_rate"], "48000");
    EXPECT_EQ(test::audio_samples(master), 3 * 48000);
    EXPECT_EQ(test::ffprobe_timecode(master), "01:00:00:00");

    // Bit for bit what the remux lays in, and what ffmpeg cuts from the roll.
    const std::string laid = pcm24(master, 0);
    ASSERT_EQ(laid.size(), 3u * 48000 * 8 * 3);
    EXPECT_TRUE(laid == pcm24(layback(clip_, roll8_, offset), 0)) << "differs from layback";
    EXPECT_TRUE(laid == pcm24(roll8_, 0, offset, 3 * 48000)) << "differs from the roll";

    // The proxy: the same sound, mixed down to stereo AAC.
    const json p = audio_streams(proxy);
    ASSERT_EQ(p.size(), 1u) << p.dump();
    EXPECT_EQ(p[0]["codec_name"], "aac");
    EXPECT_EQ(p[0]["channels"], 2);
    EXPECT_EQ(video_frames(proxy), 72);

    // QC sees the laid-in sound: eight channels, lasting exactly as long as the picture.
    const json q = json::parse(test::read_file(qc));
    EXPECT_EQ(q["audio"]["streams"], 1);
    EXPECT_EQ(q["audio"]["channels"], 8);
    EXPECT_DOUBLE_EQ(q["audio"]["duration"].get<double>(), 3.0);
    for (const auto& e : q["events"]) EXPECT_NE(e["check"], "duration_mismatch") << e.dump();
}

TEST_F(SyncedSound, ACameraThatRolledFirstGetsSilenceAhead) {
    const long head = 30001;  // the camera rolled 0.625 s (and a sample) before the recorder
    const std::string master = render(clip_, roll8_, -head);
    EXPECT_NE(last_output_.find("before the recording"), std::string::npos) << last_output_;
    const std::string laid = pcm24(master, 0);
    ASSERT_EQ(laid.size(), 3u * 48000 * 8 * 3);
    const std::size_t silence = static_cast<std::size_t>(head) * 8 * 3;
    EXPECT_EQ(laid.substr(0, silence), std::string(silence, '\0'));
    EXPECT_TRUE(laid.substr(silence) == pcm24(roll8_, 0, 0, 3 * 48000 - head));
    EXPECT_TRUE(laid == pcm24(layback(clip_, roll8_, -head), 0)) << "differs from layback";
}

TEST_F(SyncedSound, ARecordingThatEndsFirstIsFollowedBySilence) {
    // A 16-bit stereo roll of 2 s at 44.1 kHz under a 29.97 fps clip of 100 frames (147147
    // samples at 44.1 kHz): the rate is the recording's, and 0.5 s in it ends 1.837 s early.
    const std::string roll = out_ / "short.wav";
    test::ffmpeg("-i " + quote(roll8_) +
                 " -af \"pan=stereo|c0=c0|c1=c3,aresample=44100\" -t 2 -c:a pcm_s16le " +
                 quote(roll));
    const std::string clip = out_ / "ntsc.mov";
    camera(clip, "30000/1001", 100);
    ASSERT_EQ(video_frames(clip), 100);
    const long offset = 22050;
    const std::string master = render(clip, roll, offset);
    EXPECT_NE(last_output_.find("the recording ends"), std::string::npos) << last_output_;
    const json a = audio_streams(master);
    ASSERT_EQ(a.size(), 1u) << a.dump();
    EXPECT_EQ(a[0]["channels"], 2);
    EXPECT_EQ(a[0]["sample_rate"], "44100");
    EXPECT_EQ(test::audio_samples(master), 147147);
    const std::string laid = pcm24(master, 0);
    ASSERT_EQ(laid.size(), 147147u * 2 * 3);
    const std::size_t sound = (88200u - offset) * 2 * 3;
    EXPECT_TRUE(laid.substr(0, sound) == pcm24(roll, 0, offset));
    EXPECT_EQ(laid.substr(sound), std::string(laid.size() - sound, '\0'));
    EXPECT_TRUE(laid == pcm24(layback(clip, roll, offset), 0)) << "differs from layback";
}

TEST_F(SyncedSound, KeepScratchKeepsTheClipsOwnSoundAfterIt) {
    const std::string master = render(clip_, roll8_, 48000, "", "      keep_scratch: true\n");
    const json a = audio_streams(master);
    ASSERT_EQ(a.size(), 2u) << a.dump();
    EXPECT_EQ(a[0]["channels"], 8);
    EXPECT_EQ(a[1]["channels"], 2);
    EXPECT_TRUE(pcm24(master, 0) == pcm24(roll8_, 0, 48000, 3 * 48000));
    EXPECT_TRUE(pcm24(master, 1) == pcm24(clip_, 0, 0, 3 * 48000));
}

TEST_F(SyncedSound, PlanShowsTheSoundLaidIn) {
    const std::string graph = out_ / "g.yaml";
    std::ofstream(graph) << "nodes:\n  - {id: src, type: source, params: {path: " << quote(clip_)
                         << ", sound: " << quote(roll8_)
                         << ", sound_offset: -7}}\n  - {id: out, type: writer, input: src, "
                            "params: {path: "
                         << quote(out_ / "m.mov") << "}}\n";
    const auto r = cinepipe("render --check " + quote(graph));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("src: sound " + roll8_ + " from sample -7 (8 ch, 48000 Hz)"),
              std::string::npos)
        << r.output;
}

TEST_F(SyncedSound, BadRecordingsAreOneLineErrorsNamingThem) {
    const std::string graph = out_ / "g.yaml";
    const auto render_with = [&](const std::string& sound, const std::string& more = "") {
        std::ofstream(graph) << "nodes:\n  - id: src\n    type: source\n    params:\n"
                                "      path: "
                             << quote(clip_) << "\n      sound: " << quote(sound) << "\n"
                             << more << "  - {id: out, type: writer, input: src, params: {path: "
                             << quote(out_ / "m.mov") << "}}\n";
        return cinepipe("render " + quote(graph));
    };
    const std::string missing = out_ / "T009.wav";
    test::expect_one_line_error(
        render_with(missing), 2,
        "g.yaml:6: node 'src' (source): parameter 'sound': " + missing + ": no such file");
    // A file with pictures and no sound is no recording either.
    const std::string mute = out_ / "mute.mov";
    test::ffmpeg("-i " + quote(clip_) + " -map 0:v -c copy " + quote(mute));
    test::expect_one_line_error(render_with(mute), 2, mute + ": no sound to lay in");
    test::expect_one_line_error(render_with(roll8_, "      audio: false\n"), 2,
                                "parameter 'sound': lays sound in, which 'audio: false' turns off");
    // The roll is an input: no writer may replace it.
    std::ofstream(graph) << "nodes:\n  - {id: src, type: source, params: {path: " << quote(clip_)
                         << ", sound: " << quote(roll8_)
                         << "}}\n  - {id: out, type: writer, input: src, params: {path: "
                         << quote(roll8_) << ", overwrite: true}}\n";
    test::expect_one_line_error(cinepipe("render " + quote(graph)), 2,
                                "is the sound laid in by the source");
    EXPECT_EQ(test::count_entries(out_.path()), 2u);  // the graph and mute.mov: nothing written
}

}  // namespace
}  // namespace cinepipe
