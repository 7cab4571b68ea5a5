#include "recording_samples.h"

#include <algorithm>

#include "cinepipe/error.h"

namespace cinepipe {

RecordingSamples::RecordingSamples(const std::string& path, const CancelToken* cancel)
    : path_(path) {
    ReaderOptions ro;
    ro.cancel = cancel;
    // A movie given as the recording is read for its sound only.
    ro.decode_video = false;
    reader_ = MediaReader::open(path, ro);
    if (reader_->info().audio.empty()) throw InputError(path + ": no sound to lay in");
    channels_ = stream().channels;
}

void RecordingSamples::read(std::int64_t from, std::int64_t count, std::vector<float>& out,
                            std::int64_t& before, std::int64_t& after) {
    const std::int64_t end = from + count;
    while (!eof_ && start_ + held() < end) {
        pull();
        drop_before(from);  // a clip an hour into a roll does not hold the hour
    }
    const auto ch = static_cast<std::size_t>(channels_);
    // Before the recording's first sample, then the recording, then past its end.
    const std::int64_t head = std::clamp<std::int64_t>(start_ - from, 0, count);
    const std::int64_t at = from + head;
    const std::int64_t body = std::clamp<std::int64_t>(start_ + held() - at, 0, end - at);
    const std::int64_t tail = end - at - body;
    out.insert(out.end(), static_cast<std::size_t>(head) * ch, 0.0F);
    if (body > 0) {
        const auto first = buffer_.begin() +
                           static_cast<std::ptrdiff_t>(static_cast<std::size_t>(at - start_) * ch);
        out.insert(out.end(), first,
                   first + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(body) * ch));
    }
    out.insert(out.end(), static_cast<std::size_t>(tail) * ch, 0.0F);
    before += head;
    after += tail;
    // What lies before the next read's start is not needed again.
    drop_before(end);
}

void RecordingSamples::drop_before(std::int64_t position) {
    const std::int64_t drop = std::clamp<std::int64_t>(position - start_, 0, held());
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop * channels_));
    start_ += drop;
}

std::int64_t RecordingSamples::held() const {
    return static_cast<std::int64_t>(buffer_.size()) / channels_;
}

void RecordingSamples::pull() {
    auto unit = reader_->next();
    if (!unit) {
        eof_ = true;
        return;
    }
    if (unit->audio.empty()) return;
    const AudioBuffer& a = unit->audio.front();
    // A gap before this block (the reader fills holes itself; this is only the start).
    if (buffer_.empty() && a.pts > start_) start_ = a.pts;
    buffer_.insert(buffer_.end(), a.samples.begin(), a.samples.end());
}

}  // namespace cinepipe
