#pragma once
// ASC MHL v2 (the ASC Media Hash List): file checksums kept beside the media in ROOT/ascmhl/,
// one generation file per hashing pass plus a chain file holding each generation's C4 ID, so
// any later copy or edit of the media, or of the history itself, can be detected.
// docs/mhl.md describes what is written and what is not implemented.

#include <cstdint>
#include <string>
#include <vector>

#include "cinepipe/cancel.h"
#include "cinepipe/run_stats.h"

namespace cinepipe {

// Checksums of one file, as lower-case hex. xxh64 is XXH64 with seed 0 in its canonical
// (big-endian) form, as `xxhsum -H1` and ASC MHL print it.
struct FileDigest {
    std::int64_t size = 0;
    std::string xxh64;
    std::string md5;  // empty unless asked for
};

// Reads the file once, in bounded blocks (memory does not grow with its size). Throws
// InputError naming the file when it cannot be opened or read, Cancelled when `cancel` fires.
FileDigest hash_file(const std::string& path, bool md5, const CancelToken* cancel = nullptr);

// One file of a generation.
struct MhlEntry {
    std::string path;           // relative to the root, '/' separators, no "..", not in ascmhl/
    std::int64_t size = 0;      // bytes
    std::string last_modified;  // ISO 8601 ("2024-05-01T10:00:00+00:00"); empty: not written
    std::string xxh64;          // required
    std::string md5;            // optional
};

// Hashes `file` (a path under `root`) and fills its entry: the path relative to `root`, the
// size and modification time from the file system, xxh64 and (when `md5`) md5. InputError when
// the file is unreadable or not under `root`.
MhlEntry make_mhl_entry(const std::string& root, const std::string& file, bool md5,
                        const CancelToken* cancel = nullptr);

// Who wrote a generation (the <creatorinfo> and <processinfo> of the file).
struct MhlCreator {
    std::string tool = "cinepipe";
    std::string tool_version;          // empty: cinepipe's version
    std::string hostname;              // empty: this machine's name
    std::string process = "in-place";  // "in-place", "transfer" or "flatten" (the spec's values)
    std::string comment;               // optional
};

// Adds a generation to the history in ROOT/ascmhl (created if missing): a new file
// "NNNN_<root folder name>_<YYYY-MM-DD_HHMMSS>Z.mhl" (UTC; NNNN one more than the last
// generation) listing `entries`, and its C4 ID appended to ascmhl_chain.xml. Both are written
// atomically; concurrent writers to one root are serialised by a lock on the folder. A hash
// equal to the one an earlier generation recorded for the same path is marked "verified",
// anything else "original". Returns the new generation file's path.
// Throws InputError for a bad entry (path, missing xxh64, duplicate) or an unreadable existing
// history, OutputError when the files cannot be written.
std::string write_mhl_generation(const std::string& root, const std::vector<MhlEntry>& entries,
                                 const MhlCreator& creator = {});

// The outcome for one file.
struct MhlCheck {
    std::string path;       // relative to the root, as recorded
    std::string status;     // "ok", "mismatch", "missing", "unreadable", or "new" (a file under
                            // the root that no generation lists; not a failure)
    std::string algorithm;  // what expected/actual are: a hash format ("xxh64", "md5", ...) or
                            // "size"; empty for "new"
    std::string expected;   // the recorded value
    std::string actual;     // what the file gives now (the reason, when "unreadable")
    int generation = 0;     // the generation whose record was checked
};

struct MhlVerifyResult {
    std::string root;     // the folder the recorded paths are relative to
    std::string mhl;      // the ascmhl folder, or the one generation file asked for
    int generations = 0;  // generation files in the history
    std::vector<MhlCheck> checks;
    bool chain_ok = true;               // every generation file matches its C4 ID in the chain
    std::vector<std::string> problems;  // chain and history problems, one line each
    // "check chain" (the generation files against their C4 IDs), "hash files" (bytes read)
    // and "look for new files", for --stats.
    RunStats stats;

    // Files whose check failed (mismatch, missing, unreadable).
    [[nodiscard]] std::size_t failed() const;
    // Files checked ("new" ones are not).
    [[nodiscard]] std::size_t checked() const;
    // Nothing failed and the chain is intact.
    [[nodiscard]] bool ok() const { return chain_ok && problems.empty() && failed() == 0; }
};

// Verifies a history. `path` is the root folder, its ascmhl folder, or one generation file.
// The chain is checked first (every generation's file against its C4 ID; generation files the
// chain does not list are problems too). Then every file is re-hashed and compared with the
// latest generation that recorded it (only the files that generation file lists, when one was
// given): xxh64, xxh3, xxh128 and, when `also_md5` or no xxHash was recorded, md5, sha1 and c4.
// Throws InputError naming the file (and line) for a missing or malformed chain or generation.
MhlVerifyResult verify_mhl(const std::string& path, bool also_md5 = true,
                           const CancelToken* cancel = nullptr);

}  // namespace cinepipe
