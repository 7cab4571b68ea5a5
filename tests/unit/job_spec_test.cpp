// Job files: sources found (sequences grouped, hidden and output files skipped), names from
// templates, variables, and every mistake reported with the file and line.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cinepipe/error.h"
#include "cinepipe/job.h"
#include "test_support.h"

namespace fs = std::filesystem;
using cinepipe::test::TempDir;

namespace cinepipe {
namespace {

void touch(const std::string& path) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << "x";
}

std::string error_of(const std::string& path) {
    try {
        load_job(path);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(JobNames, TemplatesExpandEveryFieldAndKeepNamesSafe) {
    ClipNameFields f{"A001C003_201125", "A001", "10-00-00-00", "day01", 7};
    EXPECT_EQ(expand_name_template("{reel}_{clip}_{tc}.mov", f),
              "A001_A001C003_201125_10-00-00-00.mov");
    EXPECT_EQ(expand_name_template("{job}-{index}", f), "day01-0007");
    f.reel = "../etc/pass:wd";
    EXPECT_EQ(expand_name_template("{reel}", f), "-etc-pass-wd");  // no separators, not hidden
}

TEST(JobNames, BadTemplatesSayWhy) {
    EXPECT_THROW(check_name_template("{scene}_{clip}"), InputError);
    EXPECT_THROW(check_name_template("{clip"), InputError);
    EXPECT_THROW(check_name_template("clip}"), InputError);
    try {
        check_name_template("{take}");
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown field {take}"), std::string::npos)
            << e.what();
    }
    EXPECT_NO_THROW(check_name_template("{clip}.mov"));
}

TEST(JobNames, ClipStemDropsTheFrameNumberOfASequence) {
    EXPECT_EQ(clip_stem("/a/A001C003_201125.mov"), "A001C003_201125");
    EXPECT_EQ(clip_stem("/a/shot.%06d.exr"), "shot");
    EXPECT_EQ(clip_stem("/a/plate_####.dpx"), "plate");
}

TEST(JobSources, FoldersGiveMoviesAndOneSequencePerNumberedRun) {
    TempDir d;
    touch(d / "card/A001C001.mov");
    touch(d / "card/sub/A001C002.MXF");
    for (int i = 1; i <= 3; ++i) touch(d / ("card/scan/shot.00000" + std::to_string(i) + ".exr"));
    touch(d / "card/scan/other_0001.dpx");
    touch(d / "card/.A001C003.cinepipe-tmp-1-0.mov");  // hidden: a temporary
    touch(d / "card/.Trashes/A001C009.mov");           // hidden folder
    touch(d / "card/notes.txt");
    touch(d / "card/out/A001C001.mov");  // the job's own outputs
    const auto clips = find_clips(d / "card", "", true, d / "card/out");
    const std::vector<std::string> expected{
        fs::path(d / "card/A001C001.mov").string(),
        fs::path(d / "card/scan/other_%04d.dpx").string(),
        fs::path(d / "card/scan/shot.%06d.exr").string(),
        fs::path(d / "card/sub/A001C002.MXF").string(),
    };
    EXPECT_EQ(clips, expected);
    EXPECT_EQ(find_clips(d / "card", "A*", false, "").size(), 1U);
}

TEST(JobSpec, ReadsAJobWithPathsRelativeToItAndVariables) {
    TempDir d;
    touch(d / "cards/A001C001.mov");
    touch(d / "cards/A001C002.mov");
    touch(d / "show.cube");
    ::setenv("CINEPIPE_TEST_CARDS", (d / "cards").c_str(), 1);
    std::ofstream(d / "job.yaml") << "name: day01\n"
                                     "sources:\n  - folder: ${CINEPIPE_TEST_CARDS}\n"
                                     "grade:\n  lut: show.cube\n"
                                     "outputs:\n  folder: ${CINEPIPE_TEST_UNSET:-out}\n"
                                     "  master: {preset: prores-422-hq, name: \"{reel}_{clip}\"}\n"
                                     "  proxy: {preset: review-720}\n";
    const JobSpec job = load_job(d / "job.yaml");
    EXPECT_EQ(job.name, "day01");
    ASSERT_EQ(job.clips.size(), 2U);
    EXPECT_EQ(job.clips[0], fs::path(d / "cards/A001C001.mov").string());
    EXPECT_EQ(job.grade.luts.at(0), fs::path(d / "show.cube").string());
    EXPECT_EQ(job.output_folder, fs::path(d / "out").string());
    EXPECT_EQ(job.master.folder, fs::path(d / "out/masters").string());
    EXPECT_EQ(job.master.name_template, "{reel}_{clip}.mov");  // the preset's extension
    EXPECT_EQ(job.proxy.name_template, "{clip}.mp4");
    EXPECT_TRUE(job.mhl);
}

TEST(JobSpec, JsonJobsReadTheSame) {
    TempDir d;
    touch(d / "c/A.mov");
    std::ofstream(d / "job.json")
        << "{\n\t\"sources\": [\"c\"],\n\t\"outputs\": {\"folder\": \"o\", "
           "\"master\": {\"preset\": \"dpx-sequence\"}}\n}\n";
    const JobSpec job = load_job(d / "job.json");
    EXPECT_EQ(job.name, "job");
    EXPECT_EQ(job.master.name_template, "{clip}.%06d.dpx");
}

TEST(JobSpec, MistakesNameTheFileAndLine) {
    TempDir d;
    touch(d / "c/A.mov");
    const auto bad = [&](const std::string& text) {
        std::ofstream(d / "j.yaml") << text;
        return error_of(d / "j.yaml");
    };
    const std::string src = "sources: [c]\n";
    EXPECT_NE(bad(src + "outputs:\n  folder: o\n  master: {preset: prores-422-hq}\nqcc: x\n")
                  .find("j.yaml:5: job: unknown key 'qcc'"),
              std::string::npos);
    EXPECT_NE(bad(src + "outputs:\n  folder: o\n  master: {preset: prores-422-hq}\n"
                        "sync: {sound_rolls: nowhere}\n")
                  .find("j.yaml:5: sync.sound_rolls"),
              std::string::npos);
    EXPECT_NE(
        bad(src + "outputs:\n  folder: o\n  master: {preset: prores-422-hq, folder: ../../x}\n")
            .find("leaves outputs.folder"),
        std::string::npos);
    EXPECT_NE(bad(src + "outputs:\n  folder: o\n  master: {preset: prores-422-hq}\n  master: "
                        "{preset: ffv1-archival}\n")
                  .find("given twice"),
              std::string::npos);
    EXPECT_NE(
        bad(src +
            "outputs:\n  folder: ${CINEPIPE_TEST_NOT_SET}\n  master: {preset: prores-422-hq}\n")
            .find("CINEPIPE_TEST_NOT_SET is not set"),
        std::string::npos);
    EXPECT_NE(bad("sources: [c]\noutputs: {folder: o}\n").find("outputs makes nothing"),
              std::string::npos);
    EXPECT_NE(bad("sources:\n  - glob: c/*.mxf\noutputs:\n  folder: o\n  master: {preset: "
                  "prores-422-hq}\n")
                  .find("j.yaml:2: sources glob"),
              std::string::npos);
    EXPECT_NE(bad("sources: [c]\ngrade: {cdl: a.ccc, ale: b.ale}\noutputs: {folder: o, thumbnails: "
                  "true}\n")
                  .find("j.yaml:2"),
              std::string::npos);
    EXPECT_NE(bad("sources: [c\n").find("j.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace cinepipe
