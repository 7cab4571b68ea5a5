#pragma once
// Per-channel findings (a silent stretch, clipped samples) kept until the clip ends, so that
// the same finding on several channels of a stream (digital silence on all of them, a clip on
// both sides) becomes one event naming them all.

#include <cstdint>
#include <vector>

namespace cinepipe::qc {

struct ChannelFinding {
    int stream = 0;
    int channel = 0;
    std::int64_t first_frame = 0;  // inclusive
    std::int64_t last_frame = 0;
    std::int64_t first_sample = 0;  // [first_sample, end_sample), per channel
    std::int64_t end_sample = 0;
    double count = 0;  // what the check counts (clipped runs)
    double level = 0;  // what the check measures (the loudest sample, the longest run)
};

// Findings with the same stream and frame range, grouped; groups in order of first frame.
std::vector<std::vector<ChannelFinding>> group_across_channels(
    std::vector<ChannelFinding> findings);

// The channels of a group, in order.
std::vector<int> channels_of(const std::vector<ChannelFinding>& group);

}  // namespace cinepipe::qc
