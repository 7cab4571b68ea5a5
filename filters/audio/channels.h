#pragma once
// Naming and placing the channels of an audio stream, for the sound checks' messages and the
// loudness meter's channel weights.

#include <cstdint>
#include <string>
#include <vector>

#include "cinepipe/media_info.h"
#include "qc/qc_check.h"

namespace cinepipe::qc {

// Speaker position bits (WAVE channel mask / FFmpeg's AV_CH_*) used by the checks.
namespace speaker {
constexpr std::uint64_t kLowFrequency = 1ULL << 3;
constexpr std::uint64_t kLowFrequency2 = 1ULL << 35;
// The positions BS.1770 weights by 1.41 (+1.5 dB), as FFmpeg's ebur128 filter picks them:
// back, top back, side and surround-direct channels.
constexpr std::uint64_t kSurround = (1ULL << 4) | (1ULL << 5) | (1ULL << 8) |     // BL BR BC
                                    (1ULL << 15) | (1ULL << 16) | (1ULL << 17) |  // TBL TBC TBR
                                    (1ULL << 9) | (1ULL << 10) |                  // SL SR
                                    (1ULL << 33) | (1ULL << 34);                  // SDL SDR
}  // namespace speaker

// The stream's speaker positions: the file's own, or for a stream that names none (discrete
// channels) the layout FFmpeg assumes for its channel count (2: stereo, 6: 5.1 ...), so the
// loudness weights are the ones FFmpeg's ebur128 filter would use on the same file.
std::uint64_t assumed_channel_mask(const AudioStreamInfo& stream);

// The position bit of channel `index` (0-based) in `mask`; 0 when the mask has fewer channels.
std::uint64_t channel_position(std::uint64_t mask, int index);

// "FL", "FR", "FC", "LFE"...; "" for an unknown bit.
std::string position_name(std::uint64_t bit);

// "channel 2 (FR)", "channels 1 (FL) and 2 (FR)", "stream 2 channel 1": 1-based numbers, the
// position only where the file names it, the stream only when the clip has several.
std::string describe_channels(const ClipFacts& clip, int stream, const std::vector<int>& channels);

// Seconds from the first frame, for messages: "12.345 s".
std::string seconds_label(std::int64_t sample, int sample_rate);

}  // namespace cinepipe::qc
