#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cinepipe {

// A run of audio samples from one stream: interleaved 32-bit float, which holds 16- and
// 24-bit PCM exactly. `pts` counts samples from the stream's first sample.
struct AudioBuffer {
    int channels = 0;
    int sample_rate = 0;
    std::int64_t pts = 0;
    std::vector<float> samples;  // frames() * channels values

    [[nodiscard]] std::int64_t frames() const {
        return channels ? static_cast<std::int64_t>(samples.size()) / channels : 0;
    }
};

}  // namespace cinepipe
