// `cinepipe grade`: a graph built from the command line (source -> ocio -> cdl -> luts ->
// writer), so grading runs exactly as `render` would run the same nodes.

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "cinepipe/color.h"
#include "cinepipe/error.h"
#include "cinepipe/grade_book.h"
#include "cinepipe/graph.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/media_writer.h"
#include "cli_common.h"

namespace cinepipe::cli {

namespace {

struct GradeArgs {
    std::string input;
    std::string output;
    std::string config;
    std::string from;
    std::string to;
    std::string display;
    std::string view;
    std::string look;
    std::string cdl;
    std::string cdl_id;
    std::string ale;
    std::string slope;
    std::string offset;
    std::string power;
    std::string sat;
    struct Lut {
        std::string path;
        bool inverse = false;
    };
    std::vector<Lut> luts;  // in command-line order, forward and inverse interleaved
    std::string lut_interpolation = "tetrahedral";
    std::string codec;
    std::string audio;
    std::string rate = "24";
    std::vector<std::string> plugin_paths;
    bool overwrite = false;
    bool list = false;
};

NodeSpec node(const std::string& id, const std::string& type, const std::string& input,
              std::map<std::string, std::string> params) {
    NodeSpec n;
    n.id = id;
    n.type = type;
    if (!input.empty()) n.inputs.push_back(input);
    // Quoted: these are strings as the user typed them; typed parameters are given plain.
    for (auto& [k, v] : params) n.params[k] = RawValue{v, true};
    return n;
}

// The clip's correction from a .ccc or ALE: by clip name, file name or reel, as `grades`
// reports it for a whole batch.
GradeMatch shot_grade(const GradeArgs& a, const std::string& file) {
    const GradeBook book = GradeBook::load(file);
    ReaderOptions ro;
    ro.sequence_rate = parse_rate(a.rate);
    const MediaInfo info = probe(a.input, ro);
    if (auto m = book.match(a.input, info)) {
        if (m->ambiguous)
            std::fprintf(stderr, "%s\n",
                         fmt::format("cinepipe: warning: {}: more than one correction matches {} "
                                     "'{}'; using the first",
                                     file, m->matched_by, m->key)
                             .c_str());
        return *m;
    }
    std::string ids;
    for (const auto& id : book.ids()) ids += (ids.empty() ? "" : ", ") + id;
    if (ids.size() > 200) ids = ids.substr(0, 200) + "...";
    throw InputError(fmt::format(
        "{}: no correction matches clip '{}', file '{}' or reel '{}' of {} ({} graded: {}){}", file,
        info.clip_name, std::filesystem::path(a.input).stem().string(), info.reel_name, a.input,
        book.size(), ids, book.is_ale() ? "" : "; pick one with --cdl-id"));
}

std::string triplet(const std::array<double, 3>& v) {
    return fmt::format("{:.17g},{:.17g},{:.17g}", v[0], v[1], v[2]);
}

NodeSpec cdl_by_value(const std::string& input, const Cdl& cdl) {
    NodeSpec n = node("cdl", "cdl", input,
                      {{"slope", triplet(cdl.slope)},
                       {"offset", triplet(cdl.offset)},
                       {"power", triplet(cdl.power)}});
    n.params["sat"] = RawValue{fmt::format("{:.17g}", cdl.saturation), false};
    return n;
}

GraphSpec grade_graph(const GradeArgs& a) {
    GraphSpec spec;
    spec.path = "grade";
    spec.nodes.push_back(node("source", "source", "", {{"path", a.input}, {"fps", a.rate}}));
    std::string last = "source";
    if (!a.from.empty() || !a.to.empty() || !a.display.empty() || !a.look.empty()) {
        spec.nodes.push_back(node("ocio", "ocio", last,
                                  {{"config", a.config},
                                   {"from", a.from},
                                   {"to", a.to},
                                   {"display", a.display},
                                   {"view", a.view},
                                   {"look", a.look}}));
        last = "ocio";
    }
    const bool cdl_values =
        !a.slope.empty() || !a.offset.empty() || !a.power.empty() || !a.sat.empty();
    if (int(!a.cdl.empty()) + int(!a.ale.empty()) + int(cdl_values) > 1)
        throw InputError("give one of --cdl, --ale or --slope/--offset/--power/--sat");
    if (!a.ale.empty()) {
        spec.nodes.push_back(cdl_by_value(last, shot_grade(a, a.ale).cdl));
        last = "cdl";
    }
    if (!a.cdl.empty()) {
        if (!a.cdl_id.empty()) {
            spec.nodes.push_back(node("cdl", "cdl", last, {{"file", a.cdl}, {"id", a.cdl_id}}));
        } else {
            const GradeMatch m = shot_grade(a, a.cdl);
            spec.nodes.push_back(m.ambiguous ? cdl_by_value(last, m.cdl)
                                             : node("cdl", "cdl", last,
                                                    {{"file", a.cdl}, {"id", m.cdl.id}}));
        }
        last = "cdl";
    } else if (cdl_values) {
        std::map<std::string, std::string> p;
        if (!a.slope.empty()) p["slope"] = a.slope;
        if (!a.offset.empty()) p["offset"] = a.offset;
        if (!a.power.empty()) p["power"] = a.power;
        NodeSpec n = node("cdl", "cdl", last, p);
        if (!a.sat.empty()) n.params["sat"] = RawValue{a.sat, false};
        spec.nodes.push_back(n);
        last = "cdl";
    }
    for (std::size_t i = 0; i < a.luts.size(); ++i) {
        const std::string id = fmt::format("lut{}", i + 1);
        NodeSpec n = node(id, "lut", last,
                          {{"path", a.luts[i].path}, {"interpolation", a.lut_interpolation}});
        n.params["inverse"] = RawValue{a.luts[i].inverse ? "true" : "false", false};
        spec.nodes.push_back(n);
        last = id;
    }
    std::map<std::string, std::string> w{{"path", a.output}};
    if (!a.codec.empty()) w["codec"] = a.codec;
    if (!a.audio.empty()) w["audio"] = a.audio;
    spec.nodes.push_back(node("output", "writer", last, w));
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
    app.add_option("--ocio", a->config,
                   "OCIO config (default: $OCIO, else cinepipe's built-in config)");
    app.add_option("--from", a->from, "Input colour space (e.g. logc3, slog3, acescct)");
    app.add_option("--to", a->to, "Output colour space (e.g. rec709, srgb)");
    app.add_option("--display", a->display, "Display (with --view) instead of --to");
    app.add_option("--view", a->view, "View of --display");
    app.add_option("--look", a->look, "OCIO look(s) to apply");
    app.add_option("--cdl", a->cdl, "ASC CDL file (.cdl, .cc, .ccc)");
    app.add_option("--cdl-id", a->cdl_id,
                   "ColorCorrection id in --cdl (default: the one matching the clip's name, its file "
                   "name, or its reel)");
    app.add_option("--ale", a->ale,
                   "Avid ALE whose ASC_SOP/ASC_SAT columns grade this clip (matched by clip "
                   "name, file name, or a reel with one row)");
    app.add_option("--slope", a->slope, "CDL slope R,G,B");
    app.add_option("--offset", a->offset, "CDL offset R,G,B");
    app.add_option("--power", a->power, "CDL power R,G,B");
    app.add_option("--sat", a->sat, "CDL saturation");
    // Both LUT options append to one list as they are parsed, so `--lut a --inverse-lut b
    // --lut c` applies a, inverse b, c in that order.
    app.add_option_function<std::string>(
           "--lut", [a](const std::string& f) { a->luts.push_back({f, false}); },
           "LUT file, applied after the CDL (repeatable, in order)")
        ->trigger_on_parse();
    app.add_option_function<std::string>(
           "--inverse-lut", [a](const std::string& f) { a->luts.push_back({f, true}); },
           "LUT file applied inverted, in order with --lut (1D LUTs, and 3D LUTs OCIO can invert)")
        ->trigger_on_parse();
    app.add_option("--lut-interpolation", a->lut_interpolation,
                   "3D LUT interpolation: tetrahedral (default), linear or best")
        ->check(CLI::IsMember({"tetrahedral", "linear", "best"}));
    std::vector<std::string> codecs;
    for (const auto& p : video_codec_presets()) codecs.push_back(p.name);
    app.add_option("--codec", a->codec, "Video codec (default by extension; see transcode)")
        ->check(CLI::IsMember(codecs));
    app.add_option("--audio", a->audio, "Audio codec: pcm16, pcm24, aac, none")
        ->check(CLI::IsMember({"pcm16", "pcm24", "aac", "none"}));
    app.add_option("--fps", a->rate, "Frame rate of an image sequence without one");
    app.add_option("--threads", global.threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 256));
    app.add_flag("--overwrite", a->overwrite, "Replace an existing output");
    app.add_flag("--list", a->list,
                 "List the OCIO config's colour spaces, displays/views and looks, and exit");
    return [a, &global] {
        if (a->list) {
            print_config(a->config);
            return kOk;
        }
        if (a->input.empty() || a->output.empty())
            throw InputError("grade needs IN and -o OUT (or --list)");
        if (!a->view.empty() && a->display.empty())
            throw InputError("--view needs --display");
        const GraphSpec spec = grade_graph(*a);
        const FilterRegistry registry = make_registry(a->plugin_paths);
        GraphOptions options;
        options.schedule.threads = global.threads;
        options.overwrite = a->overwrite;
        options.progress = progress_printer(global, "grade");
        Graph graph(spec, registry, options, interrupt_token());
        const GraphRunResult r = graph.run();
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
