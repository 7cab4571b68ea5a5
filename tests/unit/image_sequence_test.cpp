// Image-sequence naming, reading and writing through OpenImageIO (the cinepipe_oiio module).
// Fixtures are written at run time into a fresh temporary folder that is removed afterwards.
// Other tools' files are written, and headers read back, with oiiotool (openimageio-tools), so
// this test links no OpenImageIO of its own, as the cinepipe binary does not.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cinepipe/error.h"
#include "cinepipe/frame.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/media_writer.h"
#include "cinepipe/timecode.h"
#include "image_sequence.h"
#include "sequence_pattern.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace cinepipe;

namespace {

using test::TempDir;

void touch(const std::string& path) {
    std::ofstream(path) << "x";
}

// A gradient that differs per frame so a frame read back in the wrong place shows.
float expected_float(int c, int x, int y, int frame) {
    switch (c) {
        case 0:
            return static_cast<float>(x) / 63.0f;  // R
        case 1:
            return static_cast<float>(y) / 31.0f;  // G
        default:
            return 0.25f * static_cast<float>(frame) + 0.01f * static_cast<float>(x + y);
    }
}

void fill_float(VideoFrame& f, int frame) {
    // Planar G, B, R.
    constexpr int kPlaneChannel[3] = {1, 2, 0};
    for (int p = 0; p < 3; ++p)
        for (int y = 0; y < f.height; ++y) {
            auto* row = reinterpret_cast<float*>(f.mutable_plane(p) + y * f.stride[p]);
            for (int x = 0; x < f.width; ++x)
                row[x] = expected_float(kPlaneChannel[p], x, y, frame);
        }
}

std::uint16_t expected_u16(int c, int x, int y) {
    const int v = c == 0 ? x * 1040 : c == 1 ? y * 2114 : 65535 - (x + y) * 600;
    return static_cast<std::uint16_t>(std::clamp(v, 0, 65535));
}

void fill_u16(VideoFrame& f) {
    for (int y = 0; y < f.height; ++y) {
        auto* row = reinterpret_cast<std::uint16_t*>(f.mutable_plane(0) + y * f.stride[0]);
        for (int x = 0; x < f.width; ++x)
            for (int c = 0; c < 3; ++c) row[x * 3 + c] = expected_u16(c, x, y);
    }
}

WriterConfig config_for(const std::string& path, int width, int height) {
    WriterConfig c;
    c.path = path;
    c.width = width;
    c.height = height;
    c.frame_rate = {24, 1};
    return c;
}

// What the frame converter hands a sequence writer: RGB, full range, the source's primaries
// and transfer.
ColorTags rgb_tags(ColorPrimaries primaries, TransferCharacteristic transfer) {
    return {primaries, transfer, MatrixCoefficients::Rgb, ColorRange::Full};
}

// Writes `count` frames carrying `tags` through the sequence writer.
void write_tagged_sequence(const WriterConfig& cfg, const ColorTags& tags, int count = 2) {
    auto writer = create_image_sequence_writer(cfg);
    FramePool pool(writer->input_format(), cfg.width, cfg.height, 1);
    for (int i = 0; i < count; ++i) {
        auto frame = pool.acquire();
        if (writer->input_format() == PixelFormat::Gbrpf32)
            fill_float(*frame, i);
        else
            fill_u16(*frame);
        frame->tags = tags;
        writer->write(MediaUnit{frame, {}});
    }
    writer->finish();
}

// The colour tags the reader reports for the stream and for every frame (which must agree).
ColorTags read_tags(const std::string& pattern) {
    auto reader = open_image_sequence(pattern, {});
    const ColorTags stream = reader->info().video->tags;
    int frames = 0;
    while (auto unit = reader->next()) {
        EXPECT_EQ(unit->video->tags, stream) << "frame " << frames;
        ++frames;
    }
    EXPECT_GT(frames, 0);
    return stream;
}

// A file as another tool would write it: oiiotool with only the attributes given, grey pixels
// of `type` (oiiotool's data type name: half, uint16 ...).
void write_foreign_file(const std::string& path, const std::string& type,
                        const std::vector<std::pair<std::string, std::string>>& strings = {},
                        const float* chromaticities = nullptr) {
    std::string cmd = "oiiotool --pattern constant:color=0.5,0.5,0.5 8x4 3 -d " + type;
    for (const auto& [name, value] : strings)
        cmd += " --attrib " + test::quote(name) + " " + test::quote(value);
    if (chromaticities) {
        std::string xy;
        for (int i = 0; i < 8; ++i) xy += (i ? "," : "") + std::to_string(chromaticities[i]);
        cmd += " --attrib:type=float[8] chromaticities " + xy;
    }
    const auto r = test::run_command(cmd + " -o " + test::quote(path) + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << cmd << "\n" << r.output;
}

// A header as oiiotool reads it back, to check what other tools will see: attribute name to
// its value as printed (strings without their quotes, arrays as "a, b, c").
std::map<std::string, std::string> header_of(const std::string& path) {
    std::map<std::string, std::string> header;
    const auto r = test::run_command("oiiotool --info -v " + test::quote(path) + " 2>&1");
    if (r.exit_code != 0) {
        ADD_FAILURE() << path << ": " << r.output;
        return header;
    }
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("    ", 0) != 0) continue;  // attributes are indented
        const auto colon = line.find(": ");
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 2);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        header[line.substr(4, colon - 4)] = value;
    }
    return header;
}

// Numbers printed as "a, b, c".
std::vector<float> numbers_of(const std::string& text) {
    std::vector<float> out;
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');) out.push_back(std::stof(item));
    return out;
}

}  // namespace

TEST(SequencePattern, ParsesPrintfPattern) {
    const auto p = parse_sequence_pattern("/plates/a/shot.%06d.exr");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->form, SequenceForm::Printf);
    EXPECT_EQ(p->folder, "/plates/a");
    EXPECT_EQ(p->prefix, "shot.");
    EXPECT_EQ(p->suffix, ".exr");
    EXPECT_EQ(p->padding, 6);
    EXPECT_TRUE(p->is_pattern());
    EXPECT_EQ(p->path_for(100), "/plates/a/shot.000100.exr");
    EXPECT_EQ(p->path_for(1234567), "/plates/a/shot.1234567.exr");

    const auto unpadded = parse_sequence_pattern("shot.%d.dpx");
    ASSERT_TRUE(unpadded);
    EXPECT_EQ(unpadded->padding, 0);
    EXPECT_EQ(unpadded->folder, "");
    EXPECT_EQ(unpadded->path_for(7), "shot.7.dpx");
    EXPECT_EQ(unpadded->extension(), "dpx");
}

TEST(SequencePattern, ParsesHashPattern) {
    const auto p = parse_sequence_pattern("renders/shot_####.DPX");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->form, SequenceForm::Hash);
    EXPECT_EQ(p->prefix, "shot_");
    EXPECT_EQ(p->suffix, ".DPX");
    EXPECT_EQ(p->padding, 4);
    EXPECT_EQ(p->extension(), "dpx");
    EXPECT_EQ(p->path_for(12), "renders/shot_0012.DPX");
}

TEST(SequencePattern, ParsesMemberFile) {
    const auto p = parse_sequence_pattern("/plates/A001_C002.000100.exr");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->form, SequenceForm::File);
    EXPECT_FALSE(p->is_pattern());
    EXPECT_EQ(p->prefix, "A001_C002.");
    EXPECT_EQ(p->suffix, ".exr");
    EXPECT_EQ(p->padding, 6);
    ASSERT_TRUE(p->given_frame);
    EXPECT_EQ(*p->given_frame, 100);
    EXPECT_EQ(p->path_for(101), "/plates/A001_C002.000101.exr");

    EXPECT_FALSE(parse_sequence_pattern("/plates/clip.mov"));
    EXPECT_FALSE(parse_sequence_pattern("/plates/clip.mp4"));  // the 4 is the extension's
}

TEST(SequencePattern, RecognisesSequencePaths) {
    EXPECT_TRUE(looks_like_image_sequence("out.%06d.png"));
    EXPECT_TRUE(looks_like_image_sequence("out.%d.exr"));
    EXPECT_TRUE(looks_like_image_sequence("out.####.dpx"));
    EXPECT_TRUE(looks_like_image_sequence("/nonexistent/shot.0001.EXR"));
    EXPECT_TRUE(looks_like_image_sequence("/nonexistent/shot.tiff"));
    EXPECT_FALSE(looks_like_image_sequence("/nonexistent/clip.mov"));

    TempDir dir;
    const auto movie = dir.file("take#2.mov");
    touch(movie);
    EXPECT_FALSE(looks_like_image_sequence(movie)) << "an existing movie is not a pattern";
}

TEST(SequencePattern, ScansExistingFramesWithGap) {
    TempDir dir;
    for (const char* name : {"shot.0001.exr", "shot.0002.exr", "shot.0004.exr", "shot.10000.exr"})
        touch(dir.file(name));
    // Near misses that must not count as members.
    for (const char* name : {"shot.1.exr", "shot.00003.exr", "shot.0003.exr.bak", "other.0003.exr",
                             "shot.00a3.exr", "shot..exr"})
        touch(dir.file(name));
    fs::create_directory(dir.path() / "shot.0005.exr");

    const auto hash = parse_sequence_pattern(dir.file("shot.####.exr"));
    ASSERT_TRUE(hash);
    EXPECT_EQ(scan_frames(*hash), (std::vector<std::int64_t>{1, 2, 4, 10000}));

    const auto member = parse_sequence_pattern(dir.file("shot.0002.exr"));
    ASSERT_TRUE(member);
    EXPECT_EQ(scan_frames(*member), (std::vector<std::int64_t>{1, 2, 4, 10000}));

    // %d takes any digit run; of two names for frame 1 the unpadded one is its path.
    const auto any = parse_sequence_pattern(dir.file("shot.%d.exr"));
    ASSERT_TRUE(any);
    EXPECT_EQ(scan_frames(*any), (std::vector<std::int64_t>{1, 2, 3, 4, 10000}));
    const auto files = scan_files(*any);
    ASSERT_FALSE(files.empty());
    EXPECT_EQ(files.front().path, dir.file("shot.1.exr"));

    EXPECT_TRUE(scan_frames(*parse_sequence_pattern(dir.file("none.%04d.exr"))).empty());
}

TEST(SequenceTimecode, PacksSmpteBcd) {
    const Timecode tc = Timecode::parse("01:00:00:02", {24, 1});
    EXPECT_EQ(encode_smpte_timecode(tc), 0x01000002u);
    const auto back = decode_smpte_timecode(0x01000002u, {24, 1});
    ASSERT_TRUE(back);
    EXPECT_EQ(back->to_string(), "01:00:00:02");

    const Timecode df = Timecode::parse("10:01:00;02", {30000, 1001});
    EXPECT_EQ(encode_smpte_timecode(df), 0x10010002u | 0x40u);
    const auto df_back = decode_smpte_timecode(encode_smpte_timecode(df), {30000, 1001});
    ASSERT_TRUE(df_back);
    EXPECT_EQ(*df_back, df);

    const Timecode high = Timecode::parse("00:00:01;57", {60000, 1001});
    const auto high_back = decode_smpte_timecode(encode_smpte_timecode(high), {60000, 1001});
    ASSERT_TRUE(high_back);
    EXPECT_EQ(high_back->to_string(), "00:00:01;57");

    EXPECT_FALSE(decode_smpte_timecode(0xFFFFFFFFu, {24, 1})) << "DPX's 'undefined' value";
    EXPECT_FALSE(decode_smpte_timecode(0x00000030u, {24, 1})) << "frame 30 at 24 fps";
}

TEST(ImageSequence, ExrRoundTripReportsGap) {
    TempDir dir;
    constexpr int kW = 64;
    constexpr int kH = 32;
    const std::string pattern = dir.file("out.%06d.exr");
    {
        auto cfg = config_for(pattern, kW, kH);
        cfg.first_frame_number = 86400;
        auto writer = create_image_sequence_writer(cfg);
        ASSERT_EQ(writer->input_format(), PixelFormat::Gbrpf32);
        FramePool pool(PixelFormat::Gbrpf32, kW, kH, 2);
        const Timecode start(Rational{24, 1}, false, 86400);
        for (int i = 0; i < 5; ++i) {
            auto frame = pool.acquire();
            fill_float(*frame, i);
            frame->pts = i;
            frame->timecode = start.advanced(i);
            MediaUnit unit;
            unit.video = frame;
            writer->write(unit);
        }
        EXPECT_FALSE(fs::exists(dir.file("out.086400.exr"))) << "visible before finish()";
        writer->finish();
        const std::vector<std::string> outputs = writer->outputs();
        ASSERT_EQ(outputs.size(), 5u);
        EXPECT_EQ(outputs.front(), dir.file("out.086400.exr"));
        EXPECT_EQ(outputs.back(), dir.file("out.086404.exr"));
    }
    EXPECT_EQ(dir.entries(),
              (std::vector<std::string>{"out.086400.exr", "out.086401.exr", "out.086402.exr",
                                        "out.086403.exr", "out.086404.exr"}));
    ASSERT_TRUE(fs::remove(dir.file("out.086402.exr")));

    ReaderOptions options;
    options.sequence_rate = {25, 1};  // must lose to the header's 24
    auto reader = open_image_sequence(pattern, options);
    const MediaInfo& info = reader->info();
    EXPECT_TRUE(info.is_sequence);
    EXPECT_EQ(info.container, "openexr");
    EXPECT_EQ(info.clip_name, "out");
    EXPECT_EQ(info.first_frame_number, 86400);
    EXPECT_EQ(info.last_frame_number, 86404);
    EXPECT_EQ(info.missing_frame_numbers, std::vector<std::int64_t>{86402});
    EXPECT_EQ(info.timecode_source, "header");
    ASSERT_TRUE(info.start_timecode);
    EXPECT_EQ(info.start_timecode->to_string(), "01:00:00:00");
    EXPECT_TRUE(info.audio.empty());
    ASSERT_TRUE(info.video);
    EXPECT_EQ(info.video->codec, "openexr");
    EXPECT_EQ(info.video->native_pix_fmt, "rgbf16");
    EXPECT_EQ(info.video->working_format, PixelFormat::Gbrpf32);
    EXPECT_EQ(info.video->width, kW);
    EXPECT_EQ(info.video->height, kH);
    EXPECT_EQ(info.video->frame_rate, (Rational{24, 1}));
    EXPECT_EQ(info.video->avg_frame_rate, (Rational{24, 1}));
    EXPECT_EQ(info.video->frame_count, 4);
    EXPECT_DOUBLE_EQ(info.video->duration, 5.0 / 24.0);
    EXPECT_FALSE(info.video->has_alpha);
    EXPECT_EQ(info.video->tags.matrix, MatrixCoefficients::Rgb);
    EXPECT_EQ(info.video->tags.range, ColorRange::Full);

    const std::vector<int> source_frame{0, 1, 3, 4};
    std::vector<std::int64_t> pts;
    std::vector<std::string> timecodes;
    for (std::size_t i = 0;; ++i) {
        auto unit = reader->next();
        if (!unit) break;
        ASSERT_LT(i, source_frame.size());
        EXPECT_TRUE(unit->audio.empty());
        ASSERT_TRUE(unit->video);
        const VideoFrame& f = *unit->video;
        EXPECT_EQ(f.index, static_cast<std::int64_t>(i));
        EXPECT_EQ(f.time_base, (Rational{1, 24}));
        EXPECT_EQ(f.duration, 1);
        EXPECT_EQ(f.format, PixelFormat::Gbrpf32);
        pts.push_back(f.pts);
        ASSERT_TRUE(f.timecode);
        timecodes.push_back(f.timecode->to_string());

        constexpr int kPlaneChannel[3] = {1, 2, 0};
        int mismatches = 0;
        for (int p = 0; p < 3; ++p)
            for (int y = 0; y < kH; ++y) {
                const auto* row = reinterpret_cast<const float*>(f.plane(p) + y * f.stride[p]);
                for (int x = 0; x < kW; ++x) {
                    const float want = expected_float(kPlaneChannel[p], x, y, source_frame[i]);
                    // Half floats keep 11 significant bits.
                    if (std::fabs(row[x] - want) > std::max(1e-3f, std::fabs(want) * 1e-3f) &&
                        mismatches++ < 3)
                        ADD_FAILURE() << "frame " << i << " plane " << p << " (" << x << "," << y
                                      << "): " << row[x] << " != " << want;
                }
            }
        EXPECT_EQ(mismatches, 0);
    }
    EXPECT_EQ(pts, (std::vector<std::int64_t>{0, 1, 3, 4}));
    EXPECT_EQ(timecodes, (std::vector<std::string>{"01:00:00:00", "01:00:00:01", "01:00:00:03",
                                                   "01:00:00:04"}));
    EXPECT_EQ(reader->stats().frames, 4);
    ASSERT_EQ(reader->stats().discontinuities.size(), 1u);
    EXPECT_EQ(reader->stats().discontinuities[0].frame_index, 2);
    EXPECT_EQ(reader->stats().discontinuities[0].expected_pts, 2);
    EXPECT_EQ(reader->stats().discontinuities[0].actual_pts, 3);
    EXPECT_FALSE(reader->next());

    // One member file names the same sequence.
    auto by_member = open_image_sequence(dir.file("out.086403.exr"), {});
    EXPECT_EQ(by_member->info().video->frame_count, 4);
    EXPECT_EQ(by_member->info().first_frame_number, 86400);
}

TEST(ImageSequence, Dpx10RoundTrip) {
    TempDir dir;
    constexpr int kW = 48;
    constexpr int kH = 24;
    const std::string pattern = dir.file("plate_####.dpx");
    {
        auto cfg = config_for(pattern, kW, kH);
        cfg.frame_rate = {25, 1};
        cfg.first_frame_number = 86400;
        cfg.has_alpha = true;  // 10-bit DPX stays RGB
        auto writer = create_image_sequence_writer(cfg);
        ASSERT_EQ(writer->input_format(), PixelFormat::Rgb48);
        FramePool pool(PixelFormat::Rgb48, kW, kH, 1);
        for (int i = 0; i < 2; ++i) {
            auto frame = pool.acquire();
            fill_u16(*frame);
            MediaUnit unit;
            unit.video = std::move(frame);  // no timecode: the reader derives it
            unit.audio.push_back(AudioBuffer{2, 48000, 0, std::vector<float>(3840, 0.5f)});
            writer->write(unit);
        }
        writer->finish();
    }
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"plate_86400.dpx", "plate_86401.dpx"}));

    auto reader = open_image_sequence(pattern, {});  // default sequence_rate is 24
    const MediaInfo& info = reader->info();
    EXPECT_EQ(info.container, "dpx");
    EXPECT_EQ(info.clip_name, "plate");
    ASSERT_TRUE(info.video);
    EXPECT_EQ(info.video->native_pix_fmt, "rgb10");
    EXPECT_EQ(info.video->working_format, PixelFormat::Rgb48);
    EXPECT_EQ(info.video->frame_rate, (Rational{25, 1}));
    EXPECT_TRUE(info.missing_frame_numbers.empty());
    EXPECT_EQ(info.timecode_source, "start_frame");
    ASSERT_TRUE(info.start_timecode);
    EXPECT_EQ(info.start_timecode->to_string(), "00:57:36:00");  // 86400 frames at 25 fps

    auto unit = reader->next();
    ASSERT_TRUE(unit && unit->video);
    const VideoFrame& f = *unit->video;
    ASSERT_EQ(f.format, PixelFormat::Rgb48);
    int mismatches = 0;
    double worst = 0;
    for (int y = 0; y < kH; ++y) {
        const auto* row = reinterpret_cast<const std::uint16_t*>(f.plane(0) + y * f.stride[0]);
        for (int x = 0; x < kW; ++x)
            for (int c = 0; c < 3; ++c) {
                const double diff =
                    std::fabs(double(row[x * 3 + c]) - double(expected_u16(c, x, y))) / 65535.0;
                worst = std::max(worst, diff);
                if (diff > 1.0 / 1023.0) ++mismatches;
            }
    }
    EXPECT_EQ(mismatches, 0) << "worst error " << worst * 1023.0 << " 10-bit steps";
    // Full scale must survive the 10-bit trip as full scale, not 1023/1024 of it.
    const auto* first_row = reinterpret_cast<const std::uint16_t*>(f.plane(0));
    EXPECT_EQ(first_row[2], 65535);
    EXPECT_TRUE(reader->next());
    EXPECT_FALSE(reader->next());
    EXPECT_TRUE(reader->stats().discontinuities.empty());
}

TEST(ImageSequence, WriterWithoutFinishLeavesNothing) {
    TempDir dir;
    {
        auto writer = create_image_sequence_writer(config_for(dir.file("out.%04d.tif"), 16, 8));
        ASSERT_EQ(writer->input_format(), PixelFormat::Rgb48);
        FramePool pool(PixelFormat::Rgb48, 16, 8, 1);
        for (int i = 0; i < 3; ++i) {
            auto frame = pool.acquire();
            fill_u16(*frame);
            writer->write(MediaUnit{frame, {}});
        }
        EXPECT_EQ(dir.entries().size(), 3u) << "temporaries exist while writing";
    }
    EXPECT_TRUE(dir.entries().empty());
}

TEST(ImageSequence, WriterRejectsBadTargets) {
    TempDir dir;
    EXPECT_THROW(create_image_sequence_writer(config_for(dir.file("out.exr"), 16, 8)), InputError);
    EXPECT_THROW(create_image_sequence_writer(config_for(dir.file("out.000100.exr"), 16, 8)),
                 InputError);
    try {
        create_image_sequence_writer(config_for(dir.file("single.exr"), 16, 8));
        FAIL() << "no exception";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("single.exr"), std::string::npos) << e.what();
    }
    auto mismatched = config_for(dir.file("out.%04d.exr"), 16, 8);
    mismatched.video_codec = "dpx10";
    EXPECT_THROW(create_image_sequence_writer(mismatched), InputError);
    EXPECT_THROW(create_image_sequence_writer(config_for(dir.file("out.%04d.png"), 16, 8)),
                 InputError);
    EXPECT_THROW(create_image_sequence_writer(config_for(dir.file("missing/out.%04d.exr"), 16, 8)),
                 OutputError);
    EXPECT_TRUE(dir.entries().empty());
}

TEST(ImageSequence, ReaderNamesTheBadFile) {
    TempDir dir;
    EXPECT_THROW(open_image_sequence(dir.file("none.%04d.exr"), {}), InputError);

    const std::string pattern = dir.file("mix.%04d.exr");
    for (const auto& [number, width] : {std::pair{1, 16}, std::pair{2, 8}}) {
        auto cfg = config_for(pattern, width, 8);
        cfg.first_frame_number = number;
        auto writer = create_image_sequence_writer(cfg);
        FramePool pool(PixelFormat::Gbrpf32, width, 8, 1);
        auto frame = pool.acquire();
        fill_float(*frame, 0);
        writer->write(MediaUnit{frame, {}});
        writer->finish();
    }
    auto reader = open_image_sequence(pattern, {});
    EXPECT_EQ(reader->info().video->width, 16);
    ASSERT_TRUE(reader->next());
    try {
        reader->next();
        FAIL() << "a frame of another size was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("mix.0002.exr"), std::string::npos) << e.what();
    }

    // A damaged member after a good one: the header came from the good one, the damaged
    // one fails when its turn comes.
    fs::copy_file(dir.file("mix.0001.exr"), dir.file("bad.0001.exr"));
    std::ofstream(dir.file("bad.0002.exr")) << "not an image";
    auto damaged = open_image_sequence(dir.file("bad.0002.exr"), {});
    ASSERT_TRUE(damaged->next());
    try {
        damaged->next();
        FAIL() << "a damaged file was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.0002.exr"), std::string::npos) << e.what();
    }
    EXPECT_EQ(damaged->stats().frames, 1);
}

TEST(ImageSequence, DpxKeepsColourTags) {
    TempDir dir;
    const std::string pattern = dir.file("rec709.%04d.dpx");
    // The writer's own config says nothing: the frames' tags are what counts.
    write_tagged_sequence(config_for(pattern, 16, 8),
                          rgb_tags(ColorPrimaries::Bt709, TransferCharacteristic::Bt709));
    EXPECT_EQ(read_tags(pattern), rgb_tags(ColorPrimaries::Bt709, TransferCharacteristic::Bt709));
    {
        // Labels only: the RGB values pass unchanged.
        auto reader = open_image_sequence(pattern, {});
        const auto unit = reader->next();
        ASSERT_TRUE(unit && unit->video);
        const VideoFrame& f = *unit->video;
        int mismatches = 0;
        for (int y = 0; y < f.height; ++y) {
            const auto* row = reinterpret_cast<const std::uint16_t*>(f.plane(0) + y * f.stride[0]);
            for (int x = 0; x < f.width; ++x)
                for (int c = 0; c < 3; ++c)
                    if (std::abs(int(row[x * 3 + c]) - int(expected_u16(c, x, y))) > 65)
                        ++mismatches;
        }
        EXPECT_EQ(mismatches, 0);
    }
    // The standard header fields, as other DPX readers see them.
    auto header = header_of(dir.file("rec709.0000.dpx"));
    EXPECT_EQ(header["dpx:Transfer"], "ITU-R 709-4");
    EXPECT_EQ(header["dpx:Colorimetric"], "ITU-R 709-4");

    // SD PAL: the 625-line system names both fields.
    const std::string pal = dir.file("pal.%04d.dpx");
    write_tagged_sequence(config_for(pal, 16, 8),
                          rgb_tags(ColorPrimaries::Bt470bg, TransferCharacteristic::Smpte170m));
    EXPECT_EQ(read_tags(pal), rgb_tags(ColorPrimaries::Bt470bg, TransferCharacteristic::Smpte170m));
    auto pal_header = header_of(dir.file("pal.0000.dpx"));
    EXPECT_EQ(pal_header["dpx:Transfer"], "ITU-R 601-5 system B or G");
    EXPECT_EQ(pal_header["dpx:Colorimetric"], "ITU-R 601-5 system B or G");

    // Frames without tags take the writer's configured ones.
    const std::string linear = dir.file("linear.%04d.dpx");
    auto cfg = config_for(linear, 16, 8);
    cfg.tags = rgb_tags(ColorPrimaries::Smpte170m, TransferCharacteristic::Linear);
    write_tagged_sequence(cfg, ColorTags{});
    EXPECT_EQ(read_tags(linear),
              rgb_tags(ColorPrimaries::Smpte170m, TransferCharacteristic::Linear));
}

TEST(ImageSequence, DpxWithoutColourFieldsReadsUnspecified) {
    TempDir dir;
    const ColorTags unspecified =
        rgb_tags(ColorPrimaries::Unspecified, TransferCharacteristic::Unspecified);
    // Another tool's file: OpenImageIO leaves transfer undefined and colorimetric "User
    // defined" when not told otherwise.
    write_foreign_file(dir.file("foreign.0001.dpx"), "uint16");
    EXPECT_EQ(read_tags(dir.file("foreign.####.dpx")), unspecified);

    // Ours, from a source whose colour was unknown or has no DPX code (PQ, Rec.2020): the
    // fields say "not set" rather than something invented.
    write_tagged_sequence(config_for(dir.file("unknown.%04d.dpx"), 16, 8), ColorTags{});
    EXPECT_EQ(read_tags(dir.file("unknown.%04d.dpx")), unspecified);
    write_tagged_sequence(config_for(dir.file("hdr.%04d.dpx"), 16, 8),
                          rgb_tags(ColorPrimaries::Bt2020, TransferCharacteristic::Pq));
    EXPECT_EQ(read_tags(dir.file("hdr.%04d.dpx")), unspecified);
    auto header = header_of(dir.file("hdr.0000.dpx"));
    EXPECT_EQ(header["dpx:Transfer"], "Undefined");
    EXPECT_EQ(header["dpx:Colorimetric"], "Undefined");
}

TEST(ImageSequence, ExrKeepsColourTags) {
    TempDir dir;
    const std::string pattern = dir.file("rec709.%04d.exr");
    write_tagged_sequence(config_for(pattern, 16, 8),
                          rgb_tags(ColorPrimaries::Bt709, TransferCharacteristic::Bt709));
    EXPECT_EQ(read_tags(pattern), rgb_tags(ColorPrimaries::Bt709, TransferCharacteristic::Bt709));
    auto header = header_of(dir.file("rec709.0000.exr"));
    EXPECT_EQ(header["cinepipe:transfer"], "bt709");
    EXPECT_EQ(header["cinepipe:primaries"], "bt709");
    ASSERT_TRUE(header.count("chromaticities")) << "the standard attribute, for other tools";
    const std::vector<float> xy = numbers_of(header.at("chromaticities"));
    ASSERT_EQ(xy.size(), 8u);
    const std::array<float, 8> rec709{0.64f, 0.33f, 0.30f, 0.60f, 0.15f, 0.06f, 0.3127f, 0.3290f};
    for (std::size_t i = 0; i < rec709.size(); ++i) EXPECT_FLOAT_EQ(xy[i], rec709[i]) << i;

    // HDR from the writer's config, and "unknown" kept as unknown rather than read as linear.
    const std::string hdr = dir.file("hdr.%04d.exr");
    auto cfg = config_for(hdr, 16, 8);
    cfg.video_codec = "exr_float";
    cfg.tags = rgb_tags(ColorPrimaries::Bt2020, TransferCharacteristic::Pq);
    write_tagged_sequence(cfg, ColorTags{});
    EXPECT_EQ(read_tags(hdr), rgb_tags(ColorPrimaries::Bt2020, TransferCharacteristic::Pq));
    const std::string unknown = dir.file("unknown.%04d.exr");
    write_tagged_sequence(config_for(unknown, 16, 8), ColorTags{});
    EXPECT_EQ(read_tags(unknown),
              rgb_tags(ColorPrimaries::Unspecified, TransferCharacteristic::Unspecified));
    EXPECT_FALSE(header_of(dir.file("unknown.0000.exr")).count("chromaticities"));
}

TEST(ImageSequence, ExrWithoutAttributesReadsLinear) {
    TempDir dir;
    // No colour attributes at all: EXR's scene-linear convention, primaries not guessed.
    write_foreign_file(dir.file("render.0001.exr"), "half");
    EXPECT_EQ(read_tags(dir.file("render.####.exr")),
              rgb_tags(ColorPrimaries::Unspecified, TransferCharacteristic::Linear));

    // Chromaticities alone (another tool's P3 render, rounded its own way) give the
    // primaries; the transfer is still the linear convention.
    const float p3d65[8] = {0.6800f, 0.3200f, 0.2650f, 0.6900f, 0.1500f, 0.0600f, 0.3127f, 0.3290f};
    write_foreign_file(dir.file("p3.0001.exr"), "half", {}, p3d65);
    EXPECT_EQ(read_tags(dir.file("p3.####.exr")),
              rgb_tags(ColorPrimaries::Smpte432, TransferCharacteristic::Linear));
    const float dci[8] = {0.6805f, 0.3195f, 0.2650f, 0.6900f, 0.1500f, 0.0600f, 0.314f, 0.351f};
    write_foreign_file(dir.file("dci.0001.exr"), "half", {}, dci);
    EXPECT_EQ(read_tags(dir.file("dci.####.exr")).primaries, ColorPrimaries::Smpte431);
    // A gamut outside the known sets (ACES AP0) is not forced onto the nearest one.
    const float ap0[8] = {0.7347f, 0.2653f, 0.0f, 1.0f, 0.0001f, -0.077f, 0.32168f, 0.33767f};
    write_foreign_file(dir.file("aces.0001.exr"), "half", {}, ap0);
    EXPECT_EQ(read_tags(dir.file("aces.####.exr")).primaries, ColorPrimaries::Unspecified);

    // Our attributes win over the chromaticities when both are present.
    write_foreign_file(dir.file("ours.0001.exr"), "half",
                       {{"cinepipe:primaries", "bt709"}, {"cinepipe:transfer", "iec61966-2-1"}},
                       p3d65);
    EXPECT_EQ(read_tags(dir.file("ours.####.exr")),
              rgb_tags(ColorPrimaries::Bt709, TransferCharacteristic::Srgb));
}

TEST(ImageSequence, ColourNameTablesRoundTrip) {
    for (int v = 0; v < 256; ++v) {
        const auto p = static_cast<ColorPrimaries>(v);
        const std::string pname = to_string(p);
        if (pname != "unknown" && pname != "reserved") {
            EXPECT_EQ(primaries_from_name(pname), p) << pname;
            if (const auto xy = chromaticities_for(p)) {
                const ColorPrimaries back = primaries_from_chromaticities(*xy);
                // smpte240m shares smpte170m's primaries.
                EXPECT_EQ(back, p == ColorPrimaries::Smpte240m ? ColorPrimaries::Smpte170m : p)
                    << pname;
            }
        }
        const auto t = static_cast<TransferCharacteristic>(v);
        const std::string tname = to_string(t);
        if (tname != "unknown" && tname != "reserved") {
            EXPECT_EQ(transfer_from_name(tname), t) << tname;
        }
    }
    EXPECT_EQ(primaries_from_name("unknown"), ColorPrimaries::Unspecified);
    EXPECT_EQ(transfer_from_name("UNKNOWN"), TransferCharacteristic::Unspecified);
    EXPECT_FALSE(primaries_from_name("rec709"));
    EXPECT_FALSE(transfer_from_name(""));
    EXPECT_FALSE(chromaticities_for(ColorPrimaries::Unspecified));

    // DPX names are matched as OpenImageIO does, ignoring case.
    EXPECT_EQ(transfer_from_dpx("itu-r 709-4"), TransferCharacteristic::Bt709);
    EXPECT_EQ(transfer_from_dpx("SMPTE 274M"), TransferCharacteristic::Bt709);
    EXPECT_EQ(transfer_from_dpx("Logarithmic"), TransferCharacteristic::Unspecified);
    EXPECT_EQ(transfer_from_dpx("User defined"), TransferCharacteristic::Unspecified);
    EXPECT_EQ(primaries_from_dpx("ITU-R 601-5 system M"), ColorPrimaries::Smpte170m);
    EXPECT_EQ(primaries_from_dpx("Printing density"), ColorPrimaries::Unspecified);
    EXPECT_EQ(dpx_transfer_name(TransferCharacteristic::Smpte170m, ColorPrimaries::Smpte170m),
              "ITU-R 601-5 system M");
    EXPECT_EQ(dpx_transfer_name(TransferCharacteristic::Srgb, ColorPrimaries::Bt709),
              kDpxUndefined);
}

// OpenImageIO comes in with the cinepipe_oiio module when a sequence is first used; this test
// executable, like the cinepipe binary, does not link it.
TEST(ImageSequence, OpenImageIOIsLoadedOnlyWithTheModule) {
    const auto ldd = test::run_command("ldd /proc/" + std::to_string(::getpid()) + "/exe 2>&1");
    ASSERT_EQ(ldd.exit_code, 0) << ldd.output;
    EXPECT_EQ(ldd.output.find("libOpenImageIO"), std::string::npos) << ldd.output;

    TempDir dir;
    const std::string pattern = dir.file("m.%04d.exr");
    write_tagged_sequence(config_for(pattern, 16, 8), ColorTags{}, 1);
    EXPECT_EQ(read_tags(pattern).matrix, MatrixCoefficients::Rgb);
    const std::string maps = test::read_file("/proc/self/maps");
    EXPECT_NE(maps.find("cinepipe_oiio.so"), std::string::npos);
    EXPECT_NE(maps.find("libOpenImageIO"), std::string::npos);
}
