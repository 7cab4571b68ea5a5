// Nothing lost, nothing half-written: failed, cancelled and refused writes leave the output
// folder as it was.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "atomic_file.h"
#include "cinepipe/error.h"
#include "cinepipe/frame_converter.h"
#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::count_entries;
using test::TempDir;

SyntheticOptions clip(std::int64_t frames) {
    SyntheticOptions o;
    o.width = 128;
    o.height = 72;
    o.frames = frames;
    o.flash_frame = 2;
    return o;
}

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

TEST(OutputSafety, AFailureMidStreamLeavesNoFileBehind) {
    TempDir dir;
    auto source = make_synthetic_source(clip(40));
    WriterConfig cfg = writer_config_for(source->info(), dir / "master.mov");
    auto writer = MediaWriter::create(cfg);
    PipelineStages stages;
    stages.transform = [](MediaUnit u) {
        if (u.video->index == 20) throw std::runtime_error("grade failed");
        return u;
    };
    stages.sink = [&](const MediaUnit& u) { writer->write(u); };
    CancelToken cancel;
    EXPECT_THROW(run_pipeline(*source, stages, {}, cancel), std::runtime_error);
    // Frames were written to the temporary file by now; dropping the writer must remove it.
    EXPECT_EQ(count_entries(dir.path()), 1u) << "the temporary should exist while writing";
    writer.reset();
    EXPECT_EQ(count_entries(dir.path()), 0u);
}

TEST(OutputSafety, CancellingATranscodeRemovesThePartialOutput) {
    TempDir dir;
    {
        auto source = make_synthetic_source(clip(30));
        WriterConfig cfg = writer_config_for(source->info(), dir / "src.mov");
        CancelToken none;
        encode(*source, cfg, {}, none);
    }
    TranscodeOptions t;
    t.input = dir / "src.mov";
    t.output = dir / "out.mkv";
    CancelToken cancel;
    t.progress = [&](const Progress& p) {
        if (p.frames_done == 5) cancel.cancel();
    };
    EXPECT_THROW(transcode(t, cancel), Cancelled);
    EXPECT_FALSE(std::filesystem::exists(dir / "out.mkv"));
    EXPECT_EQ(count_entries(dir.path()), 1u) << "only the source may remain";
}

TEST(OutputSafety, RefusesToOverwriteUnlessAsked) {
    TempDir dir;
    write(dir / "master.mov", "precious");
    auto source = make_synthetic_source(clip(4));
    WriterConfig cfg = writer_config_for(source->info(), dir / "master.mov");
    try {
        (void)MediaWriter::create(cfg);
        FAIL() << "expected OutputError";
    } catch (const OutputError& e) {
        EXPECT_NE(std::string(e.what()).find("master.mov"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("--overwrite"), std::string::npos);
    }
    std::ifstream in(dir / "master.mov");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "precious");

    cfg.overwrite = true;
    CancelToken cancel;
    encode(*source, cfg, {}, cancel);
    EXPECT_GT(std::filesystem::file_size(dir / "master.mov"), 1000u);
    EXPECT_EQ(count_entries(dir.path()), 1u);
}

TEST(OutputSafety, MissingOrReadOnlyFolderIsRefusedBeforeWork) {
    TempDir dir;
    EXPECT_THROW(check_output_target(dir / "no/such/folder/out.mov", false), OutputError);
    EXPECT_THROW(check_output_target(dir.path().string(), false), OutputError);  // a folder
    std::filesystem::create_directory(dir / "ro");
    std::filesystem::permissions(
        dir / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    if (::geteuid() != 0) {  // root writes anywhere; the check is meaningful for users only
        EXPECT_THROW(check_output_target(dir / "ro/out.mov", false), OutputError);
    }
    std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_all);
}

TEST(OutputSafety, AtomicFileCommitsByRename) {
    TempDir dir;
    AtomicFile f(dir / "a.mov", false);
    EXPECT_NE(f.temp_path(), f.final_path());
    EXPECT_EQ(std::filesystem::path(f.temp_path()).extension(), ".mov");
    write(f.temp_path(), "data");
    EXPECT_FALSE(std::filesystem::exists(dir / "a.mov"));
    f.commit();
    EXPECT_TRUE(std::filesystem::exists(dir / "a.mov"));
    EXPECT_EQ(count_entries(dir.path()), 1u);
}

TEST(OutputSafety, ImpossibleCombinationsAreRefusedUpFront) {
    TempDir dir;
    auto source = make_synthetic_source(clip(4));
    WriterConfig cfg = writer_config_for(source->info(), dir / "proxy.mp4");
    cfg.audio_codec = AudioCodec::Pcm24;  // MP4 cannot carry PCM in FFmpeg 5.1
    try {
        (void)MediaWriter::create(cfg);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("proxy.mp4"), std::string::npos) << e.what();
    }
    cfg.path = dir / "out.xyz";
    EXPECT_THROW((void)MediaWriter::create(cfg), InputError);
    EXPECT_EQ(count_entries(dir.path()), 0u);
}

}  // namespace
}  // namespace cinepipe
