#pragma once
// Synthetic dailies for the demo and the tests: moving, detailed pictures with a burnt-in
// frame counter, start timecode, stereo audio, and a slate whose one-frame white flash
// coincides with a one-frame 1 kHz beep.

#include <memory>
#include <string>
#include <vector>

#include "cinepipe/cancel.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/run_stats.h"

namespace cinepipe {

struct SyntheticOptions {
    int width = 1280;
    int height = 720;
    Rational rate{24, 1};
    std::int64_t frames = 120;
    PixelFormat format = PixelFormat::Yuv422p10;
    ColorTags tags = rec709_limited();
    std::string start_timecode = "01:00:00:00";
    bool drop_frame = false;
    int audio_channels = 2;  // 0: no audio
    int sample_rate = 48000;
    std::int64_t flash_frame = -1;  // -1: one second in (after the slate starts)
    std::string clip_name = "synthetic";
    std::string reel_name = "A001";
};

// A MediaReader that renders the pattern instead of decoding a file.
std::unique_ptr<MediaReader> make_synthetic_source(const SyntheticOptions& options);

struct SampleSetOptions {
    std::string out_dir;
    double duration_seconds = 5.0;
    int width = 1280;
    int height = 720;
    Rational rate{24, 1};
    bool overwrite = false;
};

struct SampleFile {
    std::string path;
    std::string description;
    RunStats stats;  // its encode: "decode" is the synthetic source drawing the pictures
};

// Writes the sample dailies set (one file per delivery codec, plus a DPX sequence).
std::vector<SampleFile> write_sample_set(const SampleSetOptions& options,
                                         const CancelToken& cancel);

}  // namespace cinepipe
