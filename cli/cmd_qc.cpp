// `cinepipe qc`: one decode, every check of a profile, a verdict, and the events with their
// frames and timecodes (docs/qc.md), as JSON for tools, HTML for people and markers for
// editors. Exit 0 pass, 1 failed, 2 could not run, 3 a report or marker file could not be
// written.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "cinepipe/error.h"
#include "cinepipe/graph.h"
#include "cinepipe/qc.h"
#include "cli_common.h"

namespace cinepipe::cli {

namespace {

struct QcArgs {
    std::string input;
    std::string profile = "broadcast";
    std::string json;
    std::vector<std::string> markers;  // .edl and/or .csv, as given
    std::string html;
    std::string rate = "24";
    bool overwrite = false;
    bool list = false;
};

// The marker files by format, from their extensions. A usage error, so it is raised before the
// source is even opened.
struct MarkerFiles {
    std::string edl;
    std::string csv;
};

std::filesystem::path same_file_key(const std::string& path) {
    return std::filesystem::absolute(path).lexically_normal();
}

MarkerFiles marker_files(const std::vector<std::string>& paths, const std::string& json) {
    MarkerFiles files;
    for (const auto& path : paths) {
        // Both would be renamed into place, the later silently replacing the other.
        if (!json.empty() && same_file_key(path) == same_file_key(json))
            throw InputError(path + ": given to both --json and --markers");
        std::string ext = std::filesystem::path(path).extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string* slot = ext == ".edl" ? &files.edl : ext == ".csv" ? &files.csv : nullptr;
        if (!slot)
            throw InputError(path + ": unknown marker format (--markers writes .edl or .csv)");
        if (!slot->empty())
            throw InputError(
                fmt::format("{}: --markers already writes {}; give one {} file", path, *slot, ext));
        *slot = path;
    }
    return files;
}

NodeSpec qc_node(const QcArgs& a, const QcProfile& profile, const MarkerFiles& markers) {
    NodeSpec n;
    n.id = "qc";
    n.type = "qc";
    n.inputs.push_back("source");
    n.params = profile.params;
    n.params["profile"] = RawValue{profile.name, true};
    if (!a.json.empty()) n.params["report"] = RawValue{a.json, true};
    if (!markers.edl.empty()) n.params["edl"] = RawValue{markers.edl, true};
    if (!markers.csv.empty()) n.params["csv"] = RawValue{markers.csv, true};
    if (!a.html.empty()) n.params["html"] = RawValue{a.html, true};
    return n;
}

}  // namespace

Runner add_qc(CLI::App& app, GlobalOptions& global) {
    auto a = std::make_shared<QcArgs>();
    app.add_option("IN", a->input, "Movie or image sequence to check");
    app.add_option("--profile", a->profile,
                   "QC profile: broadcast (default), streaming, dailies, or a YAML/JSON file");
    app.add_option("--json", a->json, "Write the report (cinepipe.qc/1) to this file");
    // One file per occurrence, so `--markers m.edl clip.mov` does not take the clip as a second.
    app.add_option("--markers", a->markers,
                   "Write the events as markers for an editor: FILE.edl (DaVinci Resolve timeline "
                   "markers) or FILE.csv; repeatable")
        ->allow_extra_args(false);
    app.add_option("--html", a->html,
                   "Write a self-contained HTML report (verdict, events with pictures, plots)");
    app.add_option("--fps", a->rate, "Frame rate of an image sequence without one");
    app.add_option("--threads", global.threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 256));
    app.add_flag("--overwrite", a->overwrite, "Replace an existing report or marker file");
    app.add_flag("--list-profiles", a->list, "Print the built-in profiles and exit");
    return [a, &global] {
        if (a->list) {
            for (const auto& name : builtin_qc_profiles())
                std::printf("# --- %s ---\n%s\n", name.c_str(), builtin_qc_profile_text(name).c_str());
            return static_cast<int>(kOk);
        }
        if (a->input.empty()) throw InputError("qc needs IN (or --list-profiles)");
        const MarkerFiles markers = marker_files(a->markers, a->json);
        if (!a->json.empty() && !a->html.empty() && same_file_key(a->json) == same_file_key(a->html))
            throw InputError("--json and --html name the same file: " + a->html);
        for (const auto& m : a->markers)
            if (!a->html.empty() && same_file_key(m) == same_file_key(a->html))
                throw InputError(m + ": given to both --html and --markers");
        const QcProfile profile = load_qc_profile(a->profile);
        GraphSpec spec;
        spec.path = "qc";
        NodeSpec source;
        source.id = "source";
        source.type = "source";
        source.params["path"] = RawValue{a->input, true};
        source.params["fps"] = RawValue{a->rate, true};
        source.params["tolerate_damage"] = RawValue{"true", false};
        spec.nodes.push_back(source);
        spec.nodes.push_back(qc_node(*a, profile, markers));
        const FilterRegistry registry = make_registry({});
        GraphOptions options;
        options.schedule.threads = global.threads;
        options.overwrite = a->overwrite;
        options.progress = progress_printer(global, "qc");
        std::optional<StageTimer> setup(phase(global, "set up graph"));
        Graph graph(spec, registry, options, interrupt_token());
        setup.reset();
        const GraphRunResult r = graph.run();
        global.measured.merge(r.stats);
        end_progress_line(global);
        if (r.qc.empty()) throw std::logic_error("the qc node reported nothing");
        const QcResult& result = r.qc.front();
        int errors = 0, warnings = 0;
        for (const auto& e : result.events) {
            errors += e.severity == Severity::Error;
            warnings += e.severity == Severity::Warning;
            const std::string tc = result.timecode_at(e.start_frame);
            std::printf("%s\n",
                        fmt::format("{:<7} {:<17} frames {}-{}{}: {}", to_string(e.severity),
                                    e.check, e.start_frame, e.end_frame,
                                    tc.empty() ? "" : fmt::format(" ({}-{})", tc,
                                                                 result.timecode_at(e.end_frame)),
                                    e.message)
                            .c_str());
        }
        std::printf("%s\n", fmt::format("{}: {} ({} frames, profile {}; {} error{}, {} warning{})",
                                        a->input, result.passed() ? "PASS" : "FAIL",
                                        result.frames, profile.name, errors, errors == 1 ? "" : "s",
                                        warnings, warnings == 1 ? "" : "s")
                                .c_str());
        return result.passed() ? static_cast<int>(kOk) : static_cast<int>(kChecksFailed);
    };
}

}  // namespace cinepipe::cli
