#pragma once

#include <memory>
#include <string>

#include "cinepipe/media_reader.h"

namespace cinepipe {

std::unique_ptr<MediaReader> open_movie(const std::string& path, const ReaderOptions& options);
// Fills frame_count by counting the video packets (demux only, no decoding).
MediaInfo probe_movie(const std::string& path, const CancelToken* cancel = nullptr);

}  // namespace cinepipe
