#pragma once

#include <cstdint>
#include <numeric>
#include <string>

namespace cinepipe {

// An exact rational number: frame rates (24000/1001), time bases (1/90000), aspect ratios.
struct Rational {
    std::int64_t num = 0;
    std::int64_t den = 1;

    [[nodiscard]] bool valid() const { return num > 0 && den > 0; }
    [[nodiscard]] double to_double() const { return den ? double(num) / double(den) : 0.0; }
    [[nodiscard]] Rational reduced() const {
        const auto g = std::gcd(num, den);
        return g ? Rational{num / g, den / g} : *this;
    }
    [[nodiscard]] Rational inverse() const { return {den, num}; }
    [[nodiscard]] std::string to_string() const {
        return std::to_string(num) + "/" + std::to_string(den);
    }
    friend bool operator==(const Rational& a, const Rational& b) {
        return a.num * b.den == b.num * a.den;
    }
};

// Rescale a value from one time base to another with exact rounding to nearest
// (the same rule as av_rescale_q, without exposing libav here).
std::int64_t rescale(std::int64_t value, Rational from, Rational to);

// Parse "24", "23.976", "29.97", "24000/1001" into an exact rate. NTSC-style decimal rates
// (23.976, 29.97, 47.952, 59.94, 119.88) map to their exact N*1000/1001 form.
Rational parse_rate(const std::string& text);

}  // namespace cinepipe
