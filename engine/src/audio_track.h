#pragma once
// Decoded audio of one stream, placed on the video's clock: relative sample 0 plays with the
// first video frame. Each decoded block lands where its timestamp says, so a stream that
// starts later than the picture is preceded by silence, one that starts earlier loses its
// lead-in, and a hole in the stream becomes silence instead of a permanent shift.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "av_util.h"
#include "cinepipe/audio.h"

namespace cinepipe {

class AudioTrack {
public:
    AudioTrack(int stream_index, av::CodecContext decoder, int channels, int sample_rate,
               Rational stream_time_base);

    [[nodiscard]] int stream_index() const { return stream_index_; }
    [[nodiscard]] int channels() const { return channels_; }
    [[nodiscard]] int sample_rate() const { return sample_rate_; }
    [[nodiscard]] bool eof() const { return eof_; }
    [[nodiscard]] std::int64_t handed_out() const { return handed_out_; }

    using DamageFn = std::function<void(const std::string&)>;
    // Decode one packet (nullptr: flush) and place what it yields. `frame` is scratch.
    void send(const AVPacket* packet, AVFrame& frame, const DamageFn& damage);

    // The absolute sample position of the video's first frame; until it is set (audio-only
    // sources never set it) the first decoded sample is the origin.
    void set_origin(std::int64_t pts, Rational time_base);

    // True when every sample before relative position `end` is decoded (or the stream ended).
    [[nodiscard]] bool ready(std::int64_t end) const;
    // Samples from the last hand-out up to relative position `end`, as far as decoded.
    AudioBuffer take_until(std::int64_t end);
    // Samples decoded but not handed out yet.
    [[nodiscard]] std::int64_t backlog() const;

private:
    void place(const AVFrame& frame);
    [[nodiscard]] std::int64_t origin() const;

    int stream_index_;
    av::CodecContext decoder_;
    av::SwrPtr converter_;
    int channels_;
    int sample_rate_;
    Rational time_base_;
    std::int64_t tolerance_;         // timestamp jitter (in samples) that is not a gap

    std::vector<float> fifo_;        // interleaved; fifo_skip_ values already consumed
    std::size_t fifo_skip_ = 0;
    bool placed_any_ = false;
    std::int64_t fifo_start_ = 0;    // absolute sample position of the first unconsumed sample
    bool origin_set_ = false;
    std::int64_t origin_ = 0;        // absolute sample position of relative sample 0
    std::int64_t first_placed_ = 0;  // where the first decoded block sits
    std::int64_t handed_out_ = 0;    // relative position handed out so far
    bool eof_ = false;
};

}  // namespace cinepipe
