#include "stats_report.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace cinepipe::cli {

namespace {

// A rate only when it means something: no frames, or no measurable time, give "-".
std::string per_second(double count, double seconds, int decimals) {
    if (count <= 0 || seconds <= 0) return "-";
    return fmt::format("{:.{}f}", count / seconds, decimals);
}

std::string text_table(const std::string& command, const RunStats& stats, std::int64_t peak_rss) {
    const double total = stats.busy_seconds();
    const bool bytes = std::any_of(stats.stages.begin(), stats.stages.end(),
                                   [](const StageStats& s) { return s.bytes > 0; });
    std::size_t width = 5;
    for (const auto& s : stats.stages) width = std::max(width, s.name.size());

    std::string out = fmt::format("cinepipe stats: {}\n", command);
    out += fmt::format("  {:<{}}  {:>8}  {:>9}  {:>9}  {:>9}", "stage", width, "frames", "busy s",
                       "ms/frame", "frames/s");
    if (bytes) out += fmt::format("  {:>9}", "MB/s");
    out += fmt::format("  {:>6}\n", "share");
    for (const auto& s : stats.stages) {
        const auto frames = static_cast<double>(s.frames);
        out += fmt::format("  {:<{}}  {:>8}  {:>9.3f}  {:>9}  {:>9}", s.name, width,
                           s.frames > 0 ? std::to_string(s.frames) : "-", s.busy_seconds,
                           per_second(s.busy_seconds * 1000, frames, 3),
                           per_second(frames, s.busy_seconds, 1));
        if (bytes)
            out += fmt::format("  {:>9}", per_second(double(s.bytes) / 1e6, s.busy_seconds, 1));
        out += fmt::format("  {:>6}\n", total > 0
                                            ? fmt::format("{:.1f}%", 100 * s.busy_seconds / total)
                                            : std::string("-"));
    }
    out += fmt::format("  {:<{}}  {:>8}  {:>9.3f}\n", "total busy", width, "", total);
    std::string summary = fmt::format("wall {:.3f} s", stats.wall_seconds);
    if (stats.frames > 0)
        summary += fmt::format(", {} frames at {} frames/s overall", stats.frames,
                               per_second(double(stats.frames), stats.wall_seconds, 1));
    const int threads = std::max(1, stats.threads);
    summary += fmt::format(", {} thread{}", threads, threads == 1 ? "" : "s");
    if (peak_rss > 0)
        summary += fmt::format(", peak RSS {:.1f} MiB", double(peak_rss) / (1024.0 * 1024.0));
    out += "  " + summary + "\n";
    return out;
}

std::string json_line(const std::string& command, const RunStats& stats, std::int64_t peak_rss) {
    const double total = stats.busy_seconds();
    nlohmann::ordered_json j;
    j["schema"] = "cinepipe.stats/1";
    j["command"] = command;
    j["wall_seconds"] = stats.wall_seconds;
    j["frames"] = stats.frames;
    j["threads"] = std::max(1, stats.threads);
    j["peak_rss_bytes"] = peak_rss;
    j["busy_seconds"] = total;
    j["stages"] = nlohmann::ordered_json::array();
    for (const auto& s : stats.stages)
        j["stages"].push_back({{"name", s.name},
                               {"frames", s.frames},
                               {"busy_seconds", s.busy_seconds},
                               {"bytes", s.bytes},
                               {"share", total > 0 ? s.busy_seconds / total : 0.0}});
    return j.dump() + "\n";
}

}  // namespace

std::int64_t peak_rss_bytes() {
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    return static_cast<std::int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

std::string format_stats(const std::string& command, const RunStats& stats, std::int64_t peak_rss,
                         const std::string& mode) {
    return mode == "json" ? json_line(command, stats, peak_rss)
                          : text_table(command, stats, peak_rss);
}

}  // namespace cinepipe::cli
