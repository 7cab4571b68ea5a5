#pragma once
// Lip-sync of one file from a sync pattern: a one-frame flash (or the one-frame "2" of a
// countdown leader) with a one-frame tone (beep, 2-pop). The offset is the tone's onset,
// found to the sample, against the start of the picture's event frame.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cinepipe/audio.h"
#include "cinepipe/cancel.h"
#include "cinepipe/media_reader.h"

namespace cinepipe {

struct AvSyncOptions {
    double search_seconds = 120;  // the pattern is looked for in the head of the clip
    int audio_stream = 0;
    ReaderOptions reader;
};

struct AvSyncResult {
    bool found = false;
    std::string pattern;            // "beep/flash" (a bright flash) or "2-pop" (another one-frame picture)
    std::int64_t video_frame = -1;  // the event frame, 0-based
    double video_time = 0;          // its start, seconds from the first frame
    double audio_time = 0;          // the tone's onset, seconds from the first frame
    double av_offset_ms = 0;        // audio - video: positive when the audio is late
    double tone_hz = 0;             // the tone's frequency, estimated from its zero crossings
    double confidence = 0;          // 0..1: how clearly both events stand out, and alone
    std::string message;            // why nothing was found, or what was
};

// What the detection needs of each picture: its luma on a 16x9 grid of blocks and its mean
// (0..1 of the range), and its start in seconds from the first picture.
struct SyncPicture {
    std::array<float, 16 * 9> grid{};
    float luma = 0;
    double start = 0;
};

// The detection on measurements already taken: `mono` is the loudest channel per sample, from
// the sample that plays with the first picture. For a pass that measures pictures anyway (QC).
AvSyncResult find_sync_pattern(const std::vector<SyncPicture>& pictures,
                               const std::vector<float>& mono, int rate, double frame_seconds,
                               double search_seconds);

// Appends `audio` (its pts: samples from the first picture) to `mono` as its loudest channel
// per sample, so a beep on one channel counts; nothing at or past sample `limit`.
void add_loudest_channel(const AudioBuffer& audio, std::size_t limit, std::vector<float>& mono);

// Reads the head of `path` (video and the chosen audio stream). Throws InputError for a file
// without video or audio; a file without a pattern gives found = false with a message.
AvSyncResult measure_av_sync(const std::string& path, const AvSyncOptions& options,
                             const CancelToken& cancel);

}  // namespace cinepipe
