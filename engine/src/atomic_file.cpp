#include "atomic_file.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "cinepipe/error.h"

namespace fs = std::filesystem;

namespace cinepipe {

namespace {
std::atomic<unsigned> g_counter{0};  // unique temp names within one process

// The temporaries alive now, for remove_temporaries_now(): fixed slots of owned C strings, so
// a signal handler can walk them without locks or allocation. A file beyond the last slot is
// still removed by its destructor; only a crash would leave it.
constexpr std::size_t kLiveSlots = 256;
std::array<std::atomic<char*>, kLiveSlots> g_live{};

int register_live(const std::string& path) {
    for (std::size_t i = 0; i < kLiveSlots; ++i) {
        char* expected = nullptr;
        if (g_live[i].load(std::memory_order_relaxed) != nullptr) continue;
        // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): freed by unregister_live
        char* copy = ::strdup(path.c_str());
        if (!copy) return -1;
        if (g_live[i].compare_exchange_strong(expected, copy)) return static_cast<int>(i);
        std::free(copy);  // NOLINT(cppcoreguidelines-no-malloc)
    }
    return -1;
}

void unregister_live(int& slot) noexcept {
    if (slot < 0) return;
    std::free(g_live[static_cast<std::size_t>(slot)].exchange(nullptr));  // NOLINT
    slot = -1;
}

std::string temp_name_for(const fs::path& target) {
    const auto n = g_counter.fetch_add(1);
    const std::string name = "." + target.stem().string() + ".cinepipe-tmp-" +
                             std::to_string(::getpid()) + "-" + std::to_string(n) +
                             target.extension().string();
    return (target.parent_path() / name).string();
}
}  // namespace

void check_output_target(const std::string& path, bool overwrite) {
    const fs::path target(path);
    std::error_code ec;
    if (fs::is_directory(target, ec)) throw OutputError(path + ": is a folder, not an output file");
    if (!overwrite && fs::exists(target, ec))
        throw OutputError(path + ": already exists (use --overwrite to replace it)");
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    if (!fs::is_directory(dir, ec))
        throw OutputError(path + ": output folder '" + dir.string() + "' does not exist");
    if (::access(dir.c_str(), W_OK) != 0)
        throw OutputError(path + ": output folder '" + dir.string() + "' is not writable");
}

AtomicFile::AtomicFile(std::string final_path, bool overwrite)
    : final_(std::move(final_path)), overwrite_(overwrite) {
    check_output_target(final_, overwrite_);
    temp_ = temp_name_for(fs::path(final_));
    live_slot_ = register_live(temp_);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : final_(std::move(other.final_)),
      temp_(std::move(other.temp_)),
      overwrite_(other.overwrite_),
      done_(other.done_),
      live_slot_(other.live_slot_) {
    other.done_ = true;
    other.live_slot_ = -1;
}

AtomicFile::~AtomicFile() {
    discard();
}

void AtomicFile::discard() noexcept {
    if (done_) return;
    std::error_code ec;
    fs::remove(temp_, ec);
    unregister_live(live_slot_);
    done_ = true;
}

void AtomicFile::commit() {
    if (done_) throw OutputError(final_ + ": output already committed or discarded");
    std::error_code ec;
    if (!fs::exists(temp_, ec)) throw OutputError(final_ + ": nothing was written");
    if (!overwrite_ && fs::exists(final_, ec))
        throw OutputError(final_ + ": appeared while writing; not replacing it (use --overwrite)");
    fs::rename(temp_, final_, ec);
    if (ec)
        throw OutputError(final_ +
                          ": cannot rename the finished output into place: " + ec.message());
    unregister_live(live_slot_);
    done_ = true;
}

void remove_temporaries_now() noexcept {
    for (auto& slot : g_live)
        if (const char* path = slot.load()) ::unlink(path);
}

}  // namespace cinepipe
