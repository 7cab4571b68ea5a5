#pragma once
// Sinks that write MediaUnits: movie files through libav, image sequences through
// OpenImageIO. Output is atomic: everything is written under a temporary name beside the
// target and renamed by finish(); a writer destroyed before finish() removes what it wrote.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cinepipe/color_tags.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/pixel_format.h"
#include "cinepipe/rational.h"
#include "cinepipe/timecode.h"

namespace cinepipe {

struct VideoCodecPreset {
    std::string name;  // "prores_hq", "dnxhr_hqx", "ffv1", "exr_half", ...
    std::string description;
    bool image_sequence;  // written through OpenImageIO, one file per frame
    bool rate_controlled = false;  // takes WriterConfig::speed and crf (h264, h265)
};

// Every codec name `transcode --codec` accepts, in a stable order.
const std::vector<VideoCodecPreset>& video_codec_presets();
// The x264/x265 speed presets, fastest first ("ultrafast" .. "veryslow").
const std::vector<std::string>& encoder_speeds();
// Whether `codec` (a video_codec_presets() name) takes a speed and a crf: h264, h265.
bool takes_rate_control(const std::string& codec);
// Throws InputError naming `path` when `speed` / `crf` are set for a codec that does not
// take them, or are not valid.
void check_rate_control(const std::string& path, const std::string& codec,
                        const std::string& speed, int crf);
// The default codec for an output path: by extension (.mov/.mxf -> prores_hq, .mp4 -> h264,
// .mkv -> ffv1, .exr -> exr_half, .dpx -> dpx10, .tif/.tiff -> tiff16).
std::string default_video_codec(const std::string& path);

enum class AudioCodec { None, Pcm16, Pcm24, Aac };
std::optional<AudioCodec> audio_codec_from_string(const std::string& name);
std::string to_string(AudioCodec codec);

struct AudioTrackConfig {
    int channels = 2;
    int sample_rate = 48000;
    std::uint64_t channel_mask = 0;  // speaker positions (see AudioStreamInfo); 0: unnamed
    // Channels written: 0 keeps `channels`; 2 mixes down (or up) to stereo with
    // libswresample's standard matrix, as a review copy wants.
    int mix_to = 0;
};

struct WriterConfig {
    std::string path;         // movie file, or a sequence pattern ("out.%06d.exr")
    std::string video_codec;  // a preset name; empty: default_video_codec(path)
    AudioCodec audio_codec = AudioCodec::Pcm24;
    int width = 0;
    int height = 0;
    Rational frame_rate{24, 1};
    Rational sample_aspect{1, 1};
    ColorTags tags;
    FieldOrder field_order = FieldOrder::Progressive;
    bool has_alpha = false;  // keep alpha where the codec can (prores_4444)
    // The source's working format: lossless codecs (ffv1) keep it instead of converting.
    std::optional<PixelFormat> source_format;
    std::optional<Timecode> start_timecode;
    std::string reel_name;
    std::vector<AudioTrackConfig> audio;  // one per audio stream to write
    int threads = 0;                      // encoder threads; 0: libav picks
    // H.264/H.265 only: the encoder's speed preset (encoder_speeds()) and constant rate
    // factor (0..51, lower is better). Empty / -1: the codec's own (h264: medium, CRF 18).
    std::string speed;
    int crf = -1;
    bool overwrite = false;
    std::int64_t first_frame_number = 0;  // image sequences: number of the first file
    // MOV/MP4: the index (moov) at the start of the file, so a review copy plays while it
    // downloads (a second pass over the file when it is finalised).
    bool fast_start = false;
};

class MediaWriter {
  public:
    virtual ~MediaWriter() = default;

    // Validates the configuration (codec, container, audio, target) and opens the encoder.
    // Throws InputError for an impossible request and OutputError when the target exists
    // (without overwrite) or cannot be written.
    static std::unique_ptr<MediaWriter> create(const WriterConfig& config);

    // The pixel format and size frames must have when passed to write().
    [[nodiscard]] virtual PixelFormat input_format() const = 0;
    // Must be called in presentation order.
    virtual void write(const MediaUnit& unit) = 0;
    // Flushes encoders and finalises the container, still under the temporary name.
    virtual void close() = 0;
    // Renames what close() finalised into place. Kept apart from close() so that a run with
    // several outputs renames none of them until all are complete.
    virtual void commit() = 0;
    void finish() {
        close();
        commit();
    }
    // The final path(s) written (one for a movie, one per frame for a sequence).
    [[nodiscard]] virtual std::vector<std::string> outputs() const = 0;
    // What the output could not keep from the configuration (one sentence each).
    [[nodiscard]] virtual std::vector<std::string> warnings() const { return {}; }
};

}  // namespace cinepipe
