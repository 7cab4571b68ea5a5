// Turning a job's source rules into clips (camera cards are folders of movies, scans are
// folders of numbered images) and its name templates into file names.

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "cinepipe/error.h"
#include "cinepipe/job.h"

namespace cinepipe {

namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool is_movie(const std::string& ext) {
    static const std::set<std::string> movies{".mov", ".mxf",  ".mp4", ".m4v",  ".mkv", ".avi",
                                              ".mts", ".m2ts", ".ts",  ".webm", ".y4m", ".mpg"};
    return movies.count(ext) != 0;
}

bool is_image(const std::string& ext) {
    static const std::set<std::string> images{".exr", ".dpx", ".tif", ".tiff", ".png"};
    return images.count(ext) != 0;
}

// "shot.000123.exr" -> ("shot.", 6 digits, ".exr"); no number: nullopt-like empty digits.
struct Numbered {
    std::string prefix;
    std::size_t digits = 0;
    std::string ext;
};

Numbered split_number(const std::string& name) {
    const std::string ext = fs::path(name).extension().string();
    const std::string stem = name.substr(0, name.size() - ext.size());
    std::size_t end = stem.size();
    std::size_t begin = end;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(stem[begin - 1]))) --begin;
    return {stem.substr(0, begin), end - begin, ext};
}

bool below(const fs::path& p, const fs::path& folder) {
    if (folder.empty()) return false;
    const auto rel = p.lexically_relative(folder);
    return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

std::string clip_stem(const std::string& input) {
    std::string stem = fs::path(input).stem().string();
    for (const char* cut : {".%", "_%", ".#", "_#", "%", "#"})
        if (const auto at = stem.find(cut); at != std::string::npos) stem.resize(at);
    while (!stem.empty() && (stem.back() == '.' || stem.back() == '_')) stem.pop_back();
    return stem.empty() ? "clip" : stem;
}

std::vector<std::string> find_clips(const std::string& folder, const std::string& pattern,
                                    bool recursive, const std::string& exclude) {
    const fs::path excluded =
        exclude.empty() ? fs::path{} : fs::absolute(exclude).lexically_normal();
    std::vector<std::string> clips;
    // Numbered images per (folder, prefix, digits, extension): one sequence each.
    std::map<std::tuple<std::string, std::string, std::size_t, std::string>, int> sequences;
    auto consider = [&](const fs::directory_entry& e) {
        const fs::path p = fs::absolute(e.path()).lexically_normal();
        const std::string name = p.filename().string();
        if (name.empty() || name.front() == '.') return;  // hidden, and cinepipe's temporaries
        if (below(p, excluded)) return;
        if (!pattern.empty() && ::fnmatch(pattern.c_str(), name.c_str(), 0) != 0) return;
        const std::string ext = lower(p.extension().string());
        if (is_movie(ext)) {
            clips.push_back(p.string());
        } else if (is_image(ext)) {
            const Numbered n = split_number(name);
            if (n.digits == 0)
                clips.push_back(p.string());  // a single still is a one-frame clip
            else
                ++sequences[{p.parent_path().string(), n.prefix, n.digits, n.ext}];
        }
    };
    std::error_code ec;
    const auto options = fs::directory_options::skip_permission_denied;
    if (recursive) {
        for (fs::recursive_directory_iterator it(folder, options, ec), end; !ec && it != end;
             it.increment(ec)) {
            const std::string name = it->path().filename().string();
            // Hidden folders (.cinepipe state, macOS resource forks) and the outputs are skipped.
            if (it->is_directory(ec)) {
                if ((!name.empty() && name.front() == '.') ||
                    below(fs::absolute(it->path()).lexically_normal(), excluded) ||
                    fs::absolute(it->path()).lexically_normal() == excluded)
                    it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file(ec)) consider(*it);
        }
    } else {
        for (fs::directory_iterator it(folder, options, ec), end; !ec && it != end;
             it.increment(ec))
            if (it->is_regular_file(ec)) consider(*it);
    }
    for (const auto& [key, count] : sequences) {
        const auto& [dir, prefix, digits, ext] = key;
        (void)count;
        clips.push_back((fs::path(dir) / fmt::format("{}%0{}d{}", prefix, digits, ext)).string());
    }
    std::sort(clips.begin(), clips.end());
    return clips;
}

namespace {

const std::set<std::string>& template_fields() {
    static const std::set<std::string> fields{"clip", "reel", "tc", "job", "index"};
    return fields;
}

template <typename Emit>
void walk_template(const std::string& t, Emit&& emit) {
    std::size_t i = 0;
    while (i < t.size()) {
        if (t[i] == '{') {
            const auto close = t.find('}', i);
            if (close == std::string::npos) throw InputError(fmt::format("'{}': unclosed '{{'", t));
            const std::string field = t.substr(i + 1, close - i - 1);
            if (template_fields().count(field) == 0)
                throw InputError(
                    fmt::format("'{}': unknown field {{{}}} (fields: {{clip}} {{reel}} {{tc}} "
                                "{{job}} {{index}})",
                                t, field));
            emit(field, true);
            i = close + 1;
        } else if (t[i] == '}') {
            throw InputError(fmt::format("'{}': '}}' without '{{'", t));
        } else {
            const auto next = t.find_first_of("{}", i);
            const std::size_t end = next == std::string::npos ? t.size() : next;
            emit(t.substr(i, end - i), false);
            i = end;
        }
    }
}

// Values become parts of file names: no separators, nothing hidden.
std::string safe(std::string v) {
    for (char& c : v)
        if (c == '/' || c == '\\' || c == ':' || static_cast<unsigned char>(c) < 32) c = '-';
    while (!v.empty() && v.front() == '.') v.erase(v.begin());
    return v.empty() ? "_" : v;
}

}  // namespace

void check_name_template(const std::string& name_template) {
    walk_template(name_template, [](const std::string&, bool) {});
}

std::string expand_name_template(const std::string& name_template, const ClipNameFields& f) {
    std::string out;
    walk_template(name_template, [&](const std::string& piece, bool field) {
        if (!field) {
            out += piece;
        } else if (piece == "clip") {
            out += safe(f.clip);
        } else if (piece == "reel") {
            out += safe(f.reel);
        } else if (piece == "tc") {
            out += safe(f.tc);
        } else if (piece == "job") {
            out += safe(f.job);
        } else {
            out += fmt::format("{:04d}", f.index);
        }
    });
    return out;
}

}  // namespace cinepipe
