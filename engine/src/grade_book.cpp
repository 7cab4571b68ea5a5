// One matching rule for per-shot grades, shared by `grade`, `grades` and batch jobs.

#include "cinepipe/grade_book.h"

#include <algorithm>
#include <filesystem>

#include "cinepipe/ale.h"

namespace cinepipe {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// "A001C003_v2.mov" -> "A001C003_v2": names compare without any extension.
std::string stem(const std::string& file) {
    std::string s = std::filesystem::path(file).filename().string();
    return s.substr(0, s.find('.'));
}

// The camera's clip id at the start of a name, as ARRI, RED, Sony and Blackmagic cameras write
// it: a reel letter and number, then C and the clip number ("A001C003" of
// "A001C003_201125_R1AB"). Empty when the name does not start with one.
std::string camera_clip_id(const std::string& name) {
    std::size_t i = 0;
    const auto digits = [&](std::size_t min) {
        const std::size_t start = i;
        while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])) != 0) ++i;
        return i - start >= min;
    };
    if (i >= name.size() || std::isalpha(static_cast<unsigned char>(name[i])) == 0) return {};
    ++i;
    if (!digits(3) || i >= name.size() || std::toupper(static_cast<unsigned char>(name[i])) != 'C')
        return {};
    ++i;
    if (!digits(3)) return {};
    if (i < name.size() && std::isalnum(static_cast<unsigned char>(name[i])) != 0) return {};
    return lower(name.substr(0, i));
}

}  // namespace

GradeBook GradeBook::load(const std::string& path) {
    GradeBook book;
    book.path_ = path;
    book.ale_ = lower(std::filesystem::path(path).extension().string()) == ".ale";
    if (book.ale_) {
        for (auto& row : load_ale(path))
            book.entries_.push_back({row.cdl, row.name, stem(row.source_file), row.tape, row.line});
    } else {
        for (auto& cdl : load_cdl_collection(path)) book.entries_.push_back({cdl, cdl.id, {}, {}, 0});
    }
    return book;
}

std::vector<std::string> GradeBook::ids() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
}

std::optional<GradeMatch> GradeBook::match(const std::string& clip_path,
                                           const MediaInfo& info) const {
    const auto result = [&](const Entry& e, const char* by, const std::string& key,
                            std::size_t matches) {
        GradeMatch m;
        m.cdl = e.cdl;
        m.cdl.id = e.name;
        m.matched_by = by;
        m.key = key;
        m.line = e.line;
        m.ambiguous = matches > 1;
        return m;
    };
    // A single CDL (a .cdl or .cc, or a one-entry .ccc) is the grade for whatever it is given.
    if (!ale_ && entries_.size() == 1) return result(entries_.front(), "only correction", "", 1);

    const auto first_of = [&](auto pred, const char* by,
                              const std::string& key) -> std::optional<GradeMatch> {
        if (key.empty()) return std::nullopt;
        const auto n = static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(), pred));
        if (n == 0) return std::nullopt;
        return result(*std::find_if(entries_.begin(), entries_.end(), pred), by, key, n);
    };
    const std::string file = stem(clip_path);
    if (auto m = first_of([&](const Entry& e) { return e.name == info.clip_name; }, "clip name",
                          info.clip_name))
        return m;
    if (auto m = first_of(
            [&](const Entry& e) {
                return e.name == file || (!e.source_file.empty() && e.source_file == file);
            },
            "file name", file))
        return m;
    // Camera clip names carry a date and a hash after the clip id; a grade named by the id alone
    // is that clip's, when only one grade has the id.
    for (const std::string& name : {info.clip_name, file}) {
        const std::string id = camera_clip_id(name);
        if (id.empty()) continue;
        const auto same_id = [&](const Entry& e) {
            return camera_clip_id(e.name) == id ||
                   (!e.source_file.empty() && camera_clip_id(e.source_file) == id);
        };
        if (auto m = first_of(same_id, "camera clip id", id)) return m;
    }
    // A reel holds many clips: in an ALE the reel picks a row only when it is the reel's only
    // graded row; in a .ccc an id equal to the reel is the reel's grade.
    const std::string& reel = info.reel_name;
    if (reel.empty()) return std::nullopt;
    if (ale_) {
        const auto on_reel = [&](const Entry& e) { return e.reel == reel; };
        if (std::count_if(entries_.begin(), entries_.end(), on_reel) != 1) return std::nullopt;
        return result(*std::find_if(entries_.begin(), entries_.end(), on_reel), "reel", reel, 1);
    }
    return first_of([&](const Entry& e) { return e.name == reel; }, "reel", reel);
}

}  // namespace cinepipe
