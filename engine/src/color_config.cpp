#include "color_config.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cinepipe/error.h"
#include "default_ocio_config.h"

namespace cinepipe {

LoadedConfig load_color_config(const std::string& path) {
    std::string file = path;
    std::string source = path;
    if (file.empty()) {
        if (const char* env = std::getenv("OCIO"); env && *env) {
            file = env;
            source = std::string("$OCIO=") + env;
        }
    }
    try {
        if (file.empty()) {
            std::istringstream text(default_ocio_config_text());
            return {OCIO::Config::CreateFromStream(text), "built-in default config"};
        }
        if (!std::filesystem::exists(file)) throw InputError(source + ": OCIO config not found");
        return {OCIO::Config::CreateFromFile(file.c_str()), source};
    } catch (const OCIO::Exception& e) {
        std::string what = e.what();
        for (char& ch : what)
            if (ch == '\n' || ch == '\r') ch = ' ';
        throw InputError(source + ": not a usable OCIO config: " + what);
    }
}

}  // namespace cinepipe
