#pragma once
// Checksums of decoded pictures, computed the way FFmpeg's framemd5 muxer does (MD5 over each
// plane's rows without padding, planes in order), so they can be compared with
// `ffmpeg -i IN -pix_fmt FMT -f framemd5 -`.

#include <string>

#include "cinepipe/frame.h"

namespace cinepipe {

// Lower-case hex MD5 of the picture data.
std::string frame_md5(const VideoFrame& frame);
// Bytes the hash covers (FFmpeg's "size" column).
std::size_t frame_data_size(const VideoFrame& frame);

}  // namespace cinepipe
