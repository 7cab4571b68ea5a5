// cinepipe: one binary, one file per subcommand. Errors become one line on stderr and an exit
// code: 2 bad input or usage, 3 output failure, 5 a filter or plugin failed, 130 interrupted.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>

#include "cinepipe/error.h"
#include "cinepipe/node.h"
#include "cinepipe/version.h"
#include "cli_common.h"
#include "stats_report.h"

namespace {

int run(int argc, char** argv) {
    using namespace cinepipe;
    using namespace cinepipe::cli;
    CLI::App app{"cinepipe: decode dailies, grade, check and render masters and proxies",
                 "cinepipe"};
    app.add_flag_callback(
        "--version",
        [] {
            std::printf("cinepipe %s\n", version_string());
            throw CLI::Success();
        },
        "Print the version and exit");
    app.require_subcommand(1);
    GlobalOptions global;
    app.add_flag("-q,--quiet", global.quiet, "No progress line")->trigger_on_parse();
    // On stderr, after the command: stdout stays what it is without the flag.
    const auto add_stats = [&](CLI::App& on) {
        on.add_flag("--stats{text}", global.stats,
                    "After the run, print on stderr where the time went: per stage frames, busy "
                    "time, ms/frame, frames/s and share; wall time, threads, peak RSS. "
                    "--stats=json prints it as one JSON line (cinepipe.stats/1)")
            ->check(CLI::IsMember({"text", "json"}));
    };
    add_stats(app);

    std::map<CLI::App*, Runner> runners;
    auto add = [&](const char* name, const char* help, auto adder) {
        CLI::App* sub = app.add_subcommand(name, help);
        sub->add_flag("-q,--quiet", global.quiet, "No progress line");
        add_stats(*sub);
        runners[sub] = adder(*sub, global);
    };
    add("probe", "Describe a media file or image sequence", add_probe);
    add("transcode", "Decode once and encode to a master codec", add_transcode);
    add("samples", "Write synthetic sample dailies", add_samples);
    add("grade", "Colour-grade: OCIO conversion, CDL, LUTs, encode", add_grade);
    add("grades", "Show which grade (.ccc/ALE) each clip gets, and which clips get none",
        add_grades);
    add("qc", "Check a file for black, freeze, flash, hits, damage, levels...: verdict and events",
        add_qc);
    add("sync", "Lip-sync from a beep/flash or 2-pop; dual-system sound sync and lay-in", add_sync);
    add("proxy", "Review proxies with grade and burn-ins (and masters, thumbnails) from one decode",
        add_proxy);
    add("presets", "List the output presets (masters, sequences, review proxies)", add_presets);
    add("verify", "Check files against an ASC MHL history (and the history's own chain)",
        add_verify);
    add("batch", "Process a shoot day from a job file: grade, QC, sync, masters, proxies, MHL",
        add_batch);
    add("render", "Run a filter graph: decode once, feed every branch", add_render);
    add("filters", "List built-in and plugin filters with their parameters", add_filters);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        std::fprintf(stderr, "cinepipe: %s\n", e.what());
        std::fprintf(stderr, "Run 'cinepipe --help' for usage.\n");
        return kInputError;
    }
    install_interrupt_handlers();
    try {
        for (auto& [sub, run] : runners) {
            if (!sub->parsed()) continue;
            const auto start = std::chrono::steady_clock::now();
            const int code = run();
            if (!global.stats.empty()) {
                RunStats stats = global.measured.snapshot();
                stats.wall_seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                const std::string text =
                    format_stats(sub->get_name(), stats, peak_rss_bytes(), global.stats);
                std::fwrite(text.data(), 1, text.size(), stderr);
            }
            return code;
        }
    } catch (const Cancelled&) {
        end_progress_line(global);
        std::fprintf(stderr, "cinepipe: interrupted; no partial output left behind\n");
        return kInterrupted;
    } catch (const InputError& e) {
        end_progress_line(global);
        std::fprintf(stderr, "cinepipe: error: %s\n", e.what());
        return kInputError;
    } catch (const OutputError& e) {
        end_progress_line(global);
        std::fprintf(stderr, "cinepipe: error: %s\n", e.what());
        return kOutputError;
    } catch (const FilterError& e) {
        end_progress_line(global);
        std::fprintf(stderr, "cinepipe: error: %s; no partial output left behind\n", e.what());
        return kFilterError;
    } catch (const std::exception& e) {
        end_progress_line(global);
        std::fprintf(stderr, "cinepipe: internal error: %s\n", e.what());
        return kInternalError;
    }
    return kInputError;
}

}  // namespace

int main(int argc, char** argv) {
    // Nothing may escape as a crash: even setting up the command line can throw.
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cinepipe: internal error: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "cinepipe: internal error\n");
    }
    return cinepipe::cli::kInternalError;
}
