// Damaged and wrong inputs give one clear error naming the file, never a crash or a silently
// shorter result.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::TempDir;

void make_clip(const std::string& path, const char* codec, std::int64_t frames = 48) {
    SyntheticOptions o;
    o.width = 256;
    o.height = 144;
    o.frames = frames;
    o.flash_frame = 2;
    auto source = make_synthetic_source(o);
    WriterConfig cfg = writer_config_for(source->info(), path);
    cfg.video_codec = codec;
    CancelToken cancel;
    encode(*source, cfg, {}, cancel);
}

void truncate_to(const std::string& path, double fraction) {
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, static_cast<std::uintmax_t>(double(size) * fraction));
}

// Read everything; return the error text (empty when it read cleanly).
std::string read_all(const std::string& path) {
    try {
        auto reader = MediaReader::open(path);
        while (reader->next()) {
        }
        return "";
    } catch (const InputError& e) {
        return e.what();
    }
}

TEST(BadInput, MissingFileAndFolder) {
    TempDir dir;
    const std::string missing = dir / "nope.mov";
    EXPECT_EQ(read_all(missing), missing + ": no such file");
    EXPECT_NE(read_all(dir.path().string()).find("is a folder"), std::string::npos);
}

TEST(BadInput, NonMediaAndEmptyFiles) {
    TempDir dir;
    std::ofstream(dir / "notes.mov") << "these are the camera notes, not a movie\n";
    std::ofstream(dir / "empty.mxf");
    for (const char* name : {"notes.mov", "empty.mxf"}) {
        const std::string err = read_all(dir / name);
        EXPECT_NE(err.find(dir / name), std::string::npos) << err;
        EXPECT_NE(err.find("not a readable media file"), std::string::npos) << err;
    }
}

TEST(BadInput, MovCutBeforeItsIndexIsRefused) {
    TempDir dir;
    make_clip(dir / "cut.mov", "prores_proxy");
    truncate_to(dir / "cut.mov", 0.5);  // the moov index sits at the end
    const std::string err = read_all(dir / "cut.mov");
    EXPECT_NE(err.find(dir / "cut.mov"), std::string::npos) << err;
}

TEST(BadInput, MatroskaCutShortSaysTruncatedInsteadOfEndingEarly) {
    TempDir dir;
    make_clip(dir / "cut.mkv", "ffv1");
    truncate_to(dir / "cut.mkv", 0.5);
    const std::string err = read_all(dir / "cut.mkv");
    EXPECT_NE(err.find(dir / "cut.mkv"), std::string::npos) << err;
    EXPECT_NE(err.find("truncated"), std::string::npos) << err;
}

TEST(BadInput, TruncatedAtManyOffsetsNeverCrashes) {
    TempDir dir;
    make_clip(dir / "src.mxf", "dnxhr_lb", 12);
    const auto size = std::filesystem::file_size(dir / "src.mxf");
    for (double f : {0.01, 0.1, 0.33, 0.66, 0.9, 0.99}) {
        std::filesystem::copy_file(dir / "src.mxf", dir / "cut.mxf",
                                   std::filesystem::copy_options::overwrite_existing);
        std::filesystem::resize_file(dir / "cut.mxf",
                                     static_cast<std::uintmax_t>(double(size) * f));
        const std::string err = read_all(dir / "cut.mxf");
        // Either a clean error naming the file, or (if the cut removed only padding) a read.
        if (!err.empty()) {
            EXPECT_NE(err.find(dir / "cut.mxf"), std::string::npos) << f << ": " << err;
        }
    }
}

TEST(BadInput, TranscodeOfADamagedFileLeavesNoOutput) {
    TempDir dir;
    make_clip(dir / "cut.mkv", "ffv1");
    truncate_to(dir / "cut.mkv", 0.5);
    TranscodeOptions t;
    t.input = dir / "cut.mkv";
    t.output = dir / "out.mov";
    CancelToken cancel;
    EXPECT_THROW(transcode(t, cancel), InputError);
    EXPECT_FALSE(std::filesystem::exists(dir / "out.mov"));
    EXPECT_EQ(test::count_entries(dir.path()), 1u);
}

}  // namespace
}  // namespace cinepipe
