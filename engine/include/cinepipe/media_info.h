#pragma once
// What a source is, as `cinepipe probe` reports it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinepipe/color_tags.h"
#include "cinepipe/pixel_format.h"
#include "cinepipe/rational.h"
#include "cinepipe/timecode.h"

namespace cinepipe {

struct VideoStreamInfo {
    int index = 0;      // stream index in the container
    std::string codec;  // short codec name, e.g. "prores"
    std::string codec_long;
    std::string profile;                                  // e.g. "HQ", "High"; empty when none
    std::string native_pix_fmt;                           // the decoder's pixel format name
    PixelFormat working_format = PixelFormat::Yuv422p10;  // what the engine hands on
    int width = 0;
    int height = 0;
    Rational frame_rate;      // nominal (r_frame_rate)
    Rational avg_frame_rate;  // frames / duration; differs from frame_rate for VFR
    Rational sample_aspect{1, 1};
    ColorTags tags;
    FieldOrder field_order = FieldOrder::Unknown;
    std::int64_t frame_count = 0;  // counted from the packets, not guessed from duration
    double duration = 0;           // seconds
    std::int64_t bit_rate = 0;
    bool has_alpha = false;
};

struct AudioStreamInfo {
    int index = 0;
    std::string codec;
    std::string codec_long;
    int sample_rate = 0;
    int channels = 0;
    std::string channel_layout;  // e.g. "stereo", "5.1"
    // Speaker positions as a WAVE channel mask (bit 0 front left, 1 front right, 2 centre,
    // 3 LFE ...); 0 when the file names no positions (discrete tracks).
    std::uint64_t channel_mask = 0;
    std::string sample_format;   // the decoder's sample format, e.g. "s32", "fltp"
    int bits_per_sample = 0;     // significant bits (24 for pcm_s24le); 0 when not PCM
    double duration = 0;
    std::int64_t bit_rate = 0;
};

struct MediaInfo {
    std::string path;
    std::string container;  // short demuxer name(s), e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    std::string container_long;
    double duration = 0;  // seconds
    std::int64_t size_bytes = 0;
    std::int64_t bit_rate = 0;
    std::optional<VideoStreamInfo> video;
    std::vector<AudioStreamInfo> audio;
    std::optional<Timecode> start_timecode;
    std::string timecode_source;  // "tmcd", "stream", "container", "header", "start_frame"
    std::string reel_name;
    std::string clip_name;
    // A sound recording's start as time of day (BWF bext TimeReference, else iXML's
    // TIMESTAMP_SAMPLES_SINCE_MIDNIGHT), seconds since midnight; negative when it has none.
    double audio_start_seconds = -1;
    std::string audio_start_source;  // "bext", "ixml" or empty
    // The timecode the recorder ran at, from its iXML (TIMECODE_RATE / TIMECODE_FLAG).
    std::optional<Rational> audio_timecode_rate;
    bool audio_timecode_drop = false;

    // Image sequences only.
    bool is_sequence = false;
    std::int64_t first_frame_number = 0;
    std::int64_t last_frame_number = 0;
    std::vector<std::int64_t> missing_frame_numbers;
};

}  // namespace cinepipe
