#pragma once
// Image sequences (OpenEXR, DPX, TIFF) through OpenImageIO: one file per frame. Private to
// the engine; MediaReader::open and MediaWriter::create dispatch here for sequence paths
// (see looks_like_image_sequence in sequence_pattern.h).

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cinepipe/color_tags.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/media_writer.h"

namespace cinepipe {

// `path` is a pattern ("shot.%06d.exr", "shot.####.dpx") or one member file. Gaps in the
// numbering are reported (MediaInfo::missing_frame_numbers, ReadStats::discontinuities) and
// show in the frames' pts and timecode; they are not filled. Throws InputError.
std::unique_ptr<MediaReader> open_image_sequence(const std::string& path,
                                                 const ReaderOptions& options);

// Positions a reader from open_image_sequence so that next() reads its `index`-th file
// (0-based, counting the files present): one frame without reading those before it. Throws
// std::invalid_argument for another kind of reader.
void seek_image_sequence(MediaReader& reader, std::int64_t index);

// `config.path` must be a pattern. Codecs: exr_half, exr_float, dpx10, tiff16. Each frame is
// written under a temporary name; finish() renames them all. Throws InputError for an
// impossible request, OutputError when the target cannot be written.
std::unique_ptr<MediaWriter> create_image_sequence_writer(const WriterConfig& config);

// The first word of OpenImageIO's "smpte:TimeCode" (SMPTE 12M packed BCD, as OpenEXR's
// timeCode and DPX's header store it): frames in the low byte (0x40 = drop frame), then
// seconds, minutes, hours. Above 30 fps the field holds frame pairs, the second frame of a
// pair flagged by 0x8000 (ST 12-1). decode returns nullopt for a label that is not valid
// at `rate`, so a garbage header falls back to other sources rather than failing the read.
std::uint32_t encode_smpte_timecode(const Timecode& tc);
std::optional<Timecode> decode_smpte_timecode(std::uint32_t word, Rational rate);

// Colour tags in sequence headers. Sequence pixels are always RGB (matrix rgb, range pc);
// what the headers can carry is the primaries and the transfer.
//
// DPX: the element's transfer and colorimetric bytes, as OpenImageIO 2.4 names them in
// "dpx:Transfer" / "dpx:Colorimetric" (dpxoutput.cpp get_characteristic_from_string,
// dpxinput.cpp get_characteristic_string). Only unambiguous codes are mapped: transfer
// "ITU-R 709-4" (also "SMPTE 274M" when read, whose colorimetry is Rec.709), "Linear" and the
// two ITU-R 601-5 systems (H.273 transfer 6 covers both); colorimetric "ITU-R 709-4",
// "ITU-R 601-5 system B or G" (bt470bg) and "ITU-R 601-5 system M" (smpte170m). Everything
// else, including "Logarithmic" (Cineon-style printing-density log, not H.273's log100),
// reads as unspecified, and tags without a DPX code are written as "Undefined", which
// OpenImageIO stores as 0xFF, DPX's "not set".
inline constexpr const char* kDpxUndefined = "Undefined";
std::string dpx_transfer_name(TransferCharacteristic transfer, ColorPrimaries primaries);
std::string dpx_colorimetric_name(ColorPrimaries primaries);
TransferCharacteristic transfer_from_dpx(std::string_view name);
ColorPrimaries primaries_from_dpx(std::string_view name);

// OpenEXR: the standard "chromaticities" attribute (red, green, blue, white xy) for the
// H.273 primaries that define a gamut; nullopt for unspecified. The reverse matches every
// coordinate within 0.001 and gives Unspecified when no set matches.
std::optional<std::array<float, 8>> chromaticities_for(ColorPrimaries primaries);
ColorPrimaries primaries_from_chromaticities(const std::array<float, 8>& xy);

// The ffprobe-style names of color_tags.h to_string() back to values (case-insensitive);
// nullopt for a name no value prints as. "unknown" gives Unspecified.
std::optional<ColorPrimaries> primaries_from_name(std::string_view name);
std::optional<TransferCharacteristic> transfer_from_name(std::string_view name);

}  // namespace cinepipe
