// Thumbnails of chosen frames (cinepipe/thumbnails.h): each must be exactly the frame asked
// for, after seeking in a long-GOP movie with B-frames and in an image sequence. The clips are
// grey ramps, one level step per frame, so a picture from the wrong frame shows in its level.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "cinepipe/error.h"
#include "cinepipe/thumbnails.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::quote;
using test::TempDir;

// Frame n's luma is 16 + 4n (limited range): 0..255 RGB as (Y - 16) * 255 / 219.
double expected_level(std::int64_t n) {
    return (4.0 * static_cast<double>(n)) * 255.0 / 219.0;
}
// A picture is frame n's when its level is nearer n's than either neighbour's (JPEG and the
// conversions round by a level or two; the frames are 4.7 levels apart).
constexpr double kHalfStep = 4.0 * 255.0 / 219.0 / 2;

void make(const std::string& args) {
    const auto r = test::run_command(
        "ffmpeg -v error -y -f lavfi -i color=c=gray:s=128x72:r=24:d=2.1 "
        "-vf \"geq=lum='16+4*N':cb=128:cr=128\" " +
        args + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
}

// The average of all channels of a JPEG, as ffmpeg decodes it.
double mean_level(const TempDir& dir, const Thumbnail& t) {
    const std::string path = dir / "t.jpg";
    std::ofstream(path, std::ios::binary) << t.jpeg;
    const test::DecodedImage img = test::decode_rgb24(path);
    if (img.width == 0) return -1;
    double sum = 0;
    for (const char c : img.rgb) sum += static_cast<unsigned char>(c);
    return sum / static_cast<double>(img.rgb.size());
}

std::vector<ThumbnailRequest> at(std::initializer_list<std::int64_t> frames) {
    std::vector<ThumbnailRequest> out;
    for (const auto f : frames) out.push_back({f, f});
    return out;
}

TEST(Thumbnails, SeekingInLongGopH264GivesExactlyTheFrameAskedFor) {
    TempDir dir;
    const std::string clip = dir / "ramp.mp4";
    ASSERT_NO_FATAL_FAILURE(make("-c:v libx264 -g 12 -bf 2 -qp 2 -pix_fmt yuv420p " + quote(clip)));
    // Out of order and repeated: served once each, in frame order.
    const auto thumbs = grab_thumbnails(clip, at({49, 7, 0, 25, 7, 13}));
    ASSERT_EQ(thumbs.size(), 5u);
    const std::int64_t expected_frames[] = {0, 7, 13, 25, 49};
    for (std::size_t i = 0; i < thumbs.size(); ++i) {
        EXPECT_EQ(thumbs[i].frame, expected_frames[i]);
        EXPECT_EQ(thumbs[i].width, 160);
        EXPECT_EQ(thumbs[i].height, 90);
        EXPECT_EQ(thumbs[i].jpeg.substr(0, 3), "\xFF\xD8\xFF");
        EXPECT_NEAR(mean_level(dir, thumbs[i]), expected_level(thumbs[i].frame), kHalfStep)
            << "frame " << thumbs[i].frame;
    }
}

TEST(Thumbnails, ImageSequenceReadsJustTheFrame) {
    TempDir dir;
    ASSERT_NO_FATAL_FAILURE(
        make("-pix_fmt rgb48le -start_number 100 " + quote(dir / "ramp.%04d.tif")));
    ThumbnailOptions options;
    options.width = 64;
    const auto thumbs = grab_thumbnails(dir / "ramp.%04d.tif", at({5, 30}), options);
    ASSERT_EQ(thumbs.size(), 2u);
    for (const auto& t : thumbs) {
        EXPECT_EQ(t.width, 64);
        EXPECT_EQ(t.height, 36);
        EXPECT_NEAR(mean_level(dir, t), expected_level(t.frame), kHalfStep) << "frame " << t.frame;
    }
}

TEST(Thumbnails, CountIsBoundedAndFramesPastTheEndAreLeftOut) {
    TempDir dir;
    const std::string clip = dir / "ramp.mkv";
    ASSERT_NO_FATAL_FAILURE(make("-c:v ffv1 " + quote(clip)));
    ThumbnailOptions options;
    options.max_count = 2;
    EXPECT_EQ(grab_thumbnails(clip, at({3, 1, 2}), options).size(), 2u);
    const auto past = grab_thumbnails(clip, at({40, 500}));
    ASSERT_EQ(past.size(), 1u);
    EXPECT_EQ(past[0].frame, 40);
    EXPECT_THROW(grab_thumbnails(dir / "missing.mkv", at({0})), InputError);
}

}  // namespace
}  // namespace cinepipe
