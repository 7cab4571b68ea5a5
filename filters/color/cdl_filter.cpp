// `cdl`: an ASC CDL (slope, offset, power, saturation) from a .cdl/.cc/.ccc file or by value.

#include <fmt/format.h>

#include "cinepipe/error.h"
#include "color_node.h"

namespace cinepipe::color {

namespace {

std::array<double, 3> triplet(const ParamSet& p, const char* name) {
    try {
        return parse_triplet(p.get_string(name));
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("parameter '{}': {}", name, e.what()));
    }
}

}  // namespace

FilterInfo cdl_filter_info() {
    FilterInfo f;
    f.name = "cdl";
    f.version = "1.0";
    f.family = "color";
    f.help =
        "ASC CDL 1.2 (slope, offset, power, then saturation; clamped to 0..1) from a "
        ".cdl/.cc/.ccc file or given by value.";
    ParamSpec sat;
    sat.name = "sat";
    sat.type = ParamType::Float;
    sat.default_value = 1.0;
    sat.min = 0;
    sat.max = 100;
    sat.help = "Saturation (used when no file is given)";
    f.params = {
        string_param("file", "", "ASC .cdl, .cc or .ccc file; overrides the values below"),
        string_param("id", "", "ColorCorrection id to pick from the file (empty: the first)"),
        string_param("slope", "1,1,1", "Slope R,G,B (or one value for all)"),
        string_param("offset", "0,0,0", "Offset R,G,B"),
        string_param("power", "1,1,1", "Power R,G,B"),
        sat,
        bool_param("inverse", false, "Apply the inverse CDL"),
    };
    f.create = [](const ParamSet& p, const NodeContext& ctx) {
        ColorOp op;
        op.kind = ColorOp::Kind::Cdl;
        op.inverse = p.get_bool("inverse");
        if (const std::string& file = p.get_string("file"); !file.empty()) {
            op.cdl = load_cdl(file, p.get_string("id"));
        } else {
            op.cdl.slope = triplet(p, "slope");
            op.cdl.offset = triplet(p, "offset");
            op.cdl.power = triplet(p, "power");
            op.cdl.saturation = p.get_float("sat");
        }
        return std::make_unique<ColorNode>(ColorPipeline{{}, {op}}, ctx.pool_size);
    };
    return f;
}

}  // namespace cinepipe::color
