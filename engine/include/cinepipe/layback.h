#pragma once
// Laying a separate recording's sound under a camera clip: the picture stream copied packet
// for packet (never re-encoded), the recording's channels cut at the synced sample and stored
// as PCM at its own bit depth, the clip's timecode and tags kept. Written atomically.

#include <cstdint>
#include <string>
#include <vector>

#include "cinepipe/cancel.h"
#include "cinepipe/run_stats.h"

namespace cinepipe {

struct LaybackOptions {
    // The recording's sample that plays with the clip's first picture (DualSystemResult's
    // offset_samples); negative when the camera rolled first.
    std::int64_t offset_samples = 0;
    bool keep_scratch = false;  // also copy the clip's own audio, after the laid-in stream
    bool overwrite = false;
};

struct LaybackResult {
    std::string audio_codec;  // pcm_s16le, pcm_s24le or pcm_f32le: the recording's depth
    int channels = 0;
    int sample_rate = 0;
    std::int64_t samples = 0;       // per channel: the clip's length at the recording's rate
    std::int64_t silence_head = 0;  // samples before the recording starts (camera rolled first)
    std::int64_t silence_tail = 0;  // samples after it ends
    std::int64_t video_packets = 0;
    std::vector<std::string> warnings;
    // "copy picture" (demux and mux of the picture packets, one frame each), "read recording"
    // and "encode sound" (PCM encoding and muxing), for --stats.
    RunStats stats;
};

// Before any analysis: OutputError unless `output` is a MOV, MXF or MKV (MP4 has no PCM in
// FFmpeg 5.1) that may be created (its folder writable; not existing, unless `overwrite`).
void check_layback_target(const std::string& output, bool overwrite);

// Throws InputError for an unreadable clip or recording; OutputError for a target that
// check_layback_target refuses, MXF with sound not at 48 kHz, or a failed write. Nothing is
// left at `output` unless the whole file was written.
LaybackResult lay_in_sound(const std::string& video, const std::string& recording,
                           const std::string& output, const LaybackOptions& options,
                           const CancelToken& cancel);

}  // namespace cinepipe
