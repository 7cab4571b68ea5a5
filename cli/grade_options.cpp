#include "grade_options.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "cinepipe/color.h"
#include "cinepipe/error.h"
#include "cinepipe/grade_book.h"
#include "cinepipe/media_reader.h"

namespace cinepipe::cli {

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

namespace {

// The clip's correction from a .ccc or ALE: by clip name, file name or reel, as `grades`
// reports it for a whole batch.
GradeMatch shot_grade(const GradeOptions& a, const std::string& clip, const std::string& file) {
    const GradeBook book = GradeBook::load(file);
    ReaderOptions ro;
    ro.sequence_rate = parse_rate(a.rate);
    const MediaInfo info = probe(clip, ro);
    if (auto m = book.match(clip, info)) {
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
        info.clip_name, std::filesystem::path(clip).stem().string(), info.reel_name, clip,
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

}  // namespace

std::string add_grade_nodes(GraphSpec& spec, const GradeOptions& a, const std::string& input,
                            const std::string& clip) {
    if (!a.view.empty() && a.display.empty()) throw InputError("--view needs --display");
    std::string last = input;
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
        spec.nodes.push_back(cdl_by_value(last, shot_grade(a, clip, a.ale).cdl));
        last = "cdl";
    }
    if (!a.cdl.empty()) {
        if (!a.cdl_id.empty()) {
            spec.nodes.push_back(node("cdl", "cdl", last, {{"file", a.cdl}, {"id", a.cdl_id}}));
        } else {
            const GradeMatch m = shot_grade(a, clip, a.cdl);
            spec.nodes.push_back(
                m.ambiguous ? cdl_by_value(last, m.cdl)
                            : node("cdl", "cdl", last, {{"file", a.cdl}, {"id", m.cdl.id}}));
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
    return last;
}

void add_grade_options(CLI::App& app, const std::shared_ptr<GradeOptions>& g) {
    app.add_option("--ocio", g->config,
                   "OCIO config (default: $OCIO, else cinepipe's built-in config)");
    app.add_option("--from", g->from, "Input colour space (e.g. logc3, slog3, acescct)");
    app.add_option("--to", g->to, "Output colour space (e.g. rec709, srgb)");
    app.add_option("--display", g->display, "Display (with --view) instead of --to");
    app.add_option("--view", g->view, "View of --display");
    app.add_option("--look", g->look, "OCIO look(s) to apply");
    app.add_option("--cdl", g->cdl, "ASC CDL file (.cdl, .cc, .ccc)");
    app.add_option(
        "--cdl-id", g->cdl_id,
        "ColorCorrection id in --cdl (default: the one matching the clip's name, its file "
        "name, or its reel)");
    app.add_option("--ale", g->ale,
                   "Avid ALE whose ASC_SOP/ASC_SAT columns grade this clip (matched by clip "
                   "name, file name, or a reel with one row)");
    app.add_option("--slope", g->slope, "CDL slope R,G,B");
    app.add_option("--offset", g->offset, "CDL offset R,G,B");
    app.add_option("--power", g->power, "CDL power R,G,B");
    app.add_option("--sat", g->sat, "CDL saturation");
    // Both LUT options append to one list as they are parsed, so `--lut a --inverse-lut b
    // --lut c` applies a, inverse b, c in that order.
    app.add_option_function<std::string>(
           "--lut",
           [g](const std::string& f) {
               g->luts.push_back({f, false});
           },
           "LUT file, applied after the CDL (repeatable, in order)")
        ->trigger_on_parse();
    app.add_option_function<std::string>(
           "--inverse-lut",
           [g](const std::string& f) {
               g->luts.push_back({f, true});
           },
           "LUT file applied inverted, in order with --lut (1D LUTs, and 3D LUTs OCIO can invert)")
        ->trigger_on_parse();
    app.add_option("--lut-interpolation", g->lut_interpolation,
                   "3D LUT interpolation: tetrahedral (default), linear or best")
        ->check(CLI::IsMember({"tetrahedral", "linear", "best"}));
    app.add_option("--fps", g->rate, "Frame rate of an image sequence without one");
}

}  // namespace cinepipe::cli
