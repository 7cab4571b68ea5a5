#pragma once
// Inside the cinepipe_oiio module: the OpenImageIO implementations behind image_sequence.h's
// open_image_sequence, seek_image_sequence and create_image_sequence_writer (which, in the
// engine, load this module and forward here). Other names, so the engine's forwarding
// definitions, also linked into the module from the static engine library, cannot clash.

#include <cstdint>
#include <memory>
#include <string>

#include "cinepipe/media_reader.h"
#include "cinepipe/media_writer.h"

namespace cinepipe {

std::unique_ptr<MediaReader> oiio_open_sequence(const std::string& path,
                                                const ReaderOptions& options);
void oiio_seek_sequence(MediaReader& reader, std::int64_t index);
std::unique_ptr<MediaWriter> oiio_create_sequence_writer(const WriterConfig& config);

}  // namespace cinepipe
