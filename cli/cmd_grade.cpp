// `cinepipe grade`: a graph built from the command line (source -> ocio -> cdl -> luts ->
// writer), so grading runs exactly as `render` would run the same nodes.

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "cinepipe/color.h"
#include "cinepipe/error.h"
#include "cinepipe/graph.h"
#include "cinepipe/media_writer.h"
#include "cinepipe/output_preset.h"
#include "cli_common.h"
#include "grade_options.h"

namespace cinepipe::cli {

namespace {

struct GradeArgs {
    std::string input;
    std::string output;
    std::shared_ptr<GradeOptions> grade = std::make_shared<GradeOptions>();
    std::string codec;
    std::string audio;
    std::string preset;
    std::vector<std::string> plugin_paths;
    bool overwrite = false;
    bool list = false;
};

GraphSpec grade_graph(const GradeArgs& a) {
    GraphSpec spec;
    spec.path = "grade";
    spec.nodes.push_back(node("source", "source", "", {{"path", a.input}, {"fps", a.grade->rate}}));
    const std::string last = add_grade_nodes(spec, *a.grade, "source", a.input);
    std::map<std::string, std::string> w{{"path", a.output}};
    if (!a.codec.empty()) w["codec"] = a.codec;
    if (!a.audio.empty()) w["audio"] = a.audio;
    spec.nodes.push_back(node("output", "writer", last, w));
    if (!a.preset.empty()) {
        if (!a.codec.empty()) throw InputError("give --preset or --codec, not both");
        apply_output_preset(spec, "output", load_output_preset(a.preset));
        // An explicit --audio still wins over the preset's.
        if (!a.audio.empty()) spec.nodes.back().params["audio"] = RawValue{a.audio, true};
    }
    return spec;
}

void print_config(const std::string& config) {
    const ColorConfigNames n = color_config_names(config);
    std::printf("%s\n", fmt::format("OCIO config: {}", n.source).c_str());
    std::printf("colour spaces:\n");
    for (const auto& c : n.colorspaces) {
        std::string aliases;
        if (const auto it = n.aliases.find(c); it != n.aliases.end())
            for (const auto& a : it->second) aliases += (aliases.empty() ? "  (" : ", ") + a;
        std::printf("  %s%s\n", c.c_str(), aliases.empty() ? "" : (aliases + ")").c_str());
    }
    std::printf("displays and views:\n");
    for (const auto& d : n.displays)
        for (const auto& v : n.views.at(d)) std::printf("  %s / %s\n", d.c_str(), v.c_str());
    if (!n.looks.empty()) {
        std::printf("looks:\n");
        for (const auto& l : n.looks) std::printf("  %s\n", l.c_str());
    }
}

}  // namespace

Runner add_grade(CLI::App& app, GlobalOptions& global) {
    auto a = std::make_shared<GradeArgs>();
    app.add_option("IN", a->input, "Source movie or image sequence");
    app.add_option("-o,--output", a->output,
                   "Output movie, or sequence pattern such as out.%06d.exr|tif|dpx");
    add_grade_options(app, a->grade);
    std::vector<std::string> codecs;
    for (const auto& p : video_codec_presets()) codecs.push_back(p.name);
    app.add_option("--codec", a->codec, "Video codec (default by extension; see transcode)")
        ->check(CLI::IsMember(codecs));
    app.add_option("--preset", a->preset,
                   "Output preset (codec, pixel format, size, colour tags, sound): a name from "
                   "`cinepipe presets` or a preset .yaml file");
    app.add_option("--audio", a->audio, "Audio codec: pcm16, pcm24, aac, none")
        ->check(CLI::IsMember({"pcm16", "pcm24", "aac", "none"}));
    app.add_option("--threads", global.threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 256));
    app.add_flag("--overwrite", a->overwrite, "Replace an existing output");
    app.add_flag("--list", a->list,
                 "List the OCIO config's colour spaces, displays/views and looks, and exit");
    return [a, &global] {
        if (a->list) {
            print_config(a->grade->config);
            return kOk;
        }
        if (a->input.empty() || a->output.empty())
            throw InputError("grade needs IN and -o OUT (or --list)");
        const GraphSpec spec = grade_graph(*a);
        const FilterRegistry registry = make_registry(a->plugin_paths);
        GraphOptions options;
        options.schedule.threads = global.threads;
        options.overwrite = a->overwrite;
        options.progress = progress_printer(global, "grade");
        std::optional<StageTimer> setup(phase(global, "set up graph"));
        Graph graph(spec, registry, options, interrupt_token());
        setup.reset();
        const GraphRunResult r = graph.run();
        global.measured.merge(r.stats);
        end_progress_line(global);
        for (const auto& w : r.warnings) std::fprintf(stderr, "cinepipe: warning: %s\n", w.c_str());
        if (!global.quiet) {
            for (const auto& line : graph.plan())
                if (line.rfind("ocio:", 0) == 0 || line.rfind("cdl:", 0) == 0 ||
                    line.rfind("lut", 0) == 0)
                    std::fprintf(stderr, "%s\n", line.c_str());
            std::fprintf(stderr, "%s\n",
                         fmt::format("wrote {} ({} frames)", a->output, r.source.frames).c_str());
        }
        return kOk;
    };
}

}  // namespace cinepipe::cli
