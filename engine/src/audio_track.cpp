#include "audio_track.h"

#include <algorithm>

#include "cinepipe/error.h"

namespace cinepipe {

AudioTrack::AudioTrack(int stream_index, av::CodecContext decoder, int channels, int sample_rate,
                       Rational stream_time_base)
    : stream_index_(stream_index),
      decoder_(std::move(decoder)),
      channels_(channels),
      sample_rate_(sample_rate),
      time_base_(stream_time_base) {
    // One tick of a coarse time base (Matroska's milliseconds) is many samples; timestamps
    // that close to where the previous block ended are rounding, not a gap.
    const std::int64_t tick = rescale(1, time_base_, {1, sample_rate_});
    tolerance_ = std::max<std::int64_t>(2, tick + 1);
    // The conversion is to interleaved float only, never a remix, so both sides use the
    // default layout for the count (some containers store no layout at all).
    AVChannelLayout layout{};
    av_channel_layout_default(&layout, channels_);
    SwrContext* raw = nullptr;
    const int err = swr_alloc_set_opts2(&raw, &layout, AV_SAMPLE_FMT_FLT, sample_rate_, &layout,
                                        decoder_->sample_fmt, sample_rate_, 0, nullptr);
    if (err < 0 || swr_init(raw) < 0) {
        swr_free(&raw);
        throw InputError("cannot convert audio of stream " + std::to_string(stream_index_));
    }
    converter_.reset(raw);
}

void AudioTrack::send(const AVPacket* packet, AVFrame& frame, const DamageFn& damage) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        const int sent = avcodec_send_packet(decoder_.get(), packet);
        if (sent < 0 && sent != AVERROR_EOF && sent != AVERROR(EAGAIN))
            damage("undecodable audio packet (" + av::error_string(sent) + ")");
        while (true) {
            const int err = avcodec_receive_frame(decoder_.get(), &frame);
            if (err == AVERROR(EAGAIN)) break;
            if (err == AVERROR_EOF) {
                eof_ = true;
                return;
            }
            if (err < 0) {
                damage("audio decode error (" + av::error_string(err) + ")");
                break;
            }
            place(frame);
            av_frame_unref(&frame);
        }
        if (sent != AVERROR(EAGAIN)) return;
    }
}

void AudioTrack::place(const AVFrame& f) {
    if (f.ch_layout.nb_channels != channels_ || f.sample_rate != sample_rate_)
        throw InputError("audio stream " + std::to_string(stream_index_) +
                         " changes its channel count or rate mid-stream");
    const std::int64_t fifo_end =
        fifo_start_ + static_cast<std::int64_t>((fifo_.size() - fifo_skip_) / channels_);
    std::int64_t at = fifo_end;
    if (f.best_effort_timestamp != AV_NOPTS_VALUE)
        at = rescale(f.best_effort_timestamp, time_base_, {1, sample_rate_});
    std::int64_t drop = 0;  // samples of this block that overlap what is already placed
    if (!placed_any_) {
        fifo_start_ = at;
        first_placed_ = at;
        placed_any_ = true;
    } else if (at > fifo_end + tolerance_) {
        // A hole in the stream: silence, so everything after it stays in sync.
        fifo_.resize(fifo_.size() + static_cast<std::size_t>((at - fifo_end) * channels_), 0.0f);
    } else if (at < fifo_end - tolerance_) {
        drop = std::min<std::int64_t>(fifo_end - at, f.nb_samples);
    }

    const std::size_t old = fifo_.size();
    fifo_.resize(old +
                 static_cast<std::size_t>(f.nb_samples) * static_cast<std::size_t>(channels_));
    auto* out = reinterpret_cast<std::uint8_t*>(fifo_.data() + old);
    const int got = swr_convert(converter_.get(), &out, f.nb_samples,
                                const_cast<const std::uint8_t**>(f.extended_data), f.nb_samples);
    if (got < 0)
        throw InputError("audio conversion failed in stream " + std::to_string(stream_index_));
    fifo_.resize(old + static_cast<std::size_t>(got) * static_cast<std::size_t>(channels_));
    if (drop > 0)
        fifo_.erase(fifo_.begin() + static_cast<std::ptrdiff_t>(old),
                    fifo_.begin() + static_cast<std::ptrdiff_t>(
                                        old + static_cast<std::size_t>(
                                                  std::min<std::int64_t>(drop, got) * channels_)));
}

void AudioTrack::set_origin(std::int64_t pts, Rational time_base) {
    origin_ = rescale(pts, time_base, {1, sample_rate_});
    origin_set_ = true;
}

std::int64_t AudioTrack::origin() const {
    if (origin_set_) return origin_;
    // With no picture to align to (an audio-only file), the stream's own first sample: fixed,
    // not the FIFO's start, which moves as samples are handed out.
    return placed_any_ ? first_placed_ : 0;
}

bool AudioTrack::ready(std::int64_t end) const {
    if (eof_) return true;
    if (!placed_any_) return false;
    const std::int64_t fifo_end =
        fifo_start_ + static_cast<std::int64_t>((fifo_.size() - fifo_skip_) / channels_);
    return fifo_end >= origin() + end;
}

std::int64_t AudioTrack::backlog() const {
    if (!placed_any_) return 0;
    const std::int64_t fifo_end =
        fifo_start_ + static_cast<std::int64_t>((fifo_.size() - fifo_skip_) / channels_);
    return std::max<std::int64_t>(0, fifo_end - (origin() + handed_out_));
}

AudioBuffer AudioTrack::take_until(std::int64_t end) {
    AudioBuffer out;
    out.channels = channels_;
    out.sample_rate = sample_rate_;
    out.pts = handed_out_;
    if (!placed_any_ || end <= handed_out_) return out;
    const std::int64_t cursor = origin() + handed_out_;
    // Audio from before the cursor (a lead-in ahead of the picture) is not part of the clip.
    if (fifo_start_ < cursor) {
        const std::int64_t buffered =
            static_cast<std::int64_t>((fifo_.size() - fifo_skip_) / channels_);
        const std::int64_t skip = std::min(cursor - fifo_start_, buffered);
        fifo_skip_ += static_cast<std::size_t>(skip * channels_);
        fifo_start_ += skip;
        if (fifo_start_ < cursor) return out;  // nothing decoded at the cursor yet
    }
    const std::int64_t buffered =
        static_cast<std::int64_t>((fifo_.size() - fifo_skip_) / channels_);
    const std::int64_t end_abs = std::min(origin() + end, fifo_start_ + buffered);
    if (end_abs <= cursor) return out;
    // Silence where the stream starts after the cursor (audio that begins after the picture).
    const std::int64_t silence = std::min(fifo_start_, end_abs) - cursor;
    const std::int64_t from_fifo = end_abs - std::max(cursor, fifo_start_);
    out.samples.assign(static_cast<std::size_t>(std::max<std::int64_t>(0, silence) * channels_),
                       0.0f);
    if (from_fifo > 0) {
        const auto n = static_cast<std::size_t>(from_fifo * channels_);
        out.samples.insert(out.samples.end(),
                           fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_skip_),
                           fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_skip_ + n));
        fifo_skip_ += n;
        fifo_start_ += from_fifo;
    }
    handed_out_ += end_abs - cursor;
    if (fifo_skip_ > fifo_.size() / 2) {  // compact now and then, not per unit
        fifo_.erase(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_skip_));
        fifo_skip_ = 0;
    }
    return out;
}

}  // namespace cinepipe
