// Deliverables: review proxies (size, codec, frames, timecode, fast start, sound), burn-ins
// (the text region changes every frame, the rest of the picture is untouched), output presets
// (each probes with the codec, pixel format and tags it declares), thumbnails and contact
// sheets. All media is generated here; ffprobe/ffmpeg are the oracle.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_support.h"

namespace cinepipe {
namespace {

using nlohmann::json;
using test::cinepipe;
using test::quote;
using test::TempDir;

json video_stream(const std::string& path) {
    const json j = test::ffprobe(
        "-select_streams v:0 -count_frames -show_entries stream=codec_name,profile,pix_fmt,width,"
        "height,sample_aspect_ratio,display_aspect_ratio,color_primaries,color_transfer,"
        "color_space,color_range,nb_read_frames " +
        quote(path));
    return j["streams"].at(0);
}

// Raw frames of a file as 8-bit planar YUV 4:4:4, so pictures compare pixel by pixel.
std::string raw_frames(const std::string& path, int width, int height) {
    const auto r = test::run_command(
        "ffmpeg -v error -i " + quote(path) + " -vf scale=" + std::to_string(width) + ":" +
        std::to_string(height) + ":flags=neighbor,format=yuv444p -f rawvideo -");
    EXPECT_EQ(r.exit_code, 0);
    return r.output;
}

class Deliverables : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<TempDir>();
        // An anamorphic 1440x1080 (SAR 4:3, so 16:9 on screen) ProRes clip at 24 fps with a
        // start timecode and 5.1 sound: the proxy must come out 16:9 with square pixels,
        // stereo.
        anamorphic_ = *dir_ / "A002C007_anamorphic.mov";
        test::ffmpeg(
            "-f lavfi -i testsrc2=size=1440x1080:rate=24:duration=2 -f lavfi -i "
            "\"sine=frequency=440:sample_rate=48000:duration=2\" -filter_complex "
            "\"[1:a]pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0[a]\" -map 0:v -map \"[a]\" "
            "-vf setsar=4/3 -c:v prores_ks -profile:v 3 -c:a pcm_s24le -timecode 10:00:00:00 " +
            quote(anamorphic_));
        // A 1280x720 Rec.709-tagged clip for burn-ins and presets.
        hd_ = *dir_ / "B001C002_hd.mov";
        test::ffmpeg(
            "-f lavfi -i testsrc2=size=1280x720:rate=25:duration=1 -f lavfi -i "
            "sine=frequency=1000:sample_rate=48000:duration=1 -vf "
            "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709 -c:v "
            "prores_ks -profile:v 3 -c:a pcm_s24le "
            "-timecode 01:00:00:00 " +
            quote(hd_));
    }
    static void TearDownTestSuite() { dir_.reset(); }

    static inline std::unique_ptr<TempDir> dir_;
    static inline std::string anamorphic_;
    static inline std::string hd_;
    TempDir out_;
};

TEST_F(Deliverables, ReviewProxyHasTheSizeCodecFramesTimecodeAndSoundAReviewerNeeds) {
    const auto r = cinepipe("proxy " + quote(anamorphic_) + " -o " + quote(out_.path().string()) +
                            " --preset review-720 --burnin timecode,clip,frame");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string proxy = out_ / "A002C007_anamorphic.mp4";
    const json v = video_stream(proxy);
    EXPECT_EQ(v["codec_name"], "h264");
    EXPECT_EQ(v["pix_fmt"], "yuv420p");
    EXPECT_EQ(v["width"], 1280);  // 16:9 inside 1280x720, square pixels
    EXPECT_EQ(v["height"], 720);
    EXPECT_EQ(v.value("sample_aspect_ratio", "1:1"), "1:1");
    EXPECT_EQ(v["display_aspect_ratio"], "16:9");
    EXPECT_EQ(v["nb_read_frames"], "48");
    EXPECT_EQ(v.value("color_primaries", ""), "bt709");  // filled in: the source says nothing
    EXPECT_EQ(test::ffprobe_timecode(proxy), "10:00:00:00");
    const json a = test::ffprobe("-select_streams a:0 -show_entries stream=codec_name,channels " +
                                 quote(proxy))["streams"]
                       .at(0);
    EXPECT_EQ(a["codec_name"], "aac");
    EXPECT_EQ(a["channels"], 2);  // 5.1 mixed down
    // Fast start: the index (moov) comes before the media (mdat).
    const std::string bytes = test::read_file(proxy);
    ASSERT_NE(bytes.find("moov"), std::string::npos);
    EXPECT_LT(bytes.find("moov"), bytes.find("mdat"));
}

TEST_F(Deliverables, BurnInChangesOnlyItsOwnBoxAndTheTimecodeEveryFrame) {
    // Lossless (FFV1) with and without the burn-in, so the pictures compare exactly.
    const std::string plain = out_ / "plain.mkv";
    const std::string burnt = out_ / "burnt.mkv";
    ASSERT_EQ(
        cinepipe("transcode " + quote(hd_) + " -o " + quote(plain) + " --codec ffv1").exit_code, 0);
    const std::string graph = out_ / "burn.yaml";
    std::ofstream(graph)
        << "version: 1\nnodes:\n"
           "  - {id: src, type: source, params: {path: '"
        << hd_
        << "'}}\n"
           "  - {id: tc, type: burnin, input: src, params: {items: 'timecode@tr', size: 0.05}}\n"
           "  - {id: out, type: writer, input: tc, params: {path: '"
        << burnt << "', codec: ffv1}}\n";
    const auto r = cinepipe("render " + quote(graph));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const int w = 1280, h = 720;
    const std::string a = raw_frames(plain, w, h), b = raw_frames(burnt, w, h);
    const std::size_t frame = static_cast<std::size_t>(w) * h * 3;
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(a.size(), 25 * frame);
    // Per frame: the changed pixels' bounding box (luma plane) sits in the top-right corner and
    // is small; everything else is bit-identical. The box's content differs between frames.
    std::string previous_box;
    for (int f = 0; f < 25; ++f) {
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const std::size_t i = f * frame + static_cast<std::size_t>(y) * w + x;
                if (a[i] != b[i]) {
                    x0 = std::min(x0, x);
                    x1 = std::max(x1, x);
                    y0 = std::min(y0, y);
                    y1 = std::max(y1, y);
                }
            }
        ASSERT_GE(x1, 0) << "frame " << f << " has no burn-in";
        EXPECT_GT(x0, w / 2) << "frame " << f;
        EXPECT_LT(y1, h / 4) << "frame " << f;
        EXPECT_LT((x1 - x0 + 1) * (y1 - y0 + 1), w * h / 20) << "frame " << f;
        std::string box;
        for (int y = y0; y <= y1; ++y)
            box += b.substr(f * frame + static_cast<std::size_t>(y) * w + x0,
                            static_cast<std::size_t>(x1 - x0 + 1));
        EXPECT_NE(box, previous_box) << "the timecode did not change at frame " << f;
        previous_box = box;
    }
}

TEST_F(Deliverables, EveryPresetProbesAsItDeclares) {
    const json presets = json::parse(cinepipe("presets --json").output);
    ASSERT_GE(presets.size(), 8u);
    // A source with alpha for ProRes 4444.
    const std::string alpha = out_ / "alpha.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=320x180:rate=24:duration=0.5 -vf format=yuva444p10le,"
        "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709 -c:v prores_ks "
        "-profile:v 4 " +
        quote(alpha));
    for (const auto& p : presets) {
        const std::string name = p["name"];
        const std::string ext = p["extensions"][0];
        const bool sequence = ext == ".exr" || ext == ".dpx";
        const std::string out = out_ / (name + (sequence ? ".%04d" : "") + ext);
        const std::string src = name == "prores-4444" ? alpha : hd_;
        const auto r = cinepipe("grade " + quote(src) + " -o " + quote(out) + " --preset " + name);
        ASSERT_EQ(r.exit_code, 0) << name << ": " << r.output;
        const std::string probe_path = sequence ? (out_ / (name + ".0000" + ext)) : out;
        const json v = video_stream(probe_path);
        EXPECT_EQ(v["codec_name"], p["codec"] == "prores_hq" || p["codec"] == "prores_4444"
                                       ? "prores"
                                   : p["codec"] == "dnxhr_hqx" ? "dnxhd"
                                   : p["codec"] == "h264"      ? "h264"
                                   : p["codec"] == "ffv1"      ? "ffv1"
                                   : p["codec"] == "exr_half"  ? "exr"
                                                               : "dpx")
            << name;
        const std::string declared =
            p.value(name == "prores-4444" ? "alpha_pixel_format" : "pixel_format", "");
        // FFV1 keeps the ProRes source's format; the others write what they declare.
        const std::string expected = declared == "source" ? "yuv422p10le" : declared;
        EXPECT_EQ(v["pix_fmt"], expected) << name;
        // Masters keep the source's tags; the review presets fill in Rec.709.
        if (!sequence) {
            EXPECT_EQ(v.value("color_primaries", ""), "bt709") << name;
        }
        if (!sequence && p["audio"] != "none" && src == hd_) {
            const json a =
                test::ffprobe("-select_streams a:0 -show_entries stream=codec_name " + quote(out));
            ASSERT_FALSE(a["streams"].empty()) << name;
            EXPECT_EQ(a["streams"][0]["codec_name"], p["audio"] == "aac" ? "aac" : "pcm_s24le")
                << name;
        }
    }
}

TEST_F(Deliverables, MasterProxyAndThumbnailsComeFromOneDecode) {
    const auto r = cinepipe("proxy " + quote(hd_) + " -o " + quote(out_.path().string()) +
                            " --master prores-422-hq --thumbnails --burnin timecode");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("(25 frames, decoded once)"), std::string::npos) << r.output;
    const json m = video_stream(out_ / "B001C002_hd_master.mov");
    EXPECT_EQ(m["codec_name"], "prores");
    EXPECT_EQ(m["width"], 1280);
    EXPECT_EQ(m["nb_read_frames"], "25");
    EXPECT_EQ(video_stream(out_ / "B001C002_hd.mp4")["nb_read_frames"], "25");
    // The master has no burn-in: its pictures equal a plain transcode of the source.
    const std::string plain = out_ / "plain_master.mov";
    ASSERT_EQ(cinepipe("transcode " + quote(hd_) + " -o " + quote(plain) + " --codec prores_hq")
                  .exit_code,
              0);
    EXPECT_TRUE(raw_frames(out_ / "B001C002_hd_master.mov", 320, 180) ==
                raw_frames(plain, 320, 180));
    // Poster 320 wide (16:9); a contact sheet of 12 pictures in 4 columns with a title line.
    const json poster = test::ffprobe("-show_entries stream=codec_name,width,height " +
                                      quote(out_ / "B001C002_hd_poster.jpg"))["streams"][0];
    EXPECT_EQ(poster["codec_name"], "mjpeg");
    EXPECT_EQ(poster["width"], 320);
    EXPECT_EQ(poster["height"], 180);
    const json sheet = test::ffprobe("-show_entries stream=width,height " +
                                     quote(out_ / "B001C002_hd_sheet.jpg"))["streams"][0];
    EXPECT_GT(sheet["width"].get<int>(), 4 * 320);
    EXPECT_LT(sheet["width"].get<int>(), 4 * 320 + 5 * 20);
    EXPECT_GT(sheet["height"].get<int>(), 3 * 180);
}

// The encoder's own record of its settings (x264's SEI): the speed preset shows in its
// lookahead depth and the quality in its rate factor.
TEST_F(Deliverables, ProxySpeedAndCrfReachTheEncoder) {
    const auto r = cinepipe("proxy " + quote(hd_) + " -o " + quote(out_.path().string()) +
                            " --speed veryfast --crf 23");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string fast = test::read_file(out_ / "B001C002_hd.mp4");
    EXPECT_NE(fast.find("rc_lookahead=10 "), std::string::npos);  // veryfast's
    EXPECT_NE(fast.find("crf=23.0"), std::string::npos);
    // A preset file can say the same; without either, the codec's medium and CRF 18.
    const std::string preset = out_ / "quick.yaml";
    std::ofstream(preset) << "name: quick\nextensions: [.mp4]\nvideo:\n  codec: h264\n"
                             "  speed: veryfast\n  crf: 21\n";
    TempDir other;
    ASSERT_EQ(cinepipe("proxy " + quote(hd_) + " -o " + quote(other.path().string()) +
                       " --preset " + quote(preset))
                  .exit_code,
              0);
    const std::string from_file = test::read_file(other / "B001C002_hd.mp4");
    EXPECT_NE(from_file.find("rc_lookahead=10 "), std::string::npos);
    EXPECT_NE(from_file.find("crf=21.0"), std::string::npos);
    TempDir plain;
    ASSERT_EQ(cinepipe("proxy " + quote(hd_) + " -o " + quote(plain.path().string())).exit_code, 0);
    const std::string medium = test::read_file(plain / "B001C002_hd.mp4");
    EXPECT_NE(medium.find("rc_lookahead=40 "), std::string::npos);
    EXPECT_NE(medium.find("crf=18.0"), std::string::npos);
    // Only H.264 and H.265 take them.
    test::expect_one_line_error(
        cinepipe("proxy " + quote(hd_) + " -o " + quote(plain.path().string()) +
                 " --preset prores-422-hq --speed fast --overwrite"),
        2, "--speed and --crf apply to H.264 and H.265 proxies");
    const auto unknown = cinepipe("proxy " + quote(hd_) + " -o " + quote(plain.path().string()) +
                                  " --speed warp9 --overwrite");  // a usage error, with its hint
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.output.find("--speed: warp9 not in {ultrafast,"), std::string::npos)
        << unknown.output;
    std::ofstream(preset) << "name: quick\nextensions: [.mov]\nvideo:\n  codec: prores_hq\n"
                             "  speed: fast\n";
    test::expect_one_line_error(
        cinepipe("grade " + quote(hd_) + " -o " + quote(out_ / "z.mov") + " --preset " +
                 quote(preset)),
        2, "quick.yaml:5: speed and crf apply to h264 and h265, not prores_hq");
    EXPECT_FALSE(std::filesystem::exists(out_ / "z.mov"));
}

TEST_F(Deliverables, MistakesAreOneLineErrorsBeforeAnyWork) {
    test::expect_one_line_error(cinepipe("grade " + quote(hd_) + " -o " + quote(out_ / "x.mp4") +
                                         " --preset prores-422-hq"),
                                2, "writes .mov, .mxf, not '.mp4'");
    test::expect_one_line_error(
        cinepipe("grade " + quote(hd_) + " -o " + quote(out_ / "x.mov") + " --preset prores-9000"),
        2, "unknown preset 'prores-9000'");
    test::expect_one_line_error(
        cinepipe("proxy " + quote(hd_) + " -o " + quote(out_.path().string()) +
                 " --burnin timecode,shoesize"),
        2, "'shoesize' is not timecode, clip, reel, frame or text=WORDS");
    test::expect_one_line_error(
        cinepipe("proxy " + quote(hd_) + " " + quote(hd_) + " -o " + quote(out_.path().string())),
        2, "would collide");
    const std::string bad = out_ / "bad.yaml";
    std::ofstream(bad)
        << "name: bad\nextensions: [.mov]\nvideo:\n  codec: prores_hq\n  colour: red\n";
    test::expect_one_line_error(cinepipe("grade " + quote(hd_) + " -o " + quote(out_ / "y.mov") +
                                         " --preset " + quote(bad)),
                                2, "bad.yaml:5: unknown key 'colour'");
    EXPECT_TRUE(out_.entries().empty() || out_.entries() == std::vector<std::string>{"bad.yaml"});
}

}  // namespace
}  // namespace cinepipe
