#pragma once
// Sources: a movie file read through libav, an image sequence read through OpenImageIO, or a
// synthetic test pattern. All hand out MediaUnits in presentation order.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cinepipe/audio.h"
#include "cinepipe/cancel.h"
#include "cinepipe/frame.h"
#include "cinepipe/media_info.h"

namespace cinepipe {

// One step of the pipeline: a video frame and, per audio stream, the samples that play
// during it. Audio is cut at sample-exact frame boundaries (sample n belongs to frame
// floor(n * rate / sample_rate)), so nothing is lost or repeated. Audio past the last video
// frame arrives in units without video; audio-only sources produce only such units.
struct MediaUnit {
    FramePtr video;
    std::vector<AudioBuffer> audio;  // one entry per audio stream, possibly empty
};

// A break in the frame timing: the pts did not advance by one frame duration.
struct TimestampDiscontinuity {
    std::int64_t frame_index = 0;  // the first frame after the break
    std::int64_t expected_pts = 0;
    std::int64_t actual_pts = 0;
};

// Damage met while reading with ReaderOptions::tolerate_damage: a packet the decoder refused,
// a picture it flagged, the file ending early.
struct ReadDamage {
    std::int64_t frame_index = 0;  // the picture it concerns, or the next one to be delivered
    std::string what;
};

struct ReadStats {
    std::int64_t frames = 0;
    // Pictures the decoder (or image reader) produced: equals `frames` for a clean source,
    // and stays that whatever number of branches a graph feeds from it.
    std::int64_t decoded_pictures = 0;
    std::int64_t corrupt_frames = 0;
    std::int64_t audio_samples = 0;  // per channel, first audio stream
    std::vector<TimestampDiscontinuity> discontinuities;
    std::vector<ReadDamage> damage;  // with tolerate_damage: each damaged place, in order
    std::vector<std::string> warnings;  // what was skipped or could not be honoured
};

struct ReaderOptions {
    int decoder_threads = 0;        // 0: libav picks
    Rational sequence_rate{24, 1};  // for image sequences without a rate in the header
    bool decode_audio = true;
    // Off: a movie's pictures are skipped (not decoded, their packets discarded) and it reads
    // like an audio-only file, for sound analysis. info() still describes the video stream,
    // and audio sample 0 is still the one that plays with the first picture.
    bool decode_video = true;
    // Off (the default for transcoding): damaged packets, corrupt pictures and truncation are
    // errors. On (for QC): they are counted in ReadStats and reading goes on.
    bool tolerate_damage = false;
    // Frames the consumer may keep alive at once (units in flight plus what encoders hold);
    // readers that hand out frames from their own bounded pool size it from this. 0: a small
    // default that suits one frame at a time.
    std::size_t frames_held = 0;
    // Checked while opening and reading (also inside libav's blocking I/O); when it is
    // cancelled, the reader throws Cancelled.
    const CancelToken* cancel = nullptr;
};

class MediaReader {
  public:
    virtual ~MediaReader() = default;

    // Opens a movie file, or an image sequence given as a pattern ("shot.%06d.exr",
    // "shot.####.dpx") or as one of its files. Throws InputError naming the path and reason.
    static std::unique_ptr<MediaReader> open(const std::string& path,
                                             const ReaderOptions& options = {});

    [[nodiscard]] virtual const MediaInfo& info() const = 0;
    // The next unit in presentation order, or nullopt at the end of the source.
    virtual std::optional<MediaUnit> next() = 0;
    [[nodiscard]] virtual const ReadStats& stats() const = 0;
};

// Probe without decoding pictures (frame count from the packets).
MediaInfo probe(const std::string& path, const ReaderOptions& options = {});

}  // namespace cinepipe
