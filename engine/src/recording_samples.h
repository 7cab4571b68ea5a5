#pragma once
// A sound recording's first audio stream as interleaved float, read forward from any sample
// position: silence before its start and after its end. Used wherever a recorder's sound is
// laid under a picture (layback's remux, the graph source's synced sound), so both cut it the
// same way.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "cinepipe/cancel.h"
#include "cinepipe/media_reader.h"

namespace cinepipe {

class RecordingSamples {
  public:
    // Throws InputError naming `path` when it cannot be read or carries no decodable sound.
    RecordingSamples(const std::string& path, const CancelToken* cancel);

    // The stream read (the first one the reader can decode): rate, channels, layout, depth.
    [[nodiscard]] const AudioStreamInfo& stream() const { return reader_->info().audio.front(); }
    [[nodiscard]] int channels() const { return channels_; }
    [[nodiscard]] int sample_rate() const { return stream().sample_rate; }
    // The container's index of that stream.
    [[nodiscard]] int stream_index() const { return stream().index; }
    [[nodiscard]] const std::string& path() const { return path_; }

    // Samples from..from+count (recording positions; each call starts at or after where the
    // last one ended) appended to `out`; `before` and `after` count those outside the
    // recording, which are silence. Holds only what lies ahead of the read position: at most
    // one decoded block of the reader (a second of sound) beyond the samples asked for.
    void read(std::int64_t from, std::int64_t count, std::vector<float>& out, std::int64_t& before,
              std::int64_t& after);

  private:
    void drop_before(std::int64_t position);
    [[nodiscard]] std::int64_t held() const;
    void pull();

    std::string path_;
    std::unique_ptr<MediaReader> reader_;
    std::deque<float> buffer_;
    std::int64_t start_ = 0;  // recording position of buffer_'s first sample
    int channels_ = 0;
    bool eof_ = false;
};

}  // namespace cinepipe
