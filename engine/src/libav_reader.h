#pragma once

#include <memory>
#include <string>

#include "av_util.h"
#include "cinepipe/media_reader.h"

namespace cinepipe {

struct OpenedInput {
    av::InputContext fmt;
    int video_index = -1;  // the picture stream (not cover art); -1 when there is none
};
// Opens a file with libavformat and reads its stream information. Throws InputError naming
// the path; Cancelled when `cancel` fires during a blocking open.
OpenedInput open_input(const std::string& path, const CancelToken* cancel);

// An opened decoder for stream `st` (`threads` 0: libav picks; frame and slice threading for
// video). Throws InputError naming the path when there is no decoder or it will not open.
av::CodecContext open_decoder(const std::string& path, const AVStream& st, int threads);

std::unique_ptr<MediaReader> open_movie(const std::string& path, const ReaderOptions& options);
// Fills frame_count by counting the video packets (demux only, no decoding).
MediaInfo probe_movie(const std::string& path, const CancelToken* cancel = nullptr);

}  // namespace cinepipe
