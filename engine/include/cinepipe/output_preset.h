#pragma once
// Output presets: what a delivery is (codec, pixel format, size, colour tags, sound), named
// once in a YAML file (samples/presets/, compiled in) and applied to a graph's writer.

#include <map>
#include <string>
#include <vector>

#include "cinepipe/graph.h"

namespace cinepipe {

struct OutputPreset {
    std::string name;
    std::string description;
    std::vector<std::string> extensions;  // ".mov", ".mxf"; ".exr" for a sequence pattern
    std::string codec;                    // a writer codec (video_codec_presets())
    // ffprobe's name for what the file holds ("yuv422p10le"), or "source" when the codec
    // keeps the source's (FFV1); with alpha, alpha_pixel_format.
    std::string pixel_format;
    std::string alpha_pixel_format;
    int fit_width = 0;  // > 0: scaled to fit inside fit_width x fit_height, square pixels
    int fit_height = 0;
    bool fast_start = false;
    std::string speed;  // h264/h265: the encoder's speed preset; empty: the codec's
    int crf = -1;       // h264/h265: constant rate factor; -1: the codec's
    std::string color_mode = "keep";            // keep | fill (where unspecified) | set
    std::map<std::string, std::string> colors;  // setparams values: primaries, transfer, ...
    std::string audio = "auto";                 // pcm16 | pcm24 | aac | none
    int audio_channels = 0;                     // 0: the source's; 2: stereo
    std::string origin;                         // "built-in" or the file
};

std::vector<std::string> builtin_output_presets();
// A built-in name or a preset file. Throws InputError ("FILE:LINE: problem" for a bad file,
// the list of names for an unknown one).
OutputPreset load_output_preset(const std::string& name_or_path);

// Makes the writer node `writer_id` deliver `preset`: its codec and sound, with a scale (fit)
// and a setparams (tags) inserted in front of it when the preset asks. Throws InputError when
// the node is missing or its path has an extension the preset does not write.
void apply_output_preset(GraphSpec& spec, const std::string& writer_id, const OutputPreset& preset);

}  // namespace cinepipe
