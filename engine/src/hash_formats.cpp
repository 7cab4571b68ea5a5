#include "hash_formats.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

extern "C" {
#include <libavutil/md5.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>
#include <libavutil/sha512.h>
}

#include "c4_id.h"
#include "cinepipe/error.h"

namespace cinepipe {

namespace {

constexpr std::size_t kBlockBytes = std::size_t{4} << 20;

template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * N);
    for (const auto b : bytes) {
        hex += kHex[b >> 4];
        hex += kHex[b & 15];
    }
    return hex;
}

struct AvFree {
    void operator()(void* p) const { av_free(p); }
};
struct Xxh64Free {
    void operator()(XXH64_state_t* s) const { XXH64_freeState(s); }
};
struct Xxh3Free {
    void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};

template <typename T>
T* checked(T* p) {
    if (!p) throw std::bad_alloc();
    return p;
}

// A file descriptor closed on every path out.
class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const { return fd_; }

  private:
    int fd_;
};

}  // namespace

const char* hash_format_name(HashFormat format) {
    switch (format) {
        case HashFormat::xxh64:
            return "xxh64";
        case HashFormat::xxh3:
            return "xxh3";
        case HashFormat::xxh128:
            return "xxh128";
        case HashFormat::md5:
            return "md5";
        case HashFormat::sha1:
            return "sha1";
        case HashFormat::c4:
            return "c4";
    }
    return "?";
}

std::optional<HashFormat> hash_format_from_name(std::string_view name) {
    for (auto f : {HashFormat::xxh64, HashFormat::xxh3, HashFormat::xxh128, HashFormat::md5,
                   HashFormat::sha1, HashFormat::c4})
        if (name == hash_format_name(f)) return f;
    return std::nullopt;
}

bool is_cryptographic(HashFormat format) {
    return format == HashFormat::md5 || format == HashFormat::sha1 || format == HashFormat::c4;
}

struct MultiHasher::Impl {
    std::unique_ptr<XXH64_state_t, Xxh64Free> xxh64;
    std::unique_ptr<XXH3_state_t, Xxh3Free> xxh3, xxh128;
    std::unique_ptr<AVMD5, AvFree> md5;
    std::unique_ptr<AVSHA, AvFree> sha1;
    std::unique_ptr<AVSHA512, AvFree> sha512;  // for c4
};

MultiHasher::MultiHasher(const std::vector<HashFormat>& formats) : impl_(std::make_unique<Impl>()) {
    for (const auto f : formats) {
        switch (f) {
            case HashFormat::xxh64:
                impl_->xxh64.reset(checked(XXH64_createState()));
                XXH64_reset(impl_->xxh64.get(), 0);
                break;
            case HashFormat::xxh3:
                impl_->xxh3.reset(checked(XXH3_createState()));
                XXH3_64bits_reset(impl_->xxh3.get());
                break;
            case HashFormat::xxh128:
                impl_->xxh128.reset(checked(XXH3_createState()));
                XXH3_128bits_reset(impl_->xxh128.get());
                break;
            case HashFormat::md5:
                impl_->md5.reset(checked(av_md5_alloc()));
                av_md5_init(impl_->md5.get());
                break;
            case HashFormat::sha1:
                impl_->sha1.reset(checked(av_sha_alloc()));
                av_sha_init(impl_->sha1.get(), 160);
                break;
            case HashFormat::c4:
                impl_->sha512.reset(checked(av_sha512_alloc()));
                av_sha512_init(impl_->sha512.get(), 512);
                break;
        }
    }
}

MultiHasher::~MultiHasher() = default;

void MultiHasher::update(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    if (impl_->xxh64) XXH64_update(impl_->xxh64.get(), bytes, size);
    if (impl_->xxh3) XXH3_64bits_update(impl_->xxh3.get(), bytes, size);
    if (impl_->xxh128) XXH3_128bits_update(impl_->xxh128.get(), bytes, size);
    if (impl_->md5) av_md5_update(impl_->md5.get(), bytes, size);
    if (impl_->sha1) av_sha_update(impl_->sha1.get(), bytes, size);
    if (impl_->sha512) av_sha512_update(impl_->sha512.get(), bytes, size);
}

std::map<HashFormat, std::string> MultiHasher::finish() {
    std::map<HashFormat, std::string> out;
    // xxHash digests are printed in their canonical big-endian byte order, which is what
    // xxhsum and the ASC MHL reference (python-xxhash hexdigest) print.
    if (impl_->xxh64) {
        XXH64_canonical_t c;
        XXH64_canonicalFromHash(&c, XXH64_digest(impl_->xxh64.get()));
        std::array<std::uint8_t, 8> b{};
        std::memcpy(b.data(), c.digest, b.size());
        out[HashFormat::xxh64] = to_hex(b);
    }
    if (impl_->xxh3) {
        XXH64_canonical_t c;
        XXH64_canonicalFromHash(&c, XXH3_64bits_digest(impl_->xxh3.get()));
        std::array<std::uint8_t, 8> b{};
        std::memcpy(b.data(), c.digest, b.size());
        out[HashFormat::xxh3] = to_hex(b);
    }
    if (impl_->xxh128) {
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(impl_->xxh128.get()));
        std::array<std::uint8_t, 16> b{};
        std::memcpy(b.data(), c.digest, b.size());
        out[HashFormat::xxh128] = to_hex(b);
    }
    if (impl_->md5) {
        std::array<std::uint8_t, 16> b{};
        av_md5_final(impl_->md5.get(), b.data());
        out[HashFormat::md5] = to_hex(b);
    }
    if (impl_->sha1) {
        std::array<std::uint8_t, 20> b{};
        av_sha_final(impl_->sha1.get(), b.data());
        out[HashFormat::sha1] = to_hex(b);
    }
    if (impl_->sha512) {
        std::array<std::uint8_t, 64> b{};
        av_sha512_final(impl_->sha512.get(), b.data());
        out[HashFormat::c4] = c4_id_from_sha512(b);
    }
    return out;
}

FileHashes hash_file_formats(const std::string& path, const std::vector<HashFormat>& formats,
                             const CancelToken* cancel) {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
    // The whole file is read once, front to back; tell the kernel so it reads ahead.
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    MultiHasher hasher(formats);
    std::vector<std::uint8_t> block(kBlockBytes);
    FileHashes result;
    for (;;) {
        if (cancel) cancel->throw_if_cancelled();
        const ssize_t n = ::read(fd.get(), block.data(), block.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw InputError(path + ": read failed after " + std::to_string(result.size) +
                             " bytes (" + std::strerror(errno) + ")");
        }
        if (n == 0) break;
        hasher.update(block.data(), static_cast<std::size_t>(n));
        result.size += n;
    }
    result.hashes = hasher.finish();
    return result;
}

std::string hash_bytes(HashFormat format, std::string_view bytes) {
    MultiHasher hasher({format});
    hasher.update(bytes.data(), bytes.size());
    return hasher.finish().at(format);
}

}  // namespace cinepipe
