#include "font_lookup.h"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "cinepipe/error.h"

namespace cinepipe {

namespace {
namespace fs = std::filesystem;

std::vector<fs::path> font_folders() {
    std::vector<fs::path> dirs;
    if (const char* home = std::getenv("HOME"); home && *home) {
        dirs.emplace_back(fs::path(home) / ".fonts");
        dirs.emplace_back(fs::path(home) / ".local/share/fonts");
    }
    dirs.emplace_back("/usr/share/fonts");
    dirs.emplace_back("/usr/local/share/fonts");
    return dirs;
}

bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}
}  // namespace

std::string find_font_file(const std::string& font) {
    if (font.empty()) throw InputError("no font given");
    if (is_file(font)) return font;
    // A name with a folder in it is a path that does not exist, not a name to look up.
    if (fs::path(font).has_parent_path()) throw InputError(font + ": font file not found");
    static constexpr std::array<const char*, 6> kSuffixes{"",     ".ttf", ".otf",
                                                          ".ttc", ".pfa", ".pfb"};
    for (const fs::path& dir : font_folders()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        // Directly in the folder first, then anywhere below it (Debian: truetype/<family>/).
        for (const char* suffix : kSuffixes)
            if (const fs::path p = dir / (font + suffix); is_file(p)) return p.string();
        for (auto it = fs::recursive_directory_iterator(
                 dir, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_directory(ec)) continue;
            for (const char* suffix : kSuffixes)
                if (const fs::path p = it->path() / (font + suffix); is_file(p)) return p.string();
        }
    }
    throw InputError(font +
                     ": font not found (give a font file, or the name of one under "
                     "/usr/share/fonts, /usr/local/share/fonts or ~/.fonts)");
}

}  // namespace cinepipe
