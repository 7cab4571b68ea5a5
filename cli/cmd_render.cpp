#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "cinepipe/error.h"
#include "cinepipe/graph.h"
#include "cinepipe/output_preset.h"
#include "cli_common.h"

namespace cinepipe::cli {

Runner add_render(CLI::App& app, GlobalOptions& global) {
    struct Args {
        std::string graph;
        std::vector<std::string> sets;
        std::vector<std::string> plugin_paths;
        std::vector<std::string> presets;
        std::optional<double> plugin_timeout;
        bool overwrite = false;
        bool check = false;
    };
    auto args = std::make_shared<Args>();
    app.add_option("GRAPH", args->graph, "Graph spec (.json or .yaml); see docs/graph.md")
        ->required();
    app.add_option("--set", args->sets,
                   "Override a parameter: NODE.PARAM=VALUE (repeatable), e.g. "
                   "--set src.path=A001.mov --set proxy.width=1280");
    app.add_option("--threads", global.threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 256));
    app.add_option("--plugin-path", args->plugin_paths,
                   "Folder of filter plugins (repeatable; searched before CINEPIPE_PLUGIN_PATH)");
    app.add_option("--plugin-timeout", args->plugin_timeout,
                   "Seconds one plugin call may take before the run stops as hung (default 60, "
                   "or CINEPIPE_PLUGIN_TIMEOUT; 0: no limit)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--preset", args->presets,
                   "WRITER=PRESET: make a writer node deliver an output preset (repeatable; see "
                   "`cinepipe presets`), e.g. --preset master=prores-4444");
    app.add_flag("--overwrite", args->overwrite, "Replace existing outputs");
    app.add_flag("--check", args->check,
                 "Validate the graph and print its plan (steps and conversions) without "
                 "decoding");
    return [args, &global] {
        GraphSpec spec = load_graph_spec(args->graph);
        for (const auto& s : args->sets) apply_override(spec, s);
        for (const auto& p : args->presets) {
            const auto eq = p.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
                throw InputError("--preset " + p +
                                 ": give WRITER=PRESET, e.g. master=prores-422-hq");
            apply_output_preset(spec, p.substr(0, eq), load_output_preset(p.substr(eq + 1)));
        }
        const FilterRegistry registry = make_registry(args->plugin_paths, args->plugin_timeout);
        GraphOptions options;
        options.schedule.threads = global.threads;
        options.overwrite = args->overwrite;
        options.progress = progress_printer(global, "render");
        std::optional<StageTimer> setup(phase(global, "set up graph"));
        Graph graph(spec, registry, options, interrupt_token());
        setup.reset();
        if (args->check) {
            for (const auto& line : graph.plan()) std::printf("%s\n", line.c_str());
            for (const auto& w : graph.warnings())
                std::fprintf(stderr, "cinepipe: warning: %s\n", w.c_str());
            std::printf("%s\n",
                        fmt::format("{}: valid ({} conversion{})", args->graph, graph.conversions(),
                                    graph.conversions() == 1 ? "" : "s")
                            .c_str());
            return kOk;  // the graph is destroyed unrun: sinks remove what they prepared
        }
        const GraphRunResult r = graph.run();
        global.measured.merge(r.stats);
        end_progress_line(global);
        for (const auto& d : r.source.discontinuities)
            std::fprintf(stderr, "%s\n",
                         fmt::format("cinepipe: warning: timestamp gap before frame {} (pts {} "
                                     "where {} was expected)",
                                     d.frame_index, d.actual_pts, d.expected_pts)
                             .c_str());
        for (const auto& w : r.warnings) std::fprintf(stderr, "cinepipe: warning: %s\n", w.c_str());
        if (!global.quiet) {
            std::fprintf(stderr, "%s\n",
                         fmt::format("rendered {} frames (decoded once)", r.source.frames).c_str());
            for (const auto& o : r.outputs) std::fprintf(stderr, "wrote %s\n", o.c_str());
        }
        return kOk;
    };
}

}  // namespace cinepipe::cli
