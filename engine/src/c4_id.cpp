#include "c4_id.h"

#include <algorithm>

namespace cinepipe {

namespace {
// Base58 without 0, O, I and l, so '1' is the zero digit. The same alphabet and padding as the
// ASC MHL reference implementation (ascmitc/mhl, ascmhl/hasher.py, class C4) and the C4 spec.
constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::size_t kDigits = 88;  // 58^88 > 2^512, so every SHA-512 fits
}  // namespace

std::string c4_id_from_sha512(const std::array<std::uint8_t, 64>& digest) {
    // Long division of the 512-bit big-endian number by 58, one base58 digit per pass.
    std::array<std::uint8_t, 64> n = digest;
    std::string digits(kDigits, '1');
    for (std::size_t pos = kDigits; pos-- > 0;) {
        unsigned remainder = 0;
        for (auto& byte : n) {
            const unsigned value = (remainder << 8) | byte;
            byte = static_cast<std::uint8_t>(value / 58);
            remainder = value % 58;
        }
        digits[pos] = kAlphabet[remainder];
        if (std::all_of(n.begin(), n.end(), [](std::uint8_t b) { return b == 0; })) break;
    }
    return "c4" + digits;
}

}  // namespace cinepipe
