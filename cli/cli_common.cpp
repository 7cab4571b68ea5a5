#include "cli_common.h"

#include "cinepipe/builtin_filters.h"
#include "cinepipe/error.h"
#include "cinepipe/plugin_host.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace cinepipe::cli {

namespace {
// Signal handlers can only reach globals; this one flag is the whole of it.
CancelToken g_interrupt;

void on_signal(int) {
    g_interrupt.cancel();
}
}  // namespace

CancelToken& interrupt_token() {
    return g_interrupt;
}

void install_interrupt_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    // The first Ctrl-C stops the job cleanly; a second one, if that ever hangs, kills.
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    // A file-size limit (ulimit -f, a quota) would otherwise kill the process mid-write and
    // leave its temporary file behind; ignored, the write fails with EFBIG and the writer
    // reports it and removes the temporary, as for a full disk.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, nullptr);
}

ProgressCallback progress_printer(const GlobalOptions& options, std::string label) {
    if (options.quiet || !::isatty(STDERR_FILENO)) return {};
    return [label = std::move(label), last = -1.0](const Progress& p) mutable {
        // Redraw at most ~10 times a second.
        if (p.elapsed_seconds - last < 0.1 && p.frames_done != p.frames_total) return;
        last = p.elapsed_seconds;
        const double fps = p.elapsed_seconds > 0 ? double(p.frames_done) / p.elapsed_seconds : 0;
        std::string line = fmt::format("{}  frames {}", label, p.frames_done);
        if (p.frames_total > 0) {
            line += fmt::format("/{}", p.frames_total);
            if (fps > 0)
                line += fmt::format(
                    "  {:.1f} fps  ETA {:.1f} s", fps,
                    double(std::max<std::int64_t>(0, p.frames_total - p.frames_done)) / fps);
        } else if (fps > 0) {
            line += fmt::format("  {:.1f} fps", fps);
        }
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
        std::fflush(stderr);
    };
}

void end_progress_line(const GlobalOptions& options) {
    if (!options.quiet && ::isatty(STDERR_FILENO)) std::fprintf(stderr, "\r\033[K");
}

StageMeter* phase(GlobalOptions& global, const std::string& name) {
    return &global.measured.stage(name);
}

FilterRegistry make_registry(const std::vector<std::string>& plugin_paths,
                             std::optional<double> plugin_timeout) {
    if (!plugin_timeout) {
        if (const char* env = std::getenv("CINEPIPE_PLUGIN_TIMEOUT")) {
            char* end = nullptr;
            const double seconds = std::strtod(env, &end);
            if (end == env || *end != '\0' || !(seconds >= 0) || !std::isfinite(seconds))
                throw InputError(fmt::format(
                    "CINEPIPE_PLUGIN_TIMEOUT='{}': give a number of seconds (0: no limit)", env));
            plugin_timeout = seconds;
        }
    }
    if (plugin_timeout) set_plugin_call_timeout(*plugin_timeout);
    FilterRegistry registry;
    register_builtin_filters(registry);
    load_plugins(registry, plugin_search_path(plugin_paths));
    return registry;
}

}  // namespace cinepipe::cli
