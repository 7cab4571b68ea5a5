#pragma once
// Memory for pictures. On the virtual machines post houses render on, the first write to each
// 4 KB page of a new buffer traps to the kernel: about 12 us a page measured here, 110 ms for
// one 4K 10-bit picture, more than decoding it. Buffers of 2 MB and more are therefore aligned
// to 2 MB and advised as huge pages (Linux transparent huge pages in "madvise" mode, the
// Debian default), which the kernel maps 2 MB at a time: 2.4 ms for the same picture. Where
// huge pages are off this is plain aligned memory.

#include <cstddef>
#include <cstdint>

namespace cinepipe {

// At least `bytes`, aligned for any SIMD load (64 bytes). Throws std::bad_alloc.
[[nodiscard]] std::uint8_t* allocate_picture_memory(std::size_t bytes);
void free_picture_memory(std::uint8_t* memory) noexcept;

}  // namespace cinepipe
