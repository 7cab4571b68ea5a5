// Faults while writing: the output cannot grow (a full disk, a quota, a file-size limit).
// The run stops with one line naming the output, leaves nothing behind (no partial master,
// no temporary) and never touches its input.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "cli_support.h"
#include "test_support.h"

namespace cinepipe {
namespace {

using test::quote;
using test::TempDir;

// A file-size limit (RLIMIT_FSIZE) makes every write past 50 KB fail, as a full disk would.
test::CommandResult with_file_limit(const std::string& args) {
    return test::run_command("ulimit -f 100; " + quote(test::kCinepipe) + " " + args + " 2>&1");
}

TEST(Faults, AnOutputThatCannotGrowStopsTheRunAndLeavesNothingBehind) {
    TempDir in_dir;
    const std::string clip = in_dir / "A001C001.mov";
    test::ffmpeg(
        "-f lavfi -i testsrc2=size=1280x720:rate=24 -f lavfi -i sine=sample_rate=48000 "
        "-t 2 -c:v prores_ks -profile:v 3 -c:a pcm_s24le " +
        quote(clip));
    const std::string before = test::read_file(clip);
    for (const std::string& command :
         {std::string("transcode"), std::string("grade"), std::string("proxy")}) {
        SCOPED_TRACE(command);
        TempDir out;
        const std::string target = command == "proxy" ? out / "A001C001.mp4" : out / "out.mov";
        const std::string args = command == "proxy"
                                     ? "proxy " + quote(clip) + " -o " + quote(out.path().string())
                                     : command + " " + quote(clip) + " -o " + quote(target) +
                                           (command == "grade" ? " --slope 1.1,1,0.9" : "");
        const auto r = with_file_limit(args);
        test::expect_one_line_error(r, 3, target + ": write failed");
        EXPECT_TRUE(out.entries().empty()) << "left behind: " << out.entries().front();
    }
    EXPECT_EQ(test::read_file(clip), before);
}

// SIGTERM (what a render farm or `kill` sends) as soon as the output's temporary exists,
// that is, mid-job: a prompt stop (exit 130), the temporary removed, the input untouched.
TEST(Faults, TerminatedGradeAndProxyStopPromptlyAndRemoveTheirTemporaries) {
    TempDir in_dir;
    const std::string clip = in_dir / "long.mpg";
    // MPEG-2, because FFmpeg writes it fast; 8 s of 720p keeps both jobs busy for seconds.
    test::ffmpeg("-f lavfi -i testsrc2=size=1280x720:rate=24:duration=8 -c:v mpeg2video -q:v 4 " +
                 quote(clip));
    const std::string before = test::read_file(clip);
    for (const std::string& command : {std::string("grade"), std::string("proxy")}) {
        SCOPED_TRACE(command);
        TempDir out;
        const std::string o = out.path().string();
        const std::string args = command == "grade"
                                     ? "grade -q " + quote(clip) + " -o " +
                                           quote(o + "/graded.mov") + " --slope 1.1,1,0.9"
                                     : "proxy -q " + quote(clip) + " -o " + quote(o);
        const std::string script =
            quote(test::kCinepipe) + " " + args +
            " & pid=$!; i=0; while [ $i -lt 600 ] && ! ls -A " + quote(o) +
            " | grep -q cinepipe-tmp; do sleep 0.05; i=$((i+1)); done; kill -TERM $pid; wait $pid; "
            "echo rc=$?";
        const auto r = test::run_command("sh -c " + quote(script) + " 2>&1");
        EXPECT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("interrupted"), std::string::npos) << r.output;
        EXPECT_TRUE(out.entries().empty()) << "left behind: " << out.entries().front();
    }
    EXPECT_EQ(test::read_file(clip), before);
}

// An output folder the user may not write to: one line naming it before any decoding, exit 3,
// nothing written. Root may write anywhere, so as root the commands run as `nobody`.
TEST(Faults, AnOutputFolderThatIsNotWritableIsRefusedBeforeAnyWork) {
    TempDir dir;
    std::filesystem::permissions(dir.path(), std::filesystem::perms(0755));
    const std::string clip = dir / "A001C001.mov";
    test::ffmpeg("-f lavfi -i testsrc2=size=640x360:rate=24 -t 1 -c:v prores_ks " + quote(clip));
    std::filesystem::permissions(clip, std::filesystem::perms(0644));
    const std::string locked = dir / "locked";
    std::filesystem::create_directory(locked);
    std::filesystem::permissions(locked, std::filesystem::perms(0555));
    const std::string as_user =
        ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
    for (const std::string& args :
         {"transcode " + quote(clip) + " -o " + quote(locked + "/out.mov"),
          "grade " + quote(clip) + " -o " + quote(locked + "/out.mov") + " --slope 1.1,1,0.9",
          "proxy " + quote(clip) + " -o " + quote(locked),
          "qc " + quote(clip) + " --json " + quote(locked + "/qc.json")}) {
        SCOPED_TRACE(args);
        const auto r = test::run_command(as_user + quote(test::kCinepipe) + " " + args + " 2>&1");
        test::expect_one_line_error(r, 3, "output folder '" + locked + "' is not writable");
        EXPECT_TRUE(std::filesystem::is_empty(locked));
    }
}

// An output over its own input would destroy the camera original: refused before any work,
// however the path is spelled.
TEST(Faults, AnOutputOverItsInputIsRefusedHoweverItIsSpelled) {
    TempDir dir;
    const std::string clip = dir / "A001C001.mov";
    test::ffmpeg("-f lavfi -i testsrc2=size=320x180:rate=24:duration=1 -c:v prores_ks " +
                 quote(clip));
    const std::string before = test::read_file(clip);
    std::filesystem::create_symlink(clip, dir / "symlink.mov");
    std::filesystem::create_hard_link(clip, dir / "hardlink.mov");
    std::filesystem::create_directory(dir / "sub");
    for (const std::string& out :
         {clip, dir / "symlink.mov", dir / "hardlink.mov", dir / "sub/../A001C001.mov"}) {
        SCOPED_TRACE(out);
        test::expect_one_line_error(
            test::cinepipe("transcode " + quote(clip) + " -o " + quote(out) + " --overwrite"), 2,
            out + ": is the input; refusing to overwrite it");
        test::expect_one_line_error(test::cinepipe("grade " + quote(clip) + " -o " + quote(out) +
                                                   " --slope 1.1,1,1 --overwrite"),
                                    2, out + ": is the graph's source; refusing to overwrite it");
    }
    EXPECT_EQ(test::read_file(clip), before);
}

}  // namespace
}  // namespace cinepipe
