// verify_mhl: is the history intact (chain), and do the files still hash as recorded?

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "cinepipe/error.h"
#include "cinepipe/mhl.h"
#include "hash_formats.h"
#include "mhl_layout.h"
#include "mhl_reader.h"

namespace fs = std::filesystem;

namespace cinepipe {

namespace {

struct Location {
    fs::path root;     // what recorded paths are relative to
    fs::path folder;   // the ascmhl folder
    std::string only;  // a generation file asked for by name, else empty
};

fs::path without_trailing_slash(fs::path p) {
    p = p.lexically_normal();
    if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
    if (p.filename() == "." || p.filename() == "..")
        p = without_trailing_slash(fs::absolute(p).lexically_normal());
    return p;
}

fs::path parent_of(const fs::path& p) {
    return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

Location locate(const std::string& arg) {
    std::error_code ec;
    const fs::path p = without_trailing_slash(arg);
    Location loc;
    if (fs::is_regular_file(p, ec)) {
        if (p.extension() != mhl::kExtension)
            throw InputError(arg +
                             ": not an ASC MHL generation file (.mhl), ascmhl folder or root");
        loc.folder = without_trailing_slash(parent_of(p));
        loc.only = p.filename().string();
    } else if (fs::is_directory(p, ec)) {
        if (fs::exists(p / mhl::kChainFileName, ec) || p.filename() == mhl::kFolderName) {
            loc.folder = p;
        } else if (fs::is_directory(p / mhl::kFolderName, ec)) {
            loc.folder = p / mhl::kFolderName;
        } else {
            throw InputError(arg + ": no ascmhl folder here (not an ASC MHL history)");
        }
    } else {
        throw InputError(arg + ": does not exist");
    }
    loc.root = parent_of(loc.folder);
    return loc;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool same_hash(HashFormat format, const std::string& a, const std::string& b) {
    // C4 IDs are case-sensitive base58; hex may be written in either case.
    return format == HashFormat::c4 ? a == b : lower(a) == lower(b);
}

struct Expected {
    std::map<HashFormat, std::pair<std::string, int>> hashes;  // value, generation
    std::vector<std::string> unsupported;                      // formats we cannot compute
    std::optional<std::int64_t> size;
    int generation = 0;  // latest one that listed the file
};

// What each file should hash to: per format, the latest record that is not "failed". An
// "original" that contradicts an earlier record (the file was rewritten) replaces everything
// earlier generations recorded for that file.
void collect(const mhl::GenerationFile& g, std::map<std::string, Expected>& expected,
             std::vector<std::string>& order) {
    for (const auto& f : g.files) {
        auto [it, added] = expected.try_emplace(f.path);
        if (added) order.push_back(f.path);
        Expected& e = it->second;
        // An "original" that disagrees with an earlier record of its format: the file was
        // rewritten, and what earlier generations say about it no longer applies.
        const bool rewritten = std::any_of(f.hashes.begin(), f.hashes.end(), [&](const auto& h) {
            const auto format = hash_format_from_name(h.format);
            if (h.action != "original" || !format) return false;
            const auto before = e.hashes.find(*format);
            return before != e.hashes.end() && before->second.second < g.generation &&
                   !same_hash(*format, before->second.first, h.value);
        });
        if (rewritten) {
            e.hashes.clear();
            e.unsupported.clear();
        }
        for (const auto& h : f.hashes) {
            if (h.action == "failed") continue;
            if (const auto format = hash_format_from_name(h.format))
                e.hashes[*format] = {h.value, g.generation};
            else if (std::find(e.unsupported.begin(), e.unsupported.end(), h.format) ==
                     e.unsupported.end())
                e.unsupported.push_back(h.format);
        }
        if (f.size) e.size = f.size;
        e.generation = g.generation;
    }
}

class Verifier {
  public:
    Verifier(MhlVerifyResult& result, const Location& loc) : r_(result), loc_(loc) {}

    // Every generation file against the chain's reference hash; files the chain lacks.
    std::vector<mhl::GenerationFile> check_chain(const CancelToken* cancel) {
        const std::string chain_path = (loc_.folder / mhl::kChainFileName).string();
        std::error_code ec;
        if (!fs::exists(chain_path, ec))
            throw InputError(chain_path + ": missing (not an ASC MHL v2 history)");
        const std::vector<mhl::ChainLink> links = mhl::read_chain(chain_path);

        std::set<int> numbers;
        std::set<std::string> chained;
        for (const auto& link : links) {
            if (cancel) cancel->throw_if_cancelled();
            const std::string where = chain_path + ":" + std::to_string(link.line);
            if (!numbers.insert(link.generation).second)
                chain_problem(
                    fmt::format("{}: generation {} is listed twice", where, link.generation));
            if (!chained.insert(link.file).second)
                chain_problem(fmt::format("{}: {} is listed twice", where, link.file));
            if (!mhl::is_safe_relative_path(link.file) ||
                link.file.find('/') != std::string::npos) {
                chain_problem(
                    fmt::format("{}: '{}' is not a file in the ascmhl folder", where, link.file));
                continue;
            }
            const std::string file = (loc_.folder / link.file).string();
            if (const auto n = mhl::generation_number(link.file); n && *n != link.generation)
                chain_problem(fmt::format("{}: {} is named generation {} but chained as {}", where,
                                          link.file, *n, link.generation));
            if (!fs::exists(file, ec)) {
                chain_problem(fmt::format("{}: generation {} is in the chain but missing", file,
                                          link.generation));
                continue;
            }
            const auto format = hash_format_from_name(link.format);
            if (!format) {
                chain_problem(
                    fmt::format("{}: the chain's <{}> cannot be checked", where, link.format));
                continue;
            }
            const std::string actual = hash_file_formats(file, {*format}, cancel).hashes[*format];
            if (!same_hash(*format, actual, link.hash))
                chain_problem(fmt::format(
                    "{}: {} {} does not match the chain's {} (changed after it was written)", file,
                    link.format, actual, link.hash));
        }

        std::vector<mhl::GenerationFile> generations;
        std::set<int> named;
        for (const auto& name : mhl::mhl_files_in(loc_.folder.string())) {
            const std::string file = (loc_.folder / name).string();
            if (chained.count(name) == 0)
                chain_problem(file + ": not in " + mhl::kChainFileName +
                              " (added or renamed outside the history)");
            const auto n = mhl::generation_number(name);
            if (!n) {
                chain_problem(file + ": not named NNNN_<root>_<date>.mhl; not read");
                continue;
            }
            if (!named.insert(*n).second)
                chain_problem(fmt::format("{}: a second generation {}", file, *n));
            generations.push_back(mhl::read_generation(file, *n));
        }
        std::stable_sort(generations.begin(), generations.end(),
                         [](const auto& a, const auto& b) { return a.generation < b.generation; });
        r_.generations = static_cast<int>(generations.size());
        return generations;
    }

    void check_file(const std::string& path, const Expected& e, bool also_md5,
                    const CancelToken* cancel, StageMeter& meter) {
        if (!mhl::is_safe_relative_path(path)) {
            r_.problems.push_back(
                fmt::format("'{}': recorded path leaves the root; not checked", path));
            return;
        }
        std::vector<HashFormat> formats;
        const bool has_fast = std::any_of(e.hashes.begin(), e.hashes.end(),
                                          [](const auto& h) { return !is_cryptographic(h.first); });
        for (const auto& [format, value] : e.hashes)
            if (also_md5 || !has_fast || !is_cryptographic(format)) formats.push_back(format);
        if (formats.empty()) {
            std::string names;
            for (const auto& u : e.unsupported) names += (names.empty() ? "" : ", ") + u;
            r_.problems.push_back(fmt::format("{}: no recorded hash cinepipe can check ({})", path,
                                              names.empty() ? "none" : names));
            return;
        }

        MhlCheck c;
        c.path = path;
        const HashFormat primary = formats.front();
        c.algorithm = hash_format_name(primary);
        c.expected = e.hashes.at(primary).first;
        c.generation = e.hashes.at(primary).second;
        const fs::path file = loc_.root / path;
        std::error_code ec;
        const auto status = fs::status(file, ec);
        if (!fs::exists(status)) {
            c.status = "missing";
        } else if (!fs::is_regular_file(status)) {
            c.status = "unreadable";
            c.actual = "not a regular file";
        } else if (const auto size = fs::file_size(file, ec);
                   !ec && e.size && size != static_cast<std::uintmax_t>(*e.size)) {
            // A different size settles it without reading the file.
            c.status = "mismatch";
            c.algorithm = "size";
            c.expected = std::to_string(*e.size);
            c.actual = std::to_string(size);
        } else {
            try {
                StageTimer timer(&meter);
                const FileHashes got = hash_file_formats(file.string(), formats, cancel);
                timer.count(0, got.size);
                c.status = "ok";
                c.actual = got.hashes.at(primary);
                for (const auto f : formats) {
                    const auto& [want, generation] = e.hashes.at(f);
                    const std::string& have = got.hashes.at(f);
                    if (!same_hash(f, want, have)) {
                        c.status = "mismatch";
                        c.algorithm = hash_format_name(f);
                        c.expected = want;
                        c.actual = have;
                        c.generation = generation;
                        break;
                    }
                }
            } catch (const InputError& err) {
                c.status = "unreadable";
                c.actual = err.what();
            }
        }
        r_.checks.push_back(std::move(c));
    }

    // Files under the root that no generation lists (outside the ignore patterns).
    void find_new(const std::map<std::string, Expected>& expected,
                  const std::vector<std::string>& ignore, const CancelToken* cancel) {
        std::error_code ec;
        std::vector<std::string> found;
        fs::recursive_directory_iterator it(loc_.root,
                                            fs::directory_options::skip_permission_denied, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (cancel) cancel->throw_if_cancelled();
            const std::string rel = it->path().lexically_relative(loc_.root).generic_string();
            if (it->is_directory(ec)) {
                if (mhl::is_ignored(rel, true, ignore)) it.disable_recursion_pending();
                continue;
            }
            if (!it->is_regular_file(ec) || mhl::is_ignored(rel, false, ignore)) continue;
            if (expected.count(rel) == 0) found.push_back(rel);
        }
        std::sort(found.begin(), found.end());
        for (auto& rel : found) {
            MhlCheck c;
            c.path = std::move(rel);
            c.status = "new";
            r_.checks.push_back(std::move(c));
        }
    }

  private:
    void chain_problem(std::string what) {
        r_.chain_ok = false;
        r_.problems.push_back(std::move(what));
    }

    MhlVerifyResult& r_;
    const Location& loc_;
};

}  // namespace

std::size_t MhlVerifyResult::failed() const {
    return static_cast<std::size_t>(std::count_if(checks.begin(), checks.end(), [](const auto& c) {
        return c.status != "ok" && c.status != "new";
    }));
}

std::size_t MhlVerifyResult::checked() const {
    return static_cast<std::size_t>(std::count_if(checks.begin(), checks.end(),
                                                  [](const auto& c) { return c.status != "new"; }));
}

MhlVerifyResult verify_mhl(const std::string& path, bool also_md5, const CancelToken* cancel) {
    const Location loc = locate(path);
    MhlVerifyResult r;
    r.root = loc.root.string();
    r.mhl = loc.only.empty() ? loc.folder.string() : (loc.folder / loc.only).string();
    Verifier v(r, loc);
    const auto start = std::chrono::steady_clock::now();
    StatsRecorder recorder;
    std::optional<StageTimer> timer(&recorder.stage("check chain"));
    const std::vector<mhl::GenerationFile> generations = v.check_chain(cancel);
    timer.reset();

    std::map<std::string, Expected> expected;
    std::vector<std::string> order;
    if (!loc.only.empty()) {
        const auto g = std::find_if(generations.begin(), generations.end(), [&](const auto& x) {
            return fs::path(x.path).filename() == loc.only;
        });
        // A misnamed .mhl is not part of the history (a problem already), but asked for by name
        // it is still read and its files checked.
        collect(g != generations.end() ? *g : mhl::read_generation(r.mhl, 0), expected, order);
    } else {
        for (const auto& g : generations) collect(g, expected, order);
    }
    StageMeter& hashing = recorder.stage("hash files");
    for (const auto& p : order) {
        if (cancel) cancel->throw_if_cancelled();
        v.check_file(p, expected.at(p), also_md5, cancel, hashing);
    }
    if (loc.only.empty()) {
        timer.emplace(&recorder.stage("look for new files"));
        std::vector<std::string> ignore = mhl::default_ignore_patterns();
        if (!generations.empty())
            for (const auto& p : generations.back().ignore_patterns) ignore.push_back(p);
        v.find_new(expected, ignore, cancel);
        timer.reset();
    }
    r.stats = recorder.snapshot();
    r.stats.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace cinepipe
