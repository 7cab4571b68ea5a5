#pragma once
// What each `--codec` name means to libav: encoder, private options, pixel format.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cinepipe/media_writer.h"

namespace cinepipe {

struct LibavCodecPreset {
    const char* name;
    const char* encoder;
    PixelFormat format;  // for ffv1: the fallback when the source's format is not kept
    std::vector<std::pair<const char*, const char*>> options;
    bool keeps_source_format;  // lossless: encode the source's own format where allowed
    PixelFormat alpha_format;  // the format used when alpha is kept (== format: no alpha)
};

const LibavCodecPreset* find_libav_preset(const std::string& name);

}  // namespace cinepipe
