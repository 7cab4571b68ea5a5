// Image-sequence header values that need no OpenImageIO (image_sequence.h): SMPTE timecode
// words, DPX characteristic names, OpenEXR chromaticities and colour tag names. In the engine,
// so the cinepipe_oiio module and the tests share one definition.

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "cinepipe/error.h"
#include "image_sequence.h"

namespace cinepipe {

std::optional<Timecode> decode_smpte_timecode(std::uint32_t word, Rational rate) {
    auto bcd = [](std::uint32_t units, std::uint32_t tens) {
        return units > 9 ? -1 : static_cast<int>(tens * 10 + units);
    };
    int ff = bcd(word & 0xF, (word >> 4) & 0x3);
    const int ss = bcd((word >> 8) & 0xF, (word >> 12) & 0x7);
    const int mm = bcd((word >> 16) & 0xF, (word >> 20) & 0x7);
    const int hh = bcd((word >> 24) & 0xF, (word >> 28) & 0x3);
    if (ff < 0 || ss < 0 || mm < 0 || hh < 0 || !rate.valid()) return std::nullopt;
    const bool drop = (word & 0x40) != 0 && drop_frame_allowed(rate);
    try {
        if (Timecode(rate, false).nominal_fps() > 30) ff = ff * 2 + ((word & 0x8000) ? 1 : 0);
        std::array<char, 16> text{};
        std::snprintf(text.data(), text.size(), "%02d:%02d:%02d%c%02d", hh, mm, ss,
                      drop ? ';' : ':', ff);
        return Timecode::parse(text.data(), rate);
    } catch (const InputError&) {
        return std::nullopt;
    }
}

std::uint32_t encode_smpte_timecode(const Timecode& tc) {
    const std::string text = tc.to_string();  // "HH:MM:SS:FF", drop frame with ';'
    auto field = [&text](std::size_t pos) {
        return (text[pos] - '0') * 10 + (text[pos + 1] - '0');
    };
    const int hh = field(0);
    const int mm = field(3);
    const int ss = field(6);
    int ff = field(9);
    std::uint32_t flags = 0;
    if (tc.drop_frame()) flags |= 0x40;
    if (tc.nominal_fps() > 30) {
        // The frames field only counts to 39: above 30 fps it holds frame pairs.
        if (ff % 2) flags |= 0x8000;
        ff /= 2;
    }
    auto bcd = [](int v) { return static_cast<std::uint32_t>((v / 10) << 4 | (v % 10)); };
    return bcd(ff) | bcd(ss) << 8 | bcd(mm) << 16 | bcd(hh) << 24 | flags;
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// OpenImageIO 2.4's DPX characteristic names (dpxoutput.cpp get_characteristic_from_string;
// dpxinput.cpp get_characteristic_string reports the same names).
constexpr const char* kDpxItu709 = "ITU-R 709-4";
constexpr const char* kDpxItu601_625 = "ITU-R 601-5 system B or G";
constexpr const char* kDpxItu601_525 = "ITU-R 601-5 system M";
constexpr const char* kDpxSmpte274 = "SMPTE 274M";
constexpr const char* kDpxLinear = "Linear";

struct Chromaticities {
    ColorPrimaries primaries;
    std::array<float, 8> xy;  // red, green, blue, white
};

// ITU-T H.273 table 2. Smpte240m has Smpte170m's primaries; listed after it, so a file that
// only has chromaticities reads as smpte170m.
constexpr float kD65x = 0.3127f, kD65y = 0.3290f;
constexpr float kCx = 0.310f, kCy = 0.316f;
constexpr std::array<Chromaticities, 11> kChromaticities{{
    {ColorPrimaries::Bt709, {0.640f, 0.330f, 0.300f, 0.600f, 0.150f, 0.060f, kD65x, kD65y}},
    {ColorPrimaries::Bt470m, {0.670f, 0.330f, 0.210f, 0.710f, 0.140f, 0.080f, kCx, kCy}},
    {ColorPrimaries::Bt470bg, {0.640f, 0.330f, 0.290f, 0.600f, 0.150f, 0.060f, kD65x, kD65y}},
    {ColorPrimaries::Smpte170m, {0.630f, 0.340f, 0.310f, 0.595f, 0.155f, 0.070f, kD65x, kD65y}},
    {ColorPrimaries::Smpte240m, {0.630f, 0.340f, 0.310f, 0.595f, 0.155f, 0.070f, kD65x, kD65y}},
    {ColorPrimaries::Film, {0.681f, 0.319f, 0.243f, 0.692f, 0.145f, 0.049f, kCx, kCy}},
    {ColorPrimaries::Bt2020, {0.708f, 0.292f, 0.170f, 0.797f, 0.131f, 0.046f, kD65x, kD65y}},
    // SMPTE ST 428-1: CIE XYZ itself, equal-energy white.
    {ColorPrimaries::Smpte428, {1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 1.0f / 3, 1.0f / 3}},
    // DCI-P3 (ST 431-2) with the DCI white; Display P3 (EG 432-1) with D65.
    {ColorPrimaries::Smpte431, {0.680f, 0.320f, 0.265f, 0.690f, 0.150f, 0.060f, 0.314f, 0.351f}},
    {ColorPrimaries::Smpte432, {0.680f, 0.320f, 0.265f, 0.690f, 0.150f, 0.060f, kD65x, kD65y}},
    {ColorPrimaries::Ebu3213, {0.630f, 0.340f, 0.295f, 0.605f, 0.155f, 0.077f, kD65x, kD65y}},
}};

}  // namespace

std::string dpx_transfer_name(TransferCharacteristic transfer, ColorPrimaries primaries) {
    switch (transfer) {
        case TransferCharacteristic::Bt709:
            return kDpxItu709;
        case TransferCharacteristic::Linear:
            return kDpxLinear;
        case TransferCharacteristic::Smpte170m:
            // H.273 transfer 6 is the BT.601 curve of both systems; DPX names the system.
            return primaries == ColorPrimaries::Bt470bg ? kDpxItu601_625 : kDpxItu601_525;
        default:
            return kDpxUndefined;
    }
}

std::string dpx_colorimetric_name(ColorPrimaries primaries) {
    switch (primaries) {
        case ColorPrimaries::Bt709:
            return kDpxItu709;
        case ColorPrimaries::Bt470bg:
            return kDpxItu601_625;
        case ColorPrimaries::Smpte170m:
            return kDpxItu601_525;
        default:
            return kDpxUndefined;
    }
}

TransferCharacteristic transfer_from_dpx(std::string_view name) {
    if (iequals(name, kDpxItu709) || iequals(name, kDpxSmpte274))
        return TransferCharacteristic::Bt709;
    if (iequals(name, kDpxLinear)) return TransferCharacteristic::Linear;
    if (iequals(name, kDpxItu601_625) || iequals(name, kDpxItu601_525))
        return TransferCharacteristic::Smpte170m;
    return TransferCharacteristic::Unspecified;
}

ColorPrimaries primaries_from_dpx(std::string_view name) {
    if (iequals(name, kDpxItu709) || iequals(name, kDpxSmpte274)) return ColorPrimaries::Bt709;
    if (iequals(name, kDpxItu601_625)) return ColorPrimaries::Bt470bg;
    if (iequals(name, kDpxItu601_525)) return ColorPrimaries::Smpte170m;
    return ColorPrimaries::Unspecified;
}

std::optional<std::array<float, 8>> chromaticities_for(ColorPrimaries primaries) {
    for (const auto& c : kChromaticities)
        if (c.primaries == primaries) return c.xy;
    return std::nullopt;
}

ColorPrimaries primaries_from_chromaticities(const std::array<float, 8>& xy) {
    for (const auto& c : kChromaticities) {
        bool match = true;
        for (std::size_t i = 0; i < xy.size() && match; ++i)
            match = std::fabs(xy[i] - c.xy[i]) <= 0.001f;
        if (match) return c.primaries;
    }
    return ColorPrimaries::Unspecified;
}

std::optional<ColorPrimaries> primaries_from_name(std::string_view name) {
    for (const ColorPrimaries p : kAllColorPrimaries)
        if (iequals(name, to_string(p))) return p;
    return std::nullopt;
}

std::optional<TransferCharacteristic> transfer_from_name(std::string_view name) {
    for (const TransferCharacteristic t : kAllTransferCharacteristics)
        if (iequals(name, to_string(t))) return t;
    return std::nullopt;
}

}  // namespace cinepipe
