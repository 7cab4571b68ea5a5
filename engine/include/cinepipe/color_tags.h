#pragma once
// Colour description of a picture. The numeric values are the ITU-T H.273 code points, the
// same ones containers and codecs store, so they round-trip without translation tables.

#include <array>
#include <cstdint>
#include <string>

namespace cinepipe {

enum class ColorPrimaries : std::uint8_t {
    Bt709 = 1,
    Unspecified = 2,
    Bt470m = 4,
    Bt470bg = 5,
    Smpte170m = 6,
    Smpte240m = 7,
    Film = 8,
    Bt2020 = 9,
    Smpte428 = 10,
    Smpte431 = 11,
    Smpte432 = 12,
    Ebu3213 = 22,
};

enum class TransferCharacteristic : std::uint8_t {
    Bt709 = 1,
    Unspecified = 2,
    Gamma22 = 4,
    Gamma28 = 5,
    Smpte170m = 6,
    Smpte240m = 7,
    Linear = 8,
    Log = 9,
    LogSqrt = 10,
    Iec61966_2_4 = 11,
    Bt1361 = 12,
    Srgb = 13,
    Bt2020_10 = 14,
    Bt2020_12 = 15,
    Pq = 16,
    Smpte428 = 17,
    Hlg = 18,
};

enum class MatrixCoefficients : std::uint8_t {
    Rgb = 0,
    Bt709 = 1,
    Unspecified = 2,
    Fcc = 4,
    Bt470bg = 5,
    Smpte170m = 6,
    Smpte240m = 7,
    Ycgco = 8,
    Bt2020Ncl = 9,
    Bt2020Cl = 10,
    Smpte2085 = 11,
    ChromaDerivedNcl = 12,
    ChromaDerivedCl = 13,
    Ictcp = 14,
};

enum class ColorRange : std::uint8_t { Unspecified = 0, Limited = 1, Full = 2 };

// Every value each enum declares: the codes a file's tags are checked against (anything else
// reads as Unspecified) and what name lookups walk. Kept next to the enums they list.
inline constexpr std::array kAllColorPrimaries{
    ColorPrimaries::Bt709,    ColorPrimaries::Unspecified, ColorPrimaries::Bt470m,
    ColorPrimaries::Bt470bg,  ColorPrimaries::Smpte170m,   ColorPrimaries::Smpte240m,
    ColorPrimaries::Film,     ColorPrimaries::Bt2020,      ColorPrimaries::Smpte428,
    ColorPrimaries::Smpte431, ColorPrimaries::Smpte432,    ColorPrimaries::Ebu3213,
};
inline constexpr std::array kAllTransferCharacteristics{
    TransferCharacteristic::Bt709,     TransferCharacteristic::Unspecified,
    TransferCharacteristic::Gamma22,   TransferCharacteristic::Gamma28,
    TransferCharacteristic::Smpte170m, TransferCharacteristic::Smpte240m,
    TransferCharacteristic::Linear,    TransferCharacteristic::Log,
    TransferCharacteristic::LogSqrt,   TransferCharacteristic::Iec61966_2_4,
    TransferCharacteristic::Bt1361,    TransferCharacteristic::Srgb,
    TransferCharacteristic::Bt2020_10, TransferCharacteristic::Bt2020_12,
    TransferCharacteristic::Pq,        TransferCharacteristic::Smpte428,
    TransferCharacteristic::Hlg,
};
inline constexpr std::array kAllMatrixCoefficients{
    MatrixCoefficients::Rgb,
    MatrixCoefficients::Bt709,
    MatrixCoefficients::Unspecified,
    MatrixCoefficients::Fcc,
    MatrixCoefficients::Bt470bg,
    MatrixCoefficients::Smpte170m,
    MatrixCoefficients::Smpte240m,
    MatrixCoefficients::Ycgco,
    MatrixCoefficients::Bt2020Ncl,
    MatrixCoefficients::Bt2020Cl,
    MatrixCoefficients::Smpte2085,
    MatrixCoefficients::ChromaDerivedNcl,
    MatrixCoefficients::ChromaDerivedCl,
    MatrixCoefficients::Ictcp,
};
inline constexpr std::array kAllColorRanges{ColorRange::Unspecified, ColorRange::Limited,
                                            ColorRange::Full};

struct ColorTags {
    ColorPrimaries primaries = ColorPrimaries::Unspecified;
    TransferCharacteristic transfer = TransferCharacteristic::Unspecified;
    MatrixCoefficients matrix = MatrixCoefficients::Unspecified;
    ColorRange range = ColorRange::Unspecified;

    friend bool operator==(const ColorTags&, const ColorTags&) = default;
};

// Names as ffprobe prints them ("bt709", "smpte170m", "tv"/"pc"), so reports can be compared
// with it directly. Unknown values print as "unknown".
std::string to_string(ColorPrimaries v);
std::string to_string(TransferCharacteristic v);
std::string to_string(MatrixCoefficients v);
std::string to_string(ColorRange v);

// The Rec.709 tags most HD dailies carry: bt709 primaries, transfer and matrix, limited range.
inline ColorTags rec709_limited() {
    return {ColorPrimaries::Bt709, TransferCharacteristic::Bt709, MatrixCoefficients::Bt709,
            ColorRange::Limited};
}

// Field order as stored by containers: which field is coded first, which is displayed first
// (ffprobe's "tt", "bb", "tb", "bt").
enum class FieldOrder : std::uint8_t { Unknown, Progressive, TT, BB, TB, BT };
std::string to_string(FieldOrder v);

}  // namespace cinepipe
