#pragma once

#include <string>

#include "cinepipe/cancel.h"
#include "cinepipe/media_writer.h"
#include "cinepipe/pipeline.h"
#include "cinepipe/run_stats.h"

namespace cinepipe {

struct TranscodeOptions {
    std::string input;
    std::string output;
    std::string video_codec;                // empty: by output extension
    std::optional<AudioCodec> audio_codec;  // empty: by container (pcm24, or aac for mp4)
    bool overwrite = false;
    SchedulePolicy schedule;
    ReaderOptions reader;
    ProgressCallback progress;
};

struct TranscodeResult {
    std::int64_t frames = 0;
    std::int64_t audio_samples = 0;
    std::int64_t corrupt_frames = 0;
    std::vector<TimestampDiscontinuity> discontinuities;
    std::vector<std::string> outputs;
    std::vector<std::string> warnings;  // what the output could not keep
    RunStats stats;  // decode, conversion (when one is needed) and the writer, for --stats
};

// Decode once, convert to what the encoder takes, encode; atomic output.
TranscodeResult transcode(const TranscodeOptions& options, const CancelToken& cancel);

// A writer configuration that carries over the source's picture size, rate, aspect, colour
// tags, field order, timecode, reel and audio layout.
WriterConfig writer_config_for(const MediaInfo& source, const std::string& output);

// Run `reader` through the pipeline into a writer made from `config`: frames converted in
// parallel to the encoder's format, written in order, output committed at the end.
TranscodeResult encode(MediaReader& reader, const WriterConfig& config,
                       const SchedulePolicy& schedule, const CancelToken& cancel,
                       const ProgressCallback& progress = {});

}  // namespace cinepipe
