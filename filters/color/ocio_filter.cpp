// `ocio`: a colour-space conversion, display/view transform or look from an OpenColorIO
// config ($OCIO, or cinepipe's built-in default when none is given).

#include "cinepipe/error.h"
#include "color_node.h"

namespace cinepipe::color {

namespace {

ColorPipeline pipeline_from(const ParamSet& p) {
    ColorPipeline pipeline;
    pipeline.config = p.get_string("config");
    const std::string& from = p.get_string("from");
    const std::string& to = p.get_string("to");
    const std::string& display = p.get_string("display");
    const std::string& view = p.get_string("view");
    const std::string& look = p.get_string("look");
    if (from.empty()) throw InputError("'from' (the input colour space) is required");
    if (display.empty() != view.empty()) throw InputError("'display' and 'view' go together");
    if (to.empty() && display.empty() && look.empty())
        throw InputError("give 'to', or 'display' and 'view', or 'look'");
    if (!to.empty() && !display.empty())
        throw InputError("give 'to' or 'display'/'view', not both");
    if (!look.empty()) {
        ColorOp op;
        op.kind = ColorOp::Kind::Look;
        op.from = from;
        op.to = display.empty() ? to : std::string();
        op.looks = look;
        pipeline.ops.push_back(op);
    } else if (!to.empty()) {
        ColorOp op;
        op.kind = ColorOp::Kind::ColorSpace;
        op.from = from;
        op.to = to;
        pipeline.ops.push_back(op);
    }
    if (!display.empty()) {
        ColorOp op;
        op.kind = ColorOp::Kind::DisplayView;
        op.from = from;
        op.display = display;
        op.view = view;
        pipeline.ops.push_back(op);
    }
    return pipeline;
}

}  // namespace

FilterInfo ocio_filter_info() {
    FilterInfo f;
    f.name = "ocio";
    f.version = "1.0";
    f.family = "color";
    f.help =
        "OpenColorIO colour-space conversion (from/to), display/view transform or look; "
        "works in float RGB.";
    f.params = {
        string_param("config", "",
                     "OCIO config file; empty: $OCIO, else cinepipe's built-in default config"),
        string_param("from", "", "Input colour space (name, alias or role); required"),
        string_param("to", "", "Output colour space"),
        string_param("display", "", "Display, with 'view', instead of 'to'"),
        string_param("view", "", "View of the display"),
        string_param("look", "", "Look(s) to apply, e.g. 'showlook' or '+a, -b'"),
    };
    f.create = [](const ParamSet& p, const NodeContext& ctx) {
        return std::make_unique<ColorNode>(pipeline_from(p), ctx.pool_size);
    };
    return f;
}

}  // namespace cinepipe::color
