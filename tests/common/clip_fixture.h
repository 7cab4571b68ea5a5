#pragma once
// Small clips for unit tests, encoded from the synthetic source (no ffmpeg needed).

#include <memory>
#include <string>

#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"

namespace cinepipe::test {

inline void write_clip(const std::string& path, const std::string& codec,
                       const SyntheticOptions& options) {
    auto source = make_synthetic_source(options);
    WriterConfig cfg = writer_config_for(source->info(), path);
    cfg.video_codec = codec;
    CancelToken cancel;
    encode(*source, cfg, {}, cancel);
}

inline SyntheticOptions small_clip(int width, int height, std::int64_t frames) {
    SyntheticOptions o;
    o.width = width;
    o.height = height;
    o.frames = frames;
    return o;
}

// A small synthetic source with a flash on frame 1: pipeline and stats tests' input.
inline std::unique_ptr<MediaReader> flash_pattern(std::int64_t frames) {
    SyntheticOptions o = small_clip(64, 64, frames);
    o.flash_frame = 1;
    return make_synthetic_source(o);
}

}  // namespace cinepipe::test
