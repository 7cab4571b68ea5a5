#include "deliverable_graph.h"

#include <fmt/format.h>

namespace cinepipe::cli {

GraphSpec deliverable_graph(const DeliverableSpec& d) {
    GraphSpec spec;
    spec.path = d.input;
    NodeSpec source = node("source", "source", "", {{"path", d.input}, {"fps", d.grade.rate}});
    if (!d.sound.empty()) {
        source.params["sound"] = RawValue{d.sound, true};
        source.params["sound_offset"] = RawValue{std::to_string(d.sound_offset), false};
        if (d.keep_scratch) source.params["keep_scratch"] = RawValue{"true", false};
    }
    spec.nodes.push_back(source);
    // Without a master, a proxy is graded after its fit, as grading systems grade a timeline
    // smaller than its sources: the same look on a quarter of the pixels of a 4K source.
    // With a master, both share the one grade at full size.
    const bool grade_after_fit = !d.master && d.proxy && d.proxy->fit_width > 0;
    std::string last = "source";
    if (!grade_after_fit) last = add_grade_nodes(spec, d.grade, "source", d.input);
    // The master is the graded picture at full size; the proxy adds the burn-ins after its
    // own fit (so the text is sized for the proxy), and the thumbnails show what it shows.
    if (d.master) {
        spec.nodes.push_back(node("master", "writer", last, {{"path", d.master_path}}));
        apply_output_preset(spec, "master", *d.master);
    }
    if (d.proxy && d.proxy->fit_width > 0) {
        NodeSpec fit = node("proxy_fit", "scale", last, {});
        fit.params["width"] = RawValue{std::to_string(d.proxy->fit_width), false};
        fit.params["height"] = RawValue{std::to_string(d.proxy->fit_height), false};
        fit.params["fit"] = RawValue{"true", false};
        // Bicubic, as FFmpeg's scale filter: a review proxy does not need Lanczos' extra
        // sharpness at twice the cost (4K -> 1080p: 22 against 12 ms a picture).
        fit.params["filter"] = RawValue{"bicubic", false};
        spec.nodes.push_back(fit);
        last = "proxy_fit";
        if (grade_after_fit) last = add_grade_nodes(spec, d.grade, last, d.input);
    }
    if (d.proxy && !d.burnin.empty()) {
        NodeSpec b = node("burnin", "burnin", last, {{"items", d.burnin}, {"font", d.font}});
        b.params["size"] = RawValue{fmt::format("{}", d.burnin_size), false};
        b.params["box_opacity"] = RawValue{fmt::format("{}", d.box_opacity), false};
        spec.nodes.push_back(b);
        last = "burnin";
    }
    if (d.proxy) {
        spec.nodes.push_back(node("proxy", "writer", last, {{"path", d.proxy_path}}));
        OutputPreset fitted = *d.proxy;
        fitted.fit_width = fitted.fit_height = 0;  // done above, before the burn-ins
        apply_output_preset(spec, "proxy", fitted);
    }
    if (!d.poster.empty())
        spec.nodes.push_back(
            node("thumbnails", "thumbnails", last, {{"poster", d.poster}, {"sheet", d.sheet}}));
    if (d.qc) {
        // The camera original is what QC judges: damage, black, freezes are the source's.
        NodeSpec q;
        q.id = "qc";
        q.type = "qc";
        q.inputs.push_back("source");
        q.params = d.qc->params;
        q.params["profile"] = RawValue{d.qc->name, true};
        if (!d.qc_json.empty()) q.params["report"] = RawValue{d.qc_json, true};
        if (!d.qc_html.empty()) q.params["html"] = RawValue{d.qc_html, true};
        spec.nodes.push_back(q);
    }
    return spec;
}

}  // namespace cinepipe::cli
