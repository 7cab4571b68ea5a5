// Fuzz target: frame rates and SMPTE timecodes as users and files write them. The input is
// "RATE\nTIMECODE". parse_rate and Timecode::parse must return a value or throw InputError;
// a timecode they accept must print back to itself (';' for drop frame) and survive a trip
// forwards and back by any number of frames.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cinepipe/error.h"
#include "cinepipe/rational.h"
#include "cinepipe/timecode.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(cinepipe::fuzz::as_text(data, size));
    const auto newline = text.find('\n');
    const std::string rate_text = newline == std::string::npos ? "24" : text.substr(0, newline);
    const std::string tc_text = newline == std::string::npos ? text : text.substr(newline + 1);
    cinepipe::Rational rate;
    try {
        rate = cinepipe::parse_rate(rate_text);
    } catch (const cinepipe::InputError&) {
        return 0;
    }
    try {
        const auto tc = cinepipe::Timecode::parse(tc_text, rate, "fuzz");
        std::string expected = tc_text;
        if (expected[8] == '.') expected[8] = ';';
        if (tc.to_string() != expected) std::abort();
        const auto again = cinepipe::Timecode::parse(tc.to_string(), rate, "fuzz");
        if (!(again == tc)) std::abort();
        std::int64_t step = 0;
        std::memcpy(&step, tc_text.data(), std::min(sizeof step, tc_text.size()));
        step %= std::int64_t{1} << 40;
        if (!(tc.advanced(step).advanced(-step) == tc)) std::abort();
    } catch (const cinepipe::InputError&) {
    }
    return 0;
}
