#pragma once
// Private to filters/transform: each filter's registry entry, and the small helpers the
// filters share (parameter specs, sample layout, size checks).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinepipe/filter_registry.h"
#include "cinepipe/frame.h"
#include "cinepipe/node.h"

namespace cinepipe::transform {

FilterInfo scale_filter_info();
FilterInfo crop_filter_info();
FilterInfo pad_filter_info();
FilterInfo format_filter_info();
FilterInfo setparams_filter_info();
FilterInfo passthrough_filter_info();

// A transform's registry entry: version 1.0, family "transform", thread-safe, any order.
FilterInfo transform_info(std::string name, std::string help, std::vector<ParamSpec> params,
                          NodeFactory create);

// An Int parameter as an int (the schema bounds every one to 0..32768 or so).
int int_value(const ParamSet& params, const std::string& name);

// log2 chroma subsampling of planes 1 and 2 (0 for RGB and for the other planes).
int plane_shift_x(PixelFormat format, int plane);
int plane_shift_y(PixelFormat format, int plane);
// Bytes one pixel takes in `plane` (all components of a packed format).
std::size_t pixel_bytes(PixelFormat format, int plane);

// "yuv422p10 (4:2:2)", "rgb48" for messages.
std::string describe_format(PixelFormat format);

// Throws FilterError when a frame does not match what the node was configured for: a
// stream whose size or format changes mid-way would otherwise be read out of bounds.
void check_frame(const VideoFrame& frame, const StreamDesc& configured, const char* filter);

}  // namespace cinepipe::transform
