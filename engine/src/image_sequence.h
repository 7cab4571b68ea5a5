#pragma once
// Image sequences (OpenEXR, DPX, TIFF) through OpenImageIO: one file per frame. Private to
// the engine; MediaReader::open and MediaWriter::create dispatch here for sequence paths
// (see looks_like_image_sequence in sequence_pattern.h).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cinepipe/media_reader.h"
#include "cinepipe/media_writer.h"

namespace cinepipe {

// `path` is a pattern ("shot.%06d.exr", "shot.####.dpx") or one member file. Gaps in the
// numbering are reported (MediaInfo::missing_frame_numbers, ReadStats::discontinuities) and
// show in the frames' pts and timecode; they are not filled. Throws InputError.
std::unique_ptr<MediaReader> open_image_sequence(const std::string& path,
                                                 const ReaderOptions& options);

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

}  // namespace cinepipe
