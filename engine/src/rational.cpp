#include "cinepipe/rational.h"

#include <charconv>
#include <cmath>

#include "av_util.h"
#include "cinepipe/error.h"

namespace cinepipe {

std::int64_t rescale(std::int64_t value, Rational from, Rational to) {
    return av_rescale_q(value, av::to_av(from), av::to_av(to));
}

Rational parse_rate(const std::string& text) {
    auto fail = [&]() -> Rational {
        throw InputError("invalid frame rate '" + text +
                         "' (expected e.g. 24, 23.976, 30000/1001)");
    };
    if (const auto slash = text.find('/'); slash != std::string::npos) {
        std::int64_t num = 0;
        std::int64_t den = 0;
        const char* b = text.data();
        const char* e = b + text.size();
        auto r1 = std::from_chars(b, b + slash, num);
        auto r2 = std::from_chars(b + slash + 1, e, den);
        // Both terms must fit libav's int rationals.
        if (r1.ec != std::errc{} || r1.ptr != b + slash || r2.ec != std::errc{} || r2.ptr != e ||
            num <= 0 || den <= 0 || num > INT32_MAX || den > INT32_MAX || num / den > 1000)
            return fail();
        return Rational{num, den}.reduced();
    }
    double value = 0;
    const char* b = text.data();
    const char* e = b + text.size();
    auto r = std::from_chars(b, e, value);
    if (r.ec != std::errc{} || r.ptr != e || !(value >= 0.001) || value > 1000) return fail();
    const double rounded = std::round(value);
    if (std::fabs(value - rounded) < 1e-9) return {static_cast<std::int64_t>(rounded), 1};
    // NTSC family: N * 1000/1001 printed to 2 or 3 decimals.
    const double ntsc = std::round(value * 1.001);
    if (std::fabs(ntsc / 1.001 - value) < 0.005)
        return {static_cast<std::int64_t>(ntsc) * 1000, 1001};
    // Anything else: exact to the millihertz.
    return Rational{static_cast<std::int64_t>(std::llround(value * 1000)), 1000}.reduced();
}

}  // namespace cinepipe
