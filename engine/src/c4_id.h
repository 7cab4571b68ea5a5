#pragma once
// C4 IDs (SMPTE ST 2114): the SHA-512 of the bytes as a base58 number (bitcoin alphabet),
// left-padded with '1' (its zero) to 88 digits and prefixed "c4": always 90 characters.
// ASC MHL references generation files by their C4 ID in ascmhl_chain.xml.

#include <array>
#include <cstdint>
#include <string>

namespace cinepipe {

std::string c4_id_from_sha512(const std::array<std::uint8_t, 64>& digest);

}  // namespace cinepipe
