// Intra-only movies decoded in lanes (several single-threaded decoders, engine/src/
// intra_decoder_lanes.h) read exactly as with one decoder: the same pictures, timing and
// damage reports, in the same order.

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"
#include "clip_fixture.h"
#include "frame_checksum.h"
#include "test_support.h"

namespace cinepipe {
namespace {

struct Picture {
    std::int64_t index, pts, duration;
    std::uint64_t sum;
    bool corrupt;
    bool operator==(const Picture&) const = default;
};

using test::picture_checksum;

struct Reading {
    std::vector<Picture> pictures;
    ReadStats stats;
};

Reading read_all(const std::string& path, int threads, bool tolerate_damage = false) {
    ReaderOptions o;
    o.decoder_threads = threads;
    o.tolerate_damage = tolerate_damage;
    auto reader = MediaReader::open(path, o);
    Reading r;
    while (auto unit = reader->next()) {
        if (!unit->video) continue;
        const VideoFrame& f = *unit->video;
        r.pictures.push_back({f.index, f.pts, f.duration, picture_checksum(f), f.corrupt});
    }
    r.stats = reader->stats();
    return r;
}

TEST(IntraDecoderLanes, PicturesAndTimingMatchOneDecoder) {
    test::TempDir dir;
    const std::string path = dir / "clip.mov";
    test::write_clip(path, "prores_hq", test::small_clip(320, 180, 30));
    const Reading one = read_all(path, 1);
    ASSERT_EQ(one.pictures.size(), 30U);
    EXPECT_NE(one.pictures[0].sum, one.pictures[1].sum);  // the pictures differ
    for (const int lanes : {2, 3, 5}) {
        const Reading many = read_all(path, lanes);
        EXPECT_EQ(many.pictures, one.pictures) << lanes << " lanes";
        EXPECT_EQ(many.stats.decoded_pictures, 30) << lanes << " lanes";
    }
}

TEST(IntraDecoderLanes, DamageIsReportedAsWithOneDecoder) {
    test::TempDir dir;
    const std::string path = dir / "clip.mov";
    test::write_clip(path, "prores_hq", test::small_clip(320, 180, 30));
    // Wreck the frame headers of pictures 10 and 20 (a ProRes frame starts "icpf").
    std::string bytes = test::read_file(path);
    std::size_t at = 0;
    for (int picture = 0; picture <= 20; ++picture) {
        at = bytes.find("icpf", at + 1);
        ASSERT_NE(at, std::string::npos);
        if (picture == 10 || picture == 20) bytes.replace(at + 4, 24, std::string(24, '\xff'));
    }
    std::ofstream(path, std::ios::binary) << bytes;
    const Reading one = read_all(path, 1, true);
    ASSERT_FALSE(one.stats.damage.empty()) << "the damage went unnoticed";
    const Reading two = read_all(path, 2, true);
    EXPECT_EQ(two.pictures, one.pictures);
    ASSERT_EQ(two.stats.damage.size(), one.stats.damage.size());
    for (std::size_t i = 0; i < one.stats.damage.size(); ++i) {
        EXPECT_EQ(two.stats.damage[i].frame_index, one.stats.damage[i].frame_index);
        EXPECT_EQ(two.stats.damage[i].what, one.stats.damage[i].what);
    }
    // Without tolerance, the same damage stops the read with an error naming the file.
    try {
        (void)read_all(path, 2);
        ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace cinepipe
