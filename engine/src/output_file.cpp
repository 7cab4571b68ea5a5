#include "cinepipe/output_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "atomic_file.h"
#include "cinepipe/error.h"

namespace cinepipe {

struct TextOutput::Impl {
    std::string path;
    AtomicFile file;
    std::ofstream out;
    bool closed = false;

    Impl(const std::string& p, bool overwrite) : path(p), file(p, overwrite) {
        out.open(file.temp_path(), std::ios::binary | std::ios::trunc);
        if (!out) throw OutputError(path + ": cannot create (" + std::strerror(errno) + ")");
    }
};

std::string comparable_path(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path resolved = fs::weakly_canonical(fs::absolute(path), ec);
    return ec ? fs::absolute(path).lexically_normal().string() : resolved.string();
}

bool is_same_file(const std::string& output, const std::string& input) {
    if (comparable_path(output) == comparable_path(input)) return true;
    std::error_code ec;
    return std::filesystem::equivalent(output, input, ec) && !ec;
}

TextOutput::TextOutput(const std::string& path, bool overwrite)
    : impl_(std::make_unique<Impl>(path, overwrite)) {}

TextOutput::~TextOutput() = default;

void TextOutput::write(std::string_view text) {
    impl_->out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!impl_->out)
        throw OutputError(impl_->path + ": write failed (" + std::strerror(errno) + ")");
}

void TextOutput::close() {
    if (impl_->closed) return;
    impl_->out.flush();
    impl_->out.close();
    if (!impl_->out)
        throw OutputError(impl_->path + ": write failed (" + std::strerror(errno) + ")");
    impl_->closed = true;
}

void TextOutput::commit() {
    close();
    impl_->file.commit();
}

const std::string& TextOutput::path() const {
    return impl_->path;
}

}  // namespace cinepipe
