// Thumbnails of chosen frames: a movie is seeked to the keyframe before each frame and decoded
// forward to it; an image sequence reads just that file.

#include "cinepipe/thumbnails.h"

#include <algorithm>
#include <optional>

#include "av_util.h"
#include "cinepipe/error.h"
#include "image_sequence.h"
#include "libav_reader.h"
#include "sequence_pattern.h"
#include "thumbnail_image.h"

namespace cinepipe {

namespace {

// The requests to serve: distinct frames, in order, at most `max_count` of them.
std::vector<ThumbnailRequest> wanted(std::vector<ThumbnailRequest> requests, std::size_t max) {
    std::sort(requests.begin(), requests.end(),
              [](const auto& a, const auto& b) { return a.frame < b.frame; });
    requests.erase(std::unique(requests.begin(), requests.end(),
                               [](const auto& a, const auto& b) { return a.frame == b.frame; }),
                   requests.end());
    if (requests.size() > max) requests.resize(max);
    return requests;
}

void throw_if_cancelled(const CancelToken* cancel) {
    if (cancel) cancel->throw_if_cancelled();
}

class MovieGrabber {
  public:
    MovieGrabber(const std::string& path, const ThumbnailOptions& options)
        : options_(options),
          in_(open_input(path, options.cancel)),
          packet_(av::make_packet()),
          frame_(av::make_frame()) {
        if (in_.video_index < 0) return;
        AVFormatContext& fmt = *in_.fmt;
        stream_ = fmt.streams[in_.video_index];
        for (unsigned i = 0; i < fmt.nb_streams; ++i)
            if (static_cast<int>(i) != in_.video_index) fmt.streams[i]->discard = AVDISCARD_ALL;
        decoder_ = open_decoder(path, *stream_, 0);
        rate_ = av_guess_frame_rate(&fmt, stream_, nullptr);
        if (rate_.num <= 0 || rate_.den <= 0) rate_ = {24, 1};
        frame_duration_ =
            std::max<std::int64_t>(1, av_rescale_q(1, av_inv_q(rate_), stream_->time_base));
        // The first picture's time, as the reader counts from it (the stream's start).
        start_ = stream_->start_time != AV_NOPTS_VALUE ? stream_->start_time : 0;
        stream_tags_ = av::tags_from(*stream_->codecpar);
    }

    [[nodiscard]] bool has_video() const { return stream_ != nullptr; }

    // The picture at `clock` frames from the first, or nothing when it cannot be reached.
    std::optional<ThumbnailEncoder::Image> grab(std::int64_t clock, ThumbnailEncoder& encoder) {
        const std::int64_t target =
            start_ + av_rescale_q(clock, av_inv_q(rate_), stream_->time_base);
        // BACKWARD: the keyframe at or before the target, from which decoding can reach it.
        if (av_seek_frame(in_.fmt.get(), stream_->index, target, AVSEEK_FLAG_BACKWARD) < 0 &&
            av_seek_frame(in_.fmt.get(), stream_->index, start_, AVSEEK_FLAG_BACKWARD) < 0)
            return std::nullopt;
        avcodec_flush_buffers(decoder_.get());
        bool draining = false;
        // A keyframe interval longer than this is not a file worth a long wait for a picture.
        for (int decoded = 0; decoded < kMaxDecoded;) {
            throw_if_cancelled(options_.cancel);
            const int got = avcodec_receive_frame(decoder_.get(), frame_.get());
            if (got == 0) {
                ++decoded;
                std::int64_t pts = frame_->best_effort_timestamp;
                if (pts == AV_NOPTS_VALUE) pts = target;
                // The first picture that covers the target: at most half a frame early, or
                // later when the seek overshot (the closest there is).
                if (pts * 2 + frame_duration_ >= target * 2) return encode(encoder);
                av_frame_unref(frame_.get());
                continue;
            }
            if (got == AVERROR_EOF) return std::nullopt;
            if (got != AVERROR(EAGAIN)) {
                ++decoded;  // a damaged picture: on to the next one
                continue;
            }
            if (draining) return std::nullopt;
            if (!feed()) {
                draining = true;
                avcodec_send_packet(decoder_.get(), nullptr);
            }
        }
        return std::nullopt;
    }

  private:
    static constexpr int kMaxDecoded = 2000;

    // Sends the next packet of the picture stream; false at the end of the file.
    bool feed() {
        while (true) {
            const int err = av_read_frame(in_.fmt.get(), packet_.get());
            if (err < 0) return false;
            const bool ours = packet_->stream_index == stream_->index;
            if (ours) avcodec_send_packet(decoder_.get(), packet_.get());  // damage: skipped
            av_packet_unref(packet_.get());
            if (ours) return true;
        }
    }

    ThumbnailEncoder::Image encode(ThumbnailEncoder& encoder) {
        ColorTags tags = av::tags_from(*frame_);
        if (tags.matrix == MatrixCoefficients::Unspecified) tags.matrix = stream_tags_.matrix;
        if (tags.range == ColorRange::Unspecified) tags.range = stream_tags_.range;
        if (tags.transfer == TransferCharacteristic::Unspecified)
            tags.transfer = stream_tags_.transfer;
        const AVRational sar = av_guess_sample_aspect_ratio(in_.fmt.get(), stream_, frame_.get());
        auto image = encoder.encode(*frame_, tags, av::to_rational(sar));
        av_frame_unref(frame_.get());
        return image;
    }

    ThumbnailOptions options_;
    OpenedInput in_;
    AVStream* stream_ = nullptr;
    av::CodecContext decoder_;
    AVRational rate_{24, 1};
    std::int64_t frame_duration_ = 1;
    std::int64_t start_ = 0;
    ColorTags stream_tags_;
    av::PacketPtr packet_;
    av::FramePtr frame_;
};

std::vector<Thumbnail> from_movie(const std::string& path,
                                  const std::vector<ThumbnailRequest>& requests,
                                  const ThumbnailOptions& options) {
    MovieGrabber grabber(path, options);
    std::vector<Thumbnail> out;
    if (!grabber.has_video()) return out;
    ThumbnailEncoder encoder(options.width, options.quality);
    for (const auto& r : requests)
        if (auto image = grabber.grab(r.clock, encoder))
            out.push_back({r.frame, image->width, image->height, std::move(image->jpeg)});
    return out;
}

std::vector<Thumbnail> from_sequence(const std::string& path,
                                     const std::vector<ThumbnailRequest>& requests,
                                     const ThumbnailOptions& options) {
    ReaderOptions ro;
    ro.cancel = options.cancel;
    ro.decode_audio = false;
    auto reader = open_image_sequence(path, ro);
    ThumbnailEncoder encoder(options.width, options.quality);
    std::vector<Thumbnail> out;
    for (const auto& r : requests) {
        throw_if_cancelled(options.cancel);
        seek_image_sequence(*reader, r.frame);
        std::optional<MediaUnit> unit;
        try {
            unit = reader->next();
        } catch (const InputError&) {
            continue;  // an unreadable file: no picture for this one
        }
        if (!unit || !unit->video) continue;
        const av::FramePtr picture = av::to_avframe(unit->video);
        auto image = encoder.encode(*picture, unit->video->tags, unit->video->sample_aspect);
        out.push_back({r.frame, image.width, image.height, std::move(image.jpeg)});
    }
    return out;
}

}  // namespace

std::vector<Thumbnail> grab_thumbnails(const std::string& path,
                                       std::vector<ThumbnailRequest> requests,
                                       const ThumbnailOptions& options) {
    av::init_logging();
    requests = wanted(std::move(requests), options.max_count);
    if (requests.empty()) return {};
    if (looks_like_image_sequence(path)) return from_sequence(path, requests, options);
    return from_movie(path, requests, options);
}

}  // namespace cinepipe
