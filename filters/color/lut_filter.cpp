// `lut`: a LUT file through OpenColorIO's FileTransform (.cube, .3dl, .csp, .spi1d, .spi3d,
// .clf, .ctf ...), tetrahedral for 3D LUTs unless told otherwise.

#include "color_node.h"

namespace cinepipe::color {

FilterInfo lut_filter_info() {
    FilterInfo f;
    f.name = "lut";
    f.version = "1.0";
    f.family = "color";
    f.help =
        "Applies a LUT file (any format OpenColorIO reads: .cube 1D/3D, .3dl, .csp, .spi1d, "
        ".spi3d, .clf, .ctf), forward or inverse.";
    ParamSpec path;
    path.name = "path";
    path.type = ParamType::String;
    path.help = "The LUT file";
    ParamSpec interp;
    interp.name = "interpolation";
    interp.type = ParamType::Choice;
    interp.choices = {"tetrahedral", "linear", "best"};
    interp.default_value = std::string("tetrahedral");
    interp.help =
        "3D LUT interpolation: tetrahedral (default, as grading systems), linear "
        "(trilinear) or best (OCIO's choice)";
    f.params = {path, interp,
                bool_param("inverse", false, "Apply the inverse (where the format allows)")};
    f.create = [](const ParamSet& p, const NodeContext& ctx) {
        ColorOp op;
        op.kind = ColorOp::Kind::Lut;
        op.lut = p.get_string("path");
        op.inverse = p.get_bool("inverse");
        const std::string& i = p.get_string("interpolation");
        op.interpolation = i == "linear" ? LutInterpolation::Linear
                           : i == "best" ? LutInterpolation::Best
                                         : LutInterpolation::Tetrahedral;
        return std::make_unique<ColorNode>(ColorPipeline{{}, {op}}, ctx.pool_size);
    };
    return f;
}

}  // namespace cinepipe::color
