#pragma once
// Loading OpenColorIO configs (private to the engine): a file, $OCIO, or the built-in default.

#include <OpenColorIO/OpenColorIO.h>

#include <string>

namespace cinepipe {

namespace OCIO = OCIO_NAMESPACE;

struct LoadedConfig {
    OCIO::ConstConfigRcPtr config;
    std::string source;  // for messages: the file, "$OCIO=<file>" or "built-in default"
};

// Throws InputError naming the file and OCIO's reason.
LoadedConfig load_color_config(const std::string& path);

}  // namespace cinepipe
