#include "picture_memory.h"

#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace cinepipe {

namespace {

constexpr std::size_t kSimdAlign = 64;
constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t round_up(std::size_t v, std::size_t to) {
    return (v + to - 1) / to * to;
}

}  // namespace

std::uint8_t* allocate_picture_memory(std::size_t bytes) {
    const bool huge = bytes >= kHugePage;
    // aligned_alloc wants a multiple of the alignment; rounding up to whole huge pages also
    // lets the advice cover the buffer's last page.
    const std::size_t size = round_up(bytes == 0 ? 1 : bytes, huge ? kHugePage : kSimdAlign);
    void* memory = std::aligned_alloc(huge ? kHugePage : kSimdAlign, size);
    if (memory == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Advice only: where huge pages are unavailable the call fails and 4 KB pages are used.
    if (huge) (void)madvise(memory, size, MADV_HUGEPAGE);
#endif
    return static_cast<std::uint8_t*>(memory);
}

void free_picture_memory(std::uint8_t* memory) noexcept {
    std::free(memory);
}

}  // namespace cinepipe
