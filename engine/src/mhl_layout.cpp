#include "mhl_layout.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace cinepipe::mhl {

namespace {

std::string format_utc(std::time_t when, const char* format) {
    std::tm tm{};
    ::gmtime_r(&when, &tm);
    std::array<char, 64> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), format, &tm);
    return std::string(buf.data(), n);
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::size_t end = slash == std::string::npos ? path.size() : slash;
        parts.push_back(path.substr(start, end - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return parts;
}

}  // namespace

std::vector<std::string> default_ignore_patterns() {
    return {".DS_Store", kFolderName, std::string(kFolderName) + "/"};
}

std::optional<int> generation_number(std::string_view file_name) {
    const std::string_view ext = kExtension;
    if (file_name.size() <= ext.size() || file_name.substr(file_name.size() - ext.size()) != ext)
        return std::nullopt;
    const std::string_view stem = file_name.substr(0, file_name.size() - ext.size());
    std::size_t digits = 0;
    while (digits < stem.size() && std::isdigit(static_cast<unsigned char>(stem[digits]))) ++digits;
    if (digits < 4 || digits > 9) return std::nullopt;
    if (digits < stem.size() && (stem[digits] != '_' || digits + 1 == stem.size()))
        return std::nullopt;
    return std::stoi(std::string(stem.substr(0, digits)));
}

std::string generation_file_name(int generation, const std::string& root_name, std::time_t when) {
    // The reference names files by local time without a zone; the spec's examples carry a
    // trailing Z, which needs the time in UTC.
    return fmt::format("{:04d}_{}_{}{}", generation, root_name,
                       format_utc(when, "%Y-%m-%d_%H%M%SZ"), kExtension);
}

std::string root_folder_name(const std::string& root) {
    std::error_code ec;
    fs::path p = fs::absolute(fs::path(root), ec).lexically_normal();
    if (p.has_filename()) return p.filename().string();
    p = p.parent_path();  // "/a/b/" normalises to "/a/b/" with an empty filename
    return p.filename().empty() ? std::string("root") : p.filename().string();
}

std::string iso8601_utc(std::time_t when) {
    return format_utc(when, "%Y-%m-%dT%H:%M:%S+00:00");
}

std::vector<std::string> mhl_files_in(const std::string& ascmhl_folder) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(ascmhl_folder, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file(ec) && name.size() > 4 && name.ends_with(kExtension) &&
            name[0] != '.')  // our own temporaries are hidden files
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool is_ignored(const std::string& rel_path, bool is_folder,
                const std::vector<std::string>& patterns) {
    const std::vector<std::string> parts = split_path(rel_path);
    for (std::string pattern : patterns) {
        if (pattern.empty() || pattern[0] == '#' || pattern[0] == '!') continue;
        bool folder_only = false;
        if (pattern.size() > 1 && pattern.back() == '/') {
            folder_only = true;
            pattern.pop_back();
        }
        if (pattern.find('/') != std::string::npos) {
            // Anchored at the root: the whole path, or a folder above it.
            if (pattern[0] == '/') pattern.erase(0, 1);
            std::string prefix;
            for (std::size_t i = 0; i < parts.size(); ++i) {
                prefix += (i ? "/" : "") + parts[i];
                const bool folder = i + 1 < parts.size() || is_folder;
                if ((!folder_only || folder) &&
                    ::fnmatch(pattern.c_str(), prefix.c_str(), FNM_PATHNAME) == 0)
                    return true;
            }
            continue;
        }
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const bool folder = i + 1 < parts.size() || is_folder;
            if ((!folder_only || folder) && ::fnmatch(pattern.c_str(), parts[i].c_str(), 0) == 0)
                return true;
        }
    }
    return false;
}

bool is_safe_relative_path(std::string_view rel_path) {
    if (rel_path.empty() || rel_path.front() == '/') return false;
    for (const auto& part : split_path(std::string(rel_path)))
        if (part.empty() || part == "." || part == "..") return false;
    return true;
}

}  // namespace cinepipe::mhl
