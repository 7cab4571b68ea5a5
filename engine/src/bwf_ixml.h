#pragma once
// iXML (the production-sound metadata chunk of a Broadcast Wave file): the recording's start
// as samples since midnight, with the timecode rate and drop-frame flag the recorder ran at.
// FFmpeg 5.1 reads the bext chunk but not iXML, so the RIFF chunks are walked here.

#include <cstdint>
#include <optional>
#include <string>

#include "cinepipe/rational.h"

namespace cinepipe {

struct IxmlInfo {
    std::int64_t samples_since_midnight = -1;  // -1: the chunk has no timestamp
    int timestamp_rate = 0;                    // the rate those samples count at
    std::optional<Rational> timecode_rate;     // TIMECODE_RATE, "24000/1001"
    bool drop_frame = false;                   // TIMECODE_FLAG DF
    std::string scene, take, tape;
};

// The iXML chunk of a WAV/BWF/RF64/BW64 file; nullopt when the file is not one of those or
// has no readable iXML. Never throws for a damaged chunk: iXML is a hint, not the sound.
std::optional<IxmlInfo> read_ixml(const std::string& path);

}  // namespace cinepipe
