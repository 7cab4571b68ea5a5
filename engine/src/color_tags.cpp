#include "cinepipe/color_tags.h"

#include "av_util.h"

namespace cinepipe {

// libav's name tables follow H.273 and match what ffprobe prints.
namespace {
std::string or_unknown(const char* name) {
    return name ? name : "unknown";
}
}  // namespace

std::string to_string(ColorPrimaries v) {
    return or_unknown(av_color_primaries_name(static_cast<AVColorPrimaries>(v)));
}
std::string to_string(TransferCharacteristic v) {
    return or_unknown(av_color_transfer_name(static_cast<AVColorTransferCharacteristic>(v)));
}
std::string to_string(MatrixCoefficients v) {
    return or_unknown(av_color_space_name(static_cast<AVColorSpace>(v)));
}
std::string to_string(ColorRange v) {
    return or_unknown(av_color_range_name(static_cast<AVColorRange>(v)));
}

std::string to_string(FieldOrder v) {
    switch (v) {
        case FieldOrder::Progressive:
            return "progressive";
        case FieldOrder::TT:
            return "tt";
        case FieldOrder::BB:
            return "bb";
        case FieldOrder::TB:
            return "tb";
        case FieldOrder::BT:
            return "bt";
        case FieldOrder::Unknown:
            break;
    }
    return "unknown";
}

}  // namespace cinepipe
