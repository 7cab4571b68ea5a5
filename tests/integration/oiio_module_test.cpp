// OpenImageIO lives in the cinepipe_oiio module, loaded only when an image sequence is read or
// written: the binary does not link it, a movie job never loads it, a sequence job does, and a
// module that cannot be loaded is one clear line (exit 2) naming the sequence.

#include <gtest/gtest.h>

#include <string>

#include "cli_support.h"
#include "test_support.h"

namespace cinepipe::test {
namespace {

bool mentions_oiio(const std::string& text) {
    return text.find("libOpenImageIO") != std::string::npos;
}

// The shared objects the dynamic loader opens while `cinepipe ARGS` runs (LD_DEBUG=files
// lists every one, dlopen()ed or not), with the command's own output.
CommandResult cinepipe_traced(const std::string& args, const std::string& env = "") {
    return run_command(env + " LD_DEBUG=files " + quote(kCinepipe) + " " + args + " 2>&1");
}

// A 4-frame EXR sequence written by another tool (oiiotool), starting at frame 1001.
std::string foreign_exr_sequence(const TempDir& dir) {
    for (int f = 1001; f <= 1004; ++f) {
        const auto r =
            run_command("oiiotool --pattern constant:color=0.2,0.4,0.6 64x32 3 -d half -o " +
                        quote(dir / ("plate." + std::to_string(f) + ".exr")) + " 2>&1");
        EXPECT_EQ(r.exit_code, 0) << r.output;
    }
    return dir / "plate.%04d.exr";
}

TEST(OiioModule, BinaryDoesNotLinkOpenImageIO) {
    const auto r = run_command("ldd " + quote(kCinepipe) + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("libavcodec"), std::string::npos) << r.output;  // ldd did work
    EXPECT_FALSE(mentions_oiio(r.output)) << r.output;
}

TEST(OiioModule, MovieJobNeverLoadsOpenImageIO) {
    TempDir dir;
    ffmpeg("-f lavfi -i testsrc2=s=160x90:r=24:d=0.5 -c:v ffv1 " + quote(dir / "in.mkv"));
    const auto r = cinepipe_traced("transcode " + quote(dir / "in.mkv") + " -o " +
                                   quote(dir / "out.mov") + " --audio none");
    ASSERT_NE(r.output.find("calling init"), std::string::npos) << "LD_DEBUG gave no trace";
    EXPECT_FALSE(mentions_oiio(r.output));
    EXPECT_EQ(r.output.find("cinepipe_oiio"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(dir / "out.mov")) << r.output;
}

TEST(OiioModule, SequenceIsReadThroughTheModule) {
    TempDir dir;
    const std::string seq = foreign_exr_sequence(dir);
    const auto traced = cinepipe_traced("probe " + quote(seq) + " --json");
    EXPECT_NE(traced.output.find("cinepipe_oiio.so"), std::string::npos);
    EXPECT_TRUE(mentions_oiio(traced.output));

    const auto r = run_command(quote(kCinepipe) + " probe " + quote(seq) + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto info = nlohmann::json::parse(r.output);
    EXPECT_NE(info.dump().find("1001"), std::string::npos) << info.dump(2);
    // And its pictures decode: a transcode to FFV1 holds all four frames.
    const auto t = cinepipe("transcode " + quote(seq) + " -o " + quote(dir / "plate.mkv"));
    ASSERT_EQ(t.exit_code, 0) << t.output;
    const auto j = ffprobe(
        "-count_frames -select_streams v:0 -show_entries "
        "stream=nb_read_frames,width,height " +
        quote(dir / "plate.mkv"));
    EXPECT_EQ(j["streams"][0]["nb_read_frames"], "4");
    EXPECT_EQ(j["streams"][0]["width"], 64);
}

TEST(OiioModule, UnloadableModuleIsOneLineNamingTheSequence) {
    TempDir dir;
    const std::string seq = foreign_exr_sequence(dir);
    // Not there at all.
    const auto missing =
        run_command("CINEPIPE_OIIO_MODULE=" + quote(dir / "nowhere/cinepipe_oiio.so") + " " +
                    quote(kCinepipe) + " probe " + quote(seq) + " 2>&1");
    expect_one_line_error(missing, 2, seq);
    EXPECT_NE(missing.output.find("OpenImageIO module"), std::string::npos) << missing.output;
    EXPECT_NE(missing.output.find("nowhere/cinepipe_oiio.so"), std::string::npos);

    // There, but not a shared object.
    std::ofstream(dir / "bogus.so") << "not a library\n";
    const auto bogus = run_command("CINEPIPE_OIIO_MODULE=" + quote(dir / "bogus.so") + " " +
                                   quote(kCinepipe) + " probe " + quote(seq) + " 2>&1");
    expect_one_line_error(bogus, 2, seq);
    EXPECT_NE(bogus.output.find("bogus.so"), std::string::npos) << bogus.output;

    // A real shared object that is not the module (an example filter plugin).
    const auto plugin = std::string(CINEPIPE_EXAMPLE_PLUGIN_DIR) + "/grain.so";
    const auto wrong = run_command("CINEPIPE_OIIO_MODULE=" + quote(plugin) + " " +
                                   quote(kCinepipe) + " probe " + quote(seq) + " 2>&1");
    expect_one_line_error(wrong, 2, "is not a cinepipe OpenImageIO module");

    // Writing a sequence needs it too; the movie side of the job is not affected.
    ffmpeg("-f lavfi -i testsrc2=s=64x32:r=24:d=0.25 -c:v ffv1 " + quote(dir / "in.mkv"));
    const std::string out = dir / "out.%04d.exr";
    const auto write =
        run_command("CINEPIPE_OIIO_MODULE=" + quote(dir / "bogus.so") + " " + quote(kCinepipe) +
                    " transcode " + quote(dir / "in.mkv") + " -o " + quote(out) + " 2>&1");
    expect_one_line_error(write, 2, out);
    EXPECT_FALSE(std::filesystem::exists(dir / "out.0000.exr"));
}

}  // namespace
}  // namespace cinepipe::test
