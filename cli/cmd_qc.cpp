// `cinepipe qc`: one decode, every check of a profile, a verdict, and the events with their
// frames and timecodes (docs/qc.md), as JSON for tools and HTML for people. Exit 0 pass,
// 1 failed, 2 could not run, 3 a report could not be written.

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

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
    std::string html;
    std::string rate = "24";
    bool overwrite = false;
    bool list = false;
};

NodeSpec qc_node(const QcArgs& a, const QcProfile& profile) {
    NodeSpec n;
    n.id = "qc";
    n.type = "qc";
    n.inputs.push_back("source");
    n.params = profile.params;
    n.params["profile"] = RawValue{profile.name, true};
    if (!a.json.empty()) n.params["report"] = RawValue{a.json, true};
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
    app.add_option("--html", a->html,
                   "Write a self-contained HTML report (verdict, events with pictures, plots)");
    app.add_option("--fps", a->rate, "Frame rate of an image sequence without one");
    app.add_option("--threads", global.threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 256));
    app.add_flag("--overwrite", a->overwrite, "Replace an existing report");
    app.add_flag("--list-profiles", a->list, "Print the built-in profiles and exit");
    return [a, &global] {
        if (a->list) {
            for (const auto& name : builtin_qc_profiles())
                std::printf("# --- %s ---\n%s\n", name.c_str(), builtin_qc_profile_text(name).c_str());
            return static_cast<int>(kOk);
        }
        if (a->input.empty()) throw InputError("qc needs IN (or --list-profiles)");
        if (!a->json.empty() && !a->html.empty() &&
            std::filesystem::absolute(a->json).lexically_normal() ==
                std::filesystem::absolute(a->html).lexically_normal())
            throw InputError("--json and --html name the same file: " + a->html);
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
        spec.nodes.push_back(qc_node(*a, profile));
        const FilterRegistry registry = make_registry({});
        GraphOptions options;
        options.schedule.threads = global.threads;
        options.overwrite = a->overwrite;
        options.progress = progress_printer(global, "qc");
        Graph graph(spec, registry, options, interrupt_token());
        const GraphRunResult r = graph.run();
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
