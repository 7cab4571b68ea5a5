#pragma once
// What every subcommand shares: exit codes, Ctrl-C, the progress line.

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

#include "cinepipe/cancel.h"
#include "cinepipe/filter_registry.h"
#include "cinepipe/pipeline.h"
#include "cinepipe/run_stats.h"

namespace cinepipe::cli {

enum ExitCode : int {
    kOk = 0,
    kChecksFailed = 1,
    kInputError = 2,
    kOutputError = 3,
    kInternalError = 4,
    kFilterError = 5,
    kInterrupted = 130,
};

struct GlobalOptions {
    bool quiet = false;
    int threads = 0;
    std::string stats;  // --stats: "" (off), "text" or "json"
    // What the command measured: its engine runs merged in, and its own phases. Always
    // recorded (a clock read or two per phase or frame); printed by main() only with --stats.
    StatsRecorder measured;
};

// The meter of one of the command's own phases ("probe", "set up graph"), for a StageTimer.
StageMeter* phase(GlobalOptions& global, const std::string& name);

// The token SIGINT/SIGTERM cancel; installed once by main().
CancelToken& interrupt_token();
void install_interrupt_handlers();

// A progress line ("frames 120/240  48.0 fps  ETA 2.5 s") redrawn on stderr when stderr is a
// terminal and not --quiet; otherwise nothing.
ProgressCallback progress_printer(const GlobalOptions& options, std::string label);
void end_progress_line(const GlobalOptions& options);

// A subcommand: registers its options on `app`, and returns the function that runs it.
using Runner = std::function<int()>;
Runner add_probe(CLI::App& app, GlobalOptions& global);
Runner add_transcode(CLI::App& app, GlobalOptions& global);
Runner add_samples(CLI::App& app, GlobalOptions& global);
Runner add_render(CLI::App& app, GlobalOptions& global);
Runner add_filters(CLI::App& app, GlobalOptions& global);
Runner add_grade(CLI::App& app, GlobalOptions& global);
Runner add_grades(CLI::App& app, GlobalOptions& global);
Runner add_qc(CLI::App& app, GlobalOptions& global);
Runner add_sync(CLI::App& app, GlobalOptions& global);
Runner add_proxy(CLI::App& app, GlobalOptions& global);
Runner add_presets(CLI::App& app, GlobalOptions& global);
Runner add_verify(CLI::App& app, GlobalOptions& global);
Runner add_batch(CLI::App& app, GlobalOptions& global);

// Built-in filters plus the plugins in `plugin_paths` and CINEPIPE_PLUGIN_PATH. Also sets how
// long one plugin call may take: `plugin_timeout` if given, else CINEPIPE_PLUGIN_TIMEOUT if set
// (a bad value is an InputError), else the engine's default.
FilterRegistry make_registry(const std::vector<std::string>& plugin_paths,
                             std::optional<double> plugin_timeout = std::nullopt);

}  // namespace cinepipe::cli
