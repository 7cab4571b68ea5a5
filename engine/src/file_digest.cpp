// hash_file and make_mhl_entry: the checksums a generation records for one file.

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cinepipe/error.h"
#include "cinepipe/mhl.h"
#include "hash_formats.h"
#include "mhl_layout.h"

namespace fs = std::filesystem;

namespace cinepipe {

FileDigest hash_file(const std::string& path, bool md5, const CancelToken* cancel) {
    std::vector<HashFormat> formats{HashFormat::xxh64};
    if (md5) formats.push_back(HashFormat::md5);
    FileHashes h = hash_file_formats(path, formats, cancel);
    FileDigest d;
    d.size = h.size;
    d.xxh64 = std::move(h.hashes[HashFormat::xxh64]);
    if (md5) d.md5 = std::move(h.hashes[HashFormat::md5]);
    return d;
}

MhlEntry make_mhl_entry(const std::string& root, const std::string& file, bool md5,
                        const CancelToken* cancel) {
    std::error_code ec;
    const fs::path abs_root = fs::absolute(root, ec).lexically_normal();
    const fs::path abs_file = fs::absolute(file, ec).lexically_normal();
    const std::string rel = abs_file.lexically_relative(abs_root).generic_string();
    if (!mhl::is_safe_relative_path(rel))
        throw InputError(file + ": not a file under the MHL root " + root);

    // The time is taken before hashing: if the file changes while it is read, the recorded
    // time is older than the change and a later look at the file shows it.
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        throw InputError(file + ": cannot open (" + std::strerror(errno) + ")");
    if (!S_ISREG(st.st_mode)) throw InputError(file + ": not a regular file");

    FileDigest d = hash_file(file, md5, cancel);
    MhlEntry e;
    e.path = rel;
    e.size = d.size;
    e.last_modified = mhl::iso8601_utc(st.st_mtime);
    e.xxh64 = std::move(d.xxh64);
    e.md5 = std::move(d.md5);
    return e;
}

}  // namespace cinepipe
