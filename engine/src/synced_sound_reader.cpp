// The clip's reader wrapped with a recording's: pictures (and, with keep_scratch, the clip's
// own audio) come from the clip, the sound from the recording, cut per picture by the same
// sample-exact rule the readers use, so a unit's sound is exactly what plays under its picture.

#include <fmt/format.h>

#include <algorithm>

#include "cinepipe/error.h"
#include "cinepipe/synced_sound.h"
#include "recording_samples.h"

namespace cinepipe {

namespace {

// ceil(value * num / den) without overflow for any clip length and sample rate.
std::int64_t ceil_scaled(std::int64_t value, std::int64_t num, std::int64_t den) {
    const __int128 p = static_cast<__int128>(value) * num;
    __int128 q = p / den;
    if (p % den != 0 && (p > 0) == (den > 0)) ++q;
    return static_cast<std::int64_t>(q);
}

template <typename T>
void append_new(const std::vector<T>& from, std::vector<T>& to, std::size_t& seen) {
    to.insert(to.end(), from.begin() + static_cast<std::ptrdiff_t>(seen), from.end());
    seen = from.size();
}

class SyncedSoundReader final : public MediaReader {
  public:
    SyncedSoundReader(std::unique_ptr<MediaReader> clip, std::unique_ptr<RecordingSamples> sound,
                      const SyncedSound& options)
        : clip_(std::move(clip)),
          sound_(std::move(sound)),
          offset_(options.offset_samples),
          keep_scratch_(options.keep_scratch),
          info_(clip_->info()) {
        // The recording's stream, as long as the picture: writers take its rate, channels,
        // speaker positions (none for a polyphonic recorder's tracks) and depth from here.
        AudioStreamInfo a = sound_->stream();
        a.duration = info_.video->duration;
        info_.audio.insert(info_.audio.begin(), a);
        // Without keep_scratch the clip's own sound is dropped (whether or not it was decoded).
        if (!keep_scratch_) info_.audio.resize(1);
        refresh_stats();
    }

    [[nodiscard]] const MediaInfo& info() const override { return info_; }
    [[nodiscard]] const ReadStats& stats() const override { return stats_; }

    std::optional<MediaUnit> next() override {
        if (done_) return std::nullopt;
        std::optional<MediaUnit> unit = clip_->next();
        // Units without a picture come only after the last one: the clip's length decides
        // where the sound ends, so they (the scratch track's tail) are not delivered.
        if (!unit || !unit->video) {
            finish();
            return std::nullopt;
        }
        AudioBuffer sound = take_sound(*unit->video);
        if (keep_scratch_)
            unit->audio.insert(unit->audio.begin(), std::move(sound));
        else
            unit->audio.assign(1, std::move(sound));
        refresh_stats();
        return unit;
    }

  private:
    // The recording's samples that play during `frame`: up to the frame's end, measured from
    // the first picture's time and rounded up (the readers' rule: sample n belongs to frame
    // floor(n * rate / sample_rate)), starting offset_ samples into the recording.
    AudioBuffer take_sound(const VideoFrame& frame) {
        if (!have_first_) {
            first_pts_ = frame.pts;
            have_first_ = true;
        }
        const Rational tb = frame.time_base;
        const std::int64_t duration =
            frame.duration > 0
                ? frame.duration
                : std::max<std::int64_t>(1, rescale(1, info_.video->frame_rate.inverse(), tb));
        const std::int64_t end =
            ceil_scaled(frame.pts - first_pts_ + duration, tb.num * sound_->sample_rate(), tb.den);
        AudioBuffer out;
        out.channels = sound_->channels();
        out.sample_rate = sound_->sample_rate();
        out.pts = handed_out_;
        if (end <= handed_out_) return out;
        const std::int64_t count = end - handed_out_;
        out.samples.reserve(static_cast<std::size_t>(count * out.channels));
        sound_->read(offset_ + handed_out_, count, out.samples, silence_head_, silence_tail_);
        handed_out_ = end;
        return out;
    }

    void finish() {
        done_ = true;
        refresh_stats();
        const double rate = sound_->sample_rate();
        if (silence_head_ > 0)
            stats_.warnings.push_back(fmt::format(
                "{}: the camera rolled {:.3f} s before the recording; that much silence leads "
                "the sound",
                sound_->path(), double(silence_head_) / rate));
        if (silence_tail_ > 0)
            stats_.warnings.push_back(
                fmt::format("{}: the recording ends {:.3f} s before the clip; silence fills the "
                            "rest",
                            sound_->path(), double(silence_tail_) / rate));
    }

    // The clip's counts, with the sound's samples as the first audio stream's. Nodes keep a
    // pointer to stats() and read it while frames flow, so it is kept current; the lists
    // only grow, so only what is new is copied.
    void refresh_stats() {
        const ReadStats& c = clip_->stats();
        stats_.frames = c.frames;
        stats_.decoded_pictures = c.decoded_pictures;
        stats_.corrupt_frames = c.corrupt_frames;
        stats_.audio_samples = handed_out_;
        append_new(c.discontinuities, stats_.discontinuities, seen_discontinuities_);
        append_new(c.damage, stats_.damage, seen_damage_);
        append_new(c.warnings, stats_.warnings, seen_warnings_);
    }

    std::unique_ptr<MediaReader> clip_;
    std::unique_ptr<RecordingSamples> sound_;
    std::int64_t offset_;
    bool keep_scratch_;
    MediaInfo info_;
    ReadStats stats_;
    std::size_t seen_discontinuities_ = 0;
    std::size_t seen_damage_ = 0;
    std::size_t seen_warnings_ = 0;
    bool have_first_ = false;
    std::int64_t first_pts_ = 0;
    std::int64_t handed_out_ = 0;  // sound samples delivered, from the first picture's
    std::int64_t silence_head_ = 0;
    std::int64_t silence_tail_ = 0;
    bool done_ = false;
};

}  // namespace

std::unique_ptr<MediaReader> with_synced_sound(std::unique_ptr<MediaReader> clip,
                                               const SyncedSound& sound,
                                               const CancelToken* cancel) {
    if (!clip->info().video)
        throw InputError(clip->info().path + ": has no pictures to lay the sound of " +
                         sound.recording + " under");
    auto recording = std::make_unique<RecordingSamples>(sound.recording, cancel);
    return std::make_unique<SyncedSoundReader>(std::move(clip), std::move(recording), sound);
}

}  // namespace cinepipe
