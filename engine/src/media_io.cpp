// Picks the reader or writer for a path: image sequences through OpenImageIO, everything
// else through libav.

#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/media_writer.h"
#include "image_sequence.h"
#include "libav_reader.h"
#include "libav_writer.h"
#include "sequence_pattern.h"

namespace cinepipe {

std::unique_ptr<MediaReader> MediaReader::open(const std::string& path,
                                               const ReaderOptions& options) {
    if (looks_like_image_sequence(path)) return open_image_sequence(path, options);
    return open_movie(path, options);
}

MediaInfo probe(const std::string& path, const ReaderOptions& options) {
    if (looks_like_image_sequence(path)) return open_image_sequence(path, options)->info();
    return probe_movie(path, options.cancel);
}

std::unique_ptr<MediaWriter> MediaWriter::create(const WriterConfig& config) {
    const std::string codec =
        config.video_codec.empty() ? default_video_codec(config.path) : config.video_codec;
    for (const auto& preset : video_codec_presets()) {
        if (preset.name != codec) continue;
        check_rate_control(config.path, codec, config.speed, config.crf);
        return preset.image_sequence ? create_image_sequence_writer(config)
                                     : create_movie_writer(config);
    }
    throw InputError(config.path + ": unknown codec '" + codec + "'");
}

}  // namespace cinepipe
