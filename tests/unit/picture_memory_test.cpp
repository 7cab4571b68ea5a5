// Picture memory (engine/src/picture_memory.h) and the decoders' buffers drawn from it
// (engine/src/decoder_buffers.h): alignment, and pictures that outlive their decoder.

#include "picture_memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "cinepipe/media_reader.h"
#include "clip_fixture.h"
#include "frame_checksum.h"
#include "test_support.h"

namespace cinepipe {
namespace {

std::uintptr_t address(const void* p) {
    return reinterpret_cast<std::uintptr_t>(p);
}

TEST(PictureMemory, SmallBuffersAreSimdAlignedAndLargeOnesStartOnAHugePage) {
    for (const std::size_t bytes : {std::size_t{1}, std::size_t{1000}, std::size_t{2} << 20,
                                    (std::size_t{33} << 20) + 12345}) {
        std::uint8_t* p = allocate_picture_memory(bytes);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(address(p) % 64, 0U) << bytes;
        if (bytes >= (std::size_t{2} << 20))
            EXPECT_EQ(address(p) % (std::size_t{2} << 20), 0U) << bytes;
        std::memset(p, 0x5a, bytes);  // all of it is ours
        EXPECT_EQ(p[bytes - 1], 0x5a);
        free_picture_memory(p);
    }
}

using test::picture_checksum;

// HD pictures are 8 MB: their buffers are mapped on their own, so a buffer freed with its
// decoder would fault here rather than read stale memory.
TEST(PictureMemory, DecodedPicturesAreAlignedAndOutliveTheirDecoder) {
    test::TempDir dir;
    const std::string path = dir / "hd.mov";
    SyntheticOptions o = test::small_clip(1920, 1080, 6);
    test::write_clip(path, "prores_hq", o);
    std::vector<FramePtr> kept;
    std::vector<std::uint64_t> sums;
    {
        auto reader = MediaReader::open(path);
        while (auto unit = reader->next()) {
            if (!unit->video) continue;
            const VideoFrame& f = *unit->video;
            for (int p = 0; p < info(f.format).planes; ++p) {
                EXPECT_EQ(address(f.plane(p)) % 64, 0U) << "plane " << p;
                EXPECT_EQ(f.stride[p] % 64, 0) << "plane " << p;
            }
            sums.push_back(picture_checksum(f));
            kept.push_back(unit->video);
        }
    }
    ASSERT_EQ(kept.size(), 6U);
    // Different pictures (the synthetic source moves), still intact without their decoder.
    EXPECT_NE(sums[0], sums[1]);
    for (std::size_t i = 0; i < kept.size(); ++i)
        EXPECT_EQ(picture_checksum(*kept[i]), sums[i]) << i;
}

}  // namespace
}  // namespace cinepipe
