#include "sequence_pattern.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>
#include <system_error>

namespace fs = std::filesystem;

namespace cinepipe {

namespace {

// Wider padding than an int64 has digits is a typo, not a sequence.
constexpr int kMaxPadding = 18;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Position of the extension's dot in a file name, or npos. A leading dot (".hidden") is not
// an extension.
std::size_t extension_dot(const std::string& name) {
    const auto dot = name.rfind('.');
    return (dot == std::string::npos || dot == 0) ? std::string::npos : dot;
}

bool is_image_extension(const std::string& ext_lower) {
    return ext_lower == "exr" || ext_lower == "dpx" || ext_lower == "tif" || ext_lower == "tiff";
}

struct PrintfToken {
    std::size_t pos = 0;
    std::size_t length = 0;
    int padding = 0;
};

// The last "%d" or "%0Nd" in `name`. "%%" is a literal percent sign and is skipped.
std::optional<PrintfToken> find_printf_token(const std::string& name) {
    std::optional<PrintfToken> found;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] != '%') continue;
        if (i + 1 < name.size() && name[i + 1] == '%') {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        int padding = 0;
        if (j < name.size() && name[j] == '0') {
            ++j;
            const std::size_t digits_begin = j;
            while (j < name.size() && is_digit(name[j])) padding = padding * 10 + (name[j++] - '0');
            if (j == digits_begin || padding == 0 || padding > kMaxPadding) continue;
        }
        if (j < name.size() && name[j] == 'd') found = PrintfToken{i, j + 1 - i, padding};
    }
    return found;
}

void split_folder(const std::string& path, std::string& folder, std::string& name) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) {
        folder.clear();
        name = path;
    } else {
        folder = slash == 0 ? std::string("/") : path.substr(0, slash);
        name = path.substr(slash + 1);
    }
}

std::string format_number(std::int64_t value, int padding) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%0*lld", padding, static_cast<long long>(value));
    return buf.data();
}

}  // namespace

std::string SequencePattern::file_name_for(std::int64_t frame_number) const {
    return prefix + format_number(frame_number, padding) + suffix;
}

std::string SequencePattern::path_for(std::int64_t frame_number) const {
    std::string name = file_name_for(frame_number);
    if (folder.empty()) return name;
    return folder.back() == '/' ? folder + name : folder + "/" + name;
}

std::string SequencePattern::extension() const {
    const auto dot = suffix.rfind('.');
    return dot == std::string::npos ? std::string() : lower(suffix.substr(dot + 1));
}

std::optional<SequencePattern> parse_sequence_pattern(const std::string& path) {
    SequencePattern p;
    std::string name;
    split_folder(path, p.folder, name);
    if (name.empty()) return std::nullopt;

    if (const auto token = find_printf_token(name)) {
        p.form = SequenceForm::Printf;
        p.prefix = name.substr(0, token->pos);
        p.suffix = name.substr(token->pos + token->length);
        p.padding = token->padding;
        return p;
    }

    if (const auto last_hash = name.rfind('#'); last_hash != std::string::npos) {
        std::size_t first_hash = last_hash;
        while (first_hash > 0 && name[first_hash - 1] == '#') --first_hash;
        const auto count = static_cast<int>(last_hash - first_hash + 1);
        if (count > kMaxPadding) return std::nullopt;
        p.form = SequenceForm::Hash;
        p.prefix = name.substr(0, first_hash);
        p.suffix = name.substr(last_hash + 1);
        p.padding = count;
        return p;
    }

    // A member file: the frame number is the last digit run of the name without its
    // extension, so "clip.mp4" or "take2.mov"'s codec-like extensions never count.
    const auto dot = extension_dot(name);
    const std::size_t stem_end = dot == std::string::npos ? name.size() : dot;
    std::size_t end = stem_end;
    while (end > 0 && !is_digit(name[end - 1])) --end;
    if (end == 0) return std::nullopt;
    std::size_t begin = end;
    while (begin > 0 && is_digit(name[begin - 1])) --begin;
    const auto count = static_cast<int>(end - begin);
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(name.data() + begin, name.data() + end, value);
    if (ec != std::errc{} || ptr != name.data() + end || count > kMaxPadding) return std::nullopt;
    p.form = SequenceForm::File;
    p.prefix = name.substr(0, begin);
    p.suffix = name.substr(end);
    p.padding = count;
    p.given_frame = value;
    return p;
}

std::vector<SequenceFile> scan_files(const SequencePattern& pattern) {
    const fs::path dir = pattern.folder.empty() ? fs::path(".") : fs::path(pattern.folder);
    std::map<std::int64_t, std::string> found;  // frame number -> file name
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) return {};
    const auto min_size = pattern.prefix.size() + pattern.suffix.size() + 1;
    for (const fs::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) break;
        const std::string name = it->path().filename().string();
        if (name.size() < min_size || !name.starts_with(pattern.prefix) ||
            !name.ends_with(pattern.suffix))
            continue;
        const char* first = name.data() + pattern.prefix.size();
        const char* last = name.data() + name.size() - pattern.suffix.size();
        if (!std::all_of(first, last, is_digit)) continue;
        std::int64_t value = 0;
        const auto [ptr, conv] = std::from_chars(first, last, value);
        if (conv != std::errc{} || ptr != last) continue;
        const std::string canonical = pattern.file_name_for(value);
        if (pattern.padding > 0 && name != canonical) continue;
        std::error_code file_ec;
        if (!fs::is_regular_file(it->path(), file_ec)) continue;
        auto [slot, inserted] = found.emplace(value, name);
        if (!inserted && name == canonical) slot->second = name;
    }

    std::vector<SequenceFile> files;
    files.reserve(found.size());
    for (const auto& [number, name] : found) {
        std::string path;
        if (pattern.folder.empty())
            path = name;
        else
            path =
                pattern.folder.back() == '/' ? pattern.folder + name : pattern.folder + "/" + name;
        files.push_back({number, std::move(path)});
    }
    return files;
}

std::vector<std::int64_t> scan_frames(const SequencePattern& pattern) {
    std::vector<std::int64_t> numbers;
    for (const auto& f : scan_files(pattern)) numbers.push_back(f.frame_number);
    return numbers;
}

bool looks_like_image_sequence(const std::string& path) {
    std::string folder;
    std::string name;
    split_folder(path, folder, name);
    const auto dot = extension_dot(name);
    const std::string ext = dot == std::string::npos ? std::string() : lower(name.substr(dot + 1));
    std::error_code ec;
    if (fs::is_regular_file(fs::path(path), ec)) return is_image_extension(ext);
    if (find_printf_token(name) || name.find('#') != std::string::npos) return true;
    return is_image_extension(ext);
}

}  // namespace cinepipe
