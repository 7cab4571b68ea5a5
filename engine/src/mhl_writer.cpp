// write_mhl_generation: a new generation file and the chain entry that seals it. The XML
// follows the spec's schema (ascmitc/mhl: xsd/ASCMHL.xsd, xsd/ASCMHLDirectory.xsd) and the
// reference writer's layout (ascmhl/hashlist_xml_parser.py, ascmhl/chain_xml_parser.py).

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <string_view>

#include "cinepipe/error.h"
#include "cinepipe/mhl.h"
#include "cinepipe/output_file.h"
#include "cinepipe/version.h"
#include "hash_formats.h"
#include "mhl_layout.h"
#include "mhl_reader.h"

namespace fs = std::filesystem;

namespace cinepipe {

namespace {

// Holds an exclusive lock on the ascmhl folder while a generation is numbered and chained, so
// two writers to one root (two batch jobs) cannot both take the same sequence number.
class FolderLock {
  public:
    explicit FolderLock(const std::string& folder)
        : fd_(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (fd_ < 0) throw OutputError(folder + ": cannot open (" + std::strerror(errno) + ")");
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd_);
            throw OutputError(folder + ": cannot lock (" + why + ")");
        }
    }
    ~FolderLock() { ::close(fd_); }  // closing releases the lock
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

  private:
    int fd_;
};

struct StringWriter : pugi::xml_writer {
    std::string text;
    void write(const void* data, std::size_t size) override {
        text.append(static_cast<const char*>(data), size);
    }
};

std::string serialise(pugi::xml_document& doc) {
    pugi::xml_node decl = doc.prepend_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    StringWriter w;
    doc.save(w, "  ", pugi::format_indent, pugi::encoding_utf8);
    return w.text;
}

void add_text(pugi::xml_node parent, const char* name, const std::string& text) {
    parent.append_child(name).text().set(text.c_str());
}

// Lower-case hex of the expected length, or "" when it is not one.
std::string normalised_hex(std::string hex, std::size_t digits) {
    if (hex.size() != digits) return "";
    for (auto& c : hex) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return hex;
}

// The hash last recorded for each path and format, skipping "failed" records (those hold what
// a bad copy gave, not what the file should be).
using KnownHashes = std::map<std::string, std::map<std::string, std::string>>;

KnownHashes known_hashes(const std::vector<mhl::GenerationFile>& generations) {
    KnownHashes known;
    for (const auto& g : generations)
        for (const auto& f : g.files)
            for (const auto& h : f.hashes)
                if (h.action != "failed") known[f.path][h.format] = h.value;
    return known;
}

std::string hashlist_xml(const std::vector<MhlEntry>& entries, const MhlCreator& creator,
                         const std::vector<std::string>& ignore_patterns, const KnownHashes& known,
                         const std::string& now) {
    pugi::xml_document doc;
    pugi::xml_node hashlist = doc.append_child("hashlist");
    hashlist.append_attribute("version") = "2.0";
    hashlist.append_attribute("xmlns") = mhl::kHashlistNamespace;

    // The schema's order: creationdate, hostname, tool, author*, location?, comment?.
    pugi::xml_node info = hashlist.append_child("creatorinfo");
    add_text(info, "creationdate", now);
    std::string host = creator.hostname;
    if (host.empty()) {
        char buf[256] = {};
        if (::gethostname(buf, sizeof buf - 1) == 0) host = buf;
        if (host.empty()) host = "localhost";
    }
    add_text(info, "hostname", host);
    pugi::xml_node tool = info.append_child("tool");
    tool.append_attribute("version") =
        (creator.tool_version.empty() ? std::string(version_string()) : creator.tool_version)
            .c_str();
    tool.text().set(creator.tool.empty() ? "cinepipe" : creator.tool.c_str());
    if (!creator.comment.empty()) add_text(info, "comment", creator.comment);

    // No <roothash>: cinepipe does not compute directory hashes (docs/mhl.md).
    pugi::xml_node process = hashlist.append_child("processinfo");
    add_text(process, "process", creator.process);
    pugi::xml_node ignore = process.append_child("ignore");
    for (const auto& p : ignore_patterns) add_text(ignore, "pattern", p);

    pugi::xml_node hashes = hashlist.append_child("hashes");
    for (const auto& e : entries) {
        pugi::xml_node hash = hashes.append_child("hash");
        pugi::xml_node path = hash.append_child("path");
        path.append_attribute("size") = static_cast<long long>(e.size);
        if (!e.last_modified.empty())
            path.append_attribute("lastmodificationdate") = e.last_modified.c_str();
        path.text().set(e.path.c_str());
        const auto before = known.find(e.path);
        const std::pair<const char*, const std::string*> recorded[] = {{"xxh64", &e.xxh64},
                                                                       {"md5", &e.md5}};
        for (const auto& [format, value_ptr] : recorded) {
            const std::string& value = *value_ptr;
            if (value.empty()) continue;
            // Equal to what an earlier generation recorded: this pass verified it. Different
            // (or never seen): the caller just wrote or first hashed it, so it is an original.
            bool verified = false;
            if (before != known.end()) {
                const auto it = before->second.find(format);
                verified = it != before->second.end() && it->second == value;
            }
            pugi::xml_node h = hash.append_child(format);
            h.append_attribute("action") = verified ? "verified" : "original";
            h.append_attribute("hashdate") = now.c_str();
            h.text().set(value.c_str());
        }
    }
    return serialise(doc);
}

std::string chain_xml(const std::vector<mhl::ChainLink>& links) {
    pugi::xml_document doc;
    pugi::xml_node dir = doc.append_child("ascmhldirectory");
    dir.append_attribute("xmlns") = mhl::kChainNamespace;
    for (const auto& link : links) {
        pugi::xml_node h = dir.append_child("hashlist");
        h.append_attribute("sequencenr") = link.generation;
        add_text(h, "path", link.file);
        add_text(h, link.format.c_str(), link.hash);
    }
    return serialise(doc);
}

// Checked copies of the entries, sorted by path so generation files diff cleanly.
std::vector<MhlEntry> validated(const std::string& root, std::vector<MhlEntry> entries) {
    if (entries.empty()) throw InputError(root + ": no files to record in an MHL generation");
    std::set<std::string> seen;
    const std::string folder_prefix = std::string(mhl::kFolderName) + "/";
    for (auto& e : entries) {
        const std::string what = root + ": MHL entry '" + e.path + "': ";
        if (!mhl::is_safe_relative_path(e.path) || e.path.find('\\') != std::string::npos)
            throw InputError(what + "not a relative path under the root with '/' separators");
        if (e.path == mhl::kFolderName || e.path.starts_with(folder_prefix))
            throw InputError(what + "the ascmhl folder is not media");
        if (!seen.insert(e.path).second) throw InputError(what + "listed twice");
        if (e.size < 0) throw InputError(what + "negative size");
        const std::string xxh64 = normalised_hex(e.xxh64, 16);
        if (xxh64.empty()) throw InputError(what + "xxh64 must be 16 hex digits");
        e.xxh64 = xxh64;
        if (!e.md5.empty()) {
            const std::string md5 = normalised_hex(e.md5, 32);
            if (md5.empty()) throw InputError(what + "md5 must be 32 hex digits");
            e.md5 = md5;
        }
    }
    std::sort(entries.begin(), entries.end(),
              [](const MhlEntry& a, const MhlEntry& b) { return a.path < b.path; });
    return entries;
}

}  // namespace

std::string write_mhl_generation(const std::string& root, const std::vector<MhlEntry>& entries,
                                 const MhlCreator& creator) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw OutputError(root + ": MHL root folder does not exist");
    if (creator.process != "in-place" && creator.process != "transfer" &&
        creator.process != "flatten")
        throw InputError("MHL process '" + creator.process +
                         "' is not one of in-place, transfer, flatten");
    const std::vector<MhlEntry> sorted = validated(root, entries);

    const fs::path folder = fs::path(root) / mhl::kFolderName;
    fs::create_directory(folder, ec);
    if (ec) throw OutputError(folder.string() + ": cannot create (" + ec.message() + ")");
    const FolderLock lock(folder.string());

    // The history so far: the chain, and every generation file (for the last sequence number,
    // the ignore list and the hashes earlier passes recorded).
    const std::string chain_path = (folder / mhl::kChainFileName).string();
    std::vector<mhl::ChainLink> links;
    if (fs::exists(chain_path, ec)) links = mhl::read_chain(chain_path);
    int last = 0;
    for (const auto& link : links) last = std::max(last, link.generation);
    std::vector<mhl::GenerationFile> generations;
    for (const auto& name : mhl::mhl_files_in(folder.string())) {
        const auto n = mhl::generation_number(name);
        if (!n) continue;
        last = std::max(last, *n);
        generations.push_back(mhl::read_generation((folder / name).string(), *n));
    }
    if (links.empty() && !generations.empty())
        throw InputError(chain_path +
                         ": missing, but the folder holds generation files; not extending a "
                         "history whose earlier generations cannot be checked");
    std::sort(generations.begin(), generations.end(),
              [](const auto& a, const auto& b) { return a.generation < b.generation; });

    std::vector<std::string> ignore = mhl::default_ignore_patterns();
    if (!generations.empty())
        for (const auto& p : generations.back().ignore_patterns)
            if (std::find(ignore.begin(), ignore.end(), p) == ignore.end()) ignore.push_back(p);

    const std::time_t now = std::time(nullptr);
    const int generation = last + 1;
    const std::string name =
        mhl::generation_file_name(generation, mhl::root_folder_name(root), now);
    const std::string path = (folder / name).string();
    const std::string text =
        hashlist_xml(sorted, creator, ignore, known_hashes(generations), mhl::iso8601_utc(now));

    TextOutput out(path, false);
    out.write(text);
    out.commit();
    try {
        links.push_back({generation, name, "c4", hash_bytes(HashFormat::c4, text), 0});
        TextOutput chain(chain_path, true);
        chain.write(chain_xml(links));
        chain.commit();
    } catch (...) {
        // An unchained generation would read as tampering; leave the history as it was.
        fs::remove(path, ec);
        throw;
    }
    return path;
}

}  // namespace cinepipe
