#include <fmt/format.h>

#include "transform_filters.h"

namespace cinepipe::transform {

FilterInfo transform_info(std::string name, std::string help, std::vector<ParamSpec> params,
                          NodeFactory create) {
    FilterInfo info;
    info.name = std::move(name);
    info.version = "1.0";
    info.kind = NodeKind::Transform;
    info.family = "transform";
    info.help = std::move(help);
    info.params = std::move(params);
    info.thread_safe = true;
    info.needs_in_order = false;
    info.create = std::move(create);
    return info;
}

int int_value(const ParamSet& params, const std::string& name) {
    return static_cast<int>(params.get_int(name));
}

int plane_shift_x(PixelFormat format, int plane) {
    const auto& fi = info(format);
    return fi.family == ColorFamily::Yuv && (plane == 1 || plane == 2) ? fi.chroma_shift_x : 0;
}

int plane_shift_y(PixelFormat format, int plane) {
    const auto& fi = info(format);
    return fi.family == ColorFamily::Yuv && (plane == 1 || plane == 2) ? fi.chroma_shift_y : 0;
}

std::size_t pixel_bytes(PixelFormat format, int plane) {
    (void)plane;  // every plane of the working formats has the same sample size
    const auto& fi = info(format);
    const std::size_t sample = fi.sample == SampleType::U8    ? 1
                               : fi.sample == SampleType::U16 ? 2
                                                              : 4;
    return fi.planes == 1 ? sample * static_cast<std::size_t>(fi.components) : sample;
}

std::string describe_format(PixelFormat format) {
    const auto& fi = info(format);
    if (fi.family != ColorFamily::Yuv) return fi.name;
    const char* chroma = fi.chroma_shift_y ? "4:2:0" : fi.chroma_shift_x ? "4:2:2" : "4:4:4";
    return fmt::format("{} ({})", fi.name, chroma);
}

void check_frame(const VideoFrame& frame, const StreamDesc& configured, const char* filter) {
    if (frame.format == configured.format && frame.width == configured.width &&
        frame.height == configured.height)
        return;
    throw FilterError(
        fmt::format("{}: frame {} is {} {}x{}, but the stream was set up for {} {}x{}", filter,
                    frame.index, to_string(frame.format), frame.width, frame.height,
                    to_string(configured.format), configured.width, configured.height));
}

}  // namespace cinepipe::transform
