#pragma once
// Small JPEG pictures of chosen frames of a source, for reports: grabbed after an analysis
// pass (a freeze is only known when it ends), by seeking to each frame rather than decoding
// the file again.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cinepipe/cancel.h"

namespace cinepipe {

struct ThumbnailRequest {
    std::int64_t frame = 0;  // decoded-frame index, as QC reports count frames
    // Frames since the first picture on the source's clock (QcResult::clock_frame): what a
    // movie seeks to. Equals `frame` unless the timestamps jump.
    std::int64_t clock = 0;
};

struct ThumbnailOptions {
    int width = 160;  // the height follows the display aspect ratio
    int quality = 5;  // JPEG quantiser, 2 (best) to 31
    // Requests past this many distinct frames are not grabbed: a report's cost stays bounded
    // on a clip with thousands of events.
    std::size_t max_count = 100;
    const CancelToken* cancel = nullptr;
};

struct Thumbnail {
    std::int64_t frame = 0;  // the request's frame
    int width = 0;
    int height = 0;
    std::string jpeg;  // the encoded file, bytes
};

// Decodes the requested frames of the movie or image sequence at `path` (seeking to the
// keyframe before each and decoding forward), shrinks them to sRGB 8-bit through the
// source's matrix and range (linear-light sequences through the sRGB curve) and encodes each
// as JPEG. Returns the thumbnails in frame order, one per distinct frame it could decode; a
// frame it cannot reach is left out. Throws InputError when the source cannot be opened.
std::vector<Thumbnail> grab_thumbnails(const std::string& path,
                                       std::vector<ThumbnailRequest> requests,
                                       const ThumbnailOptions& options = {});

}  // namespace cinepipe
