#pragma once
// The hash formats ASC MHL records, computed together in one read of a file. xxHash comes
// from libxxhash; md5, sha1 and the SHA-512 under C4 IDs from libavutil.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cinepipe/cancel.h"

namespace cinepipe {

// In the order verification prefers them when it need not compute all: fast ones first.
enum class HashFormat { xxh64, xxh3, xxh128, md5, sha1, c4 };

// The element name ASC MHL uses ("xxh64", "md5", ...).
const char* hash_format_name(HashFormat format);
// nullopt for a name cinepipe cannot compute (sha256, xxh32 ...).
std::optional<HashFormat> hash_format_from_name(std::string_view name);
// md5, sha1 and c4: an order of magnitude slower than xxHash.
bool is_cryptographic(HashFormat format);

// Feeds the same bytes to several hashes.
class MultiHasher {
  public:
    explicit MultiHasher(const std::vector<HashFormat>& formats);
    ~MultiHasher();
    MultiHasher(const MultiHasher&) = delete;
    MultiHasher& operator=(const MultiHasher&) = delete;

    void update(const void* data, std::size_t size);
    // Lower-case hex (C4: its base58 ID) per format. Call once.
    std::map<HashFormat, std::string> finish();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct FileHashes {
    std::int64_t size = 0;
    std::map<HashFormat, std::string> hashes;
};

// Reads `path` once in 4 MiB blocks. InputError naming the file on open/read failure;
// Cancelled between blocks when `cancel` fires.
FileHashes hash_file_formats(const std::string& path, const std::vector<HashFormat>& formats,
                             const CancelToken* cancel);

// Hashes of bytes in memory (tests, generation files).
std::string hash_bytes(HashFormat format, std::string_view bytes);

}  // namespace cinepipe
