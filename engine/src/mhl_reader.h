#pragma once
// Reading an ASC MHL v2 history: the chain file and generation files, into plain structs.
// Element names follow the spec's schemas (ascmitc/mhl: xsd/ASCMHL.xsd,
// xsd/ASCMHLDirectory.xsd). Namespace prefixes are ignored, so "ascmhl:hash" reads as "hash".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cinepipe::mhl {

// One <hashlist> of ascmhl_chain.xml: a generation file and its reference hash.
struct ChainLink {
    int generation = 0;  // sequencenr
    std::string file;    // the generation file's name, relative to the ascmhl folder
    std::string format;  // "c4" (the only one the spec uses)
    std::string hash;
    int line = 0;  // where it is in the chain file
};

// InputError naming the file (and line) when it is not well-formed XML or not a chain.
std::vector<ChainLink> read_chain(const std::string& chain_path);

struct RecordedHash {
    std::string format;  // element name: "xxh64", "md5", ...
    std::string value;
    std::string action;  // "original", "verified", "failed" or empty
};

// One <hash> of a generation: a file and what was recorded for it.
struct RecordedFile {
    std::string path;
    std::optional<std::int64_t> size;
    std::string last_modified;
    std::vector<RecordedHash> hashes;
    int line = 0;
};

struct GenerationFile {
    std::string path;  // of the .mhl file
    int generation = 0;
    std::string creation_date, hostname, tool, tool_version, process;
    std::vector<std::string> ignore_patterns;
    std::vector<RecordedFile> files;  // <directoryhash> entries are not read
};

// InputError naming the file (and line) when it is not well-formed XML or not an ASC MHL v2
// hashlist.
GenerationFile read_generation(const std::string& path, int generation);

}  // namespace cinepipe::mhl
