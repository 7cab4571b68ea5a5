#pragma once
// A camera clip read with a separate recording's sound in place of its own: the graph
// source's `sound` / `sound_offset`, so every branch (masters, proxies, QC) gets the synced
// sound from one decode. The picture, its timing and timecode are the clip's.

#include <cstdint>
#include <memory>
#include <string>

#include "cinepipe/media_reader.h"

namespace cinepipe {

struct SyncedSound {
    std::string recording;  // a WAV/BWF, or any file with sound libav reads
    // The recording's sample that plays with the clip's first picture (DualSystemResult's
    // offset_samples); negative when the camera rolled first (silence leads the sound).
    std::int64_t offset_samples = 0;
    bool keep_scratch = false;  // also deliver the clip's own audio streams, after it
};

// `clip` (a reader of the camera clip: its pictures, and with keep_scratch its own audio; open
// it with ReaderOptions::decode_audio off otherwise, as its sound would be dropped) with each
// picture's unit carrying the recording's samples that play during it, cut as every reader
// cuts audio (see MediaUnit): one audio stream with all the recording's channels at its own
// rate, silence before the recording starts and after it ends, ending with the last picture.
// info() describes the recording's stream (rate, channels, layout, depth) as the first audio
// stream. Throws InputError naming the recording when it cannot be read or has no sound, and
// naming the clip when it has no pictures.
std::unique_ptr<MediaReader> with_synced_sound(std::unique_ptr<MediaReader> clip,
                                               const SyncedSound& sound,
                                               const CancelToken* cancel = nullptr);

}  // namespace cinepipe
