#include <fmt/format.h>

#include <cstdio>

#include "cinepipe/error.h"
#include "cinepipe/transcode.h"
#include "cli_common.h"

namespace cinepipe::cli {

Runner add_transcode(CLI::App& app, GlobalOptions& global) {
    struct Args {
        std::string input;
        std::string output;
        std::string codec;
        std::string audio;
        std::string rate = "24";
        bool overwrite = false;
    };
    auto args = std::make_shared<Args>();
    std::vector<std::string> codec_names;
    std::string codec_help = "Video codec (default by extension):";
    for (const auto& p : video_codec_presets()) {
        codec_names.push_back(p.name);
        codec_help += "\n  " + p.name + ": " + p.description;
    }
    app.add_option("IN", args->input, "Source movie or image sequence")->required();
    app.add_option("-o,--output", args->output,
                   "Output movie, or sequence pattern such as out.%06d.exr")
        ->required();
    app.add_option("--codec", args->codec, codec_help)->check(CLI::IsMember(codec_names));
    app.add_option("--audio", args->audio,
                   "Audio codec: pcm16, pcm24, aac, none (default: pcm24; aac for .mp4)")
        ->check(CLI::IsMember({"pcm16", "pcm24", "aac", "none"}));
    app.add_option("--threads", global.threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 256));
    app.add_option("--fps", args->rate,
                   "Frame rate of an image-sequence source without one in its headers");
    app.add_flag("--overwrite", args->overwrite, "Replace an existing output");
    return [args, &global] {
        TranscodeOptions options;
        options.input = args->input;
        options.output = args->output;
        options.video_codec = args->codec;
        if (!args->audio.empty()) options.audio_codec = audio_codec_from_string(args->audio);
        options.overwrite = args->overwrite;
        options.schedule.threads = global.threads;
        options.reader.sequence_rate = parse_rate(args->rate);
        options.progress = progress_printer(global, "transcode");
        const TranscodeResult r = transcode(options, interrupt_token());
        global.measured.merge(r.stats);
        end_progress_line(global);
        // A master with gaps may be what the source holds, but nobody should find out later.
        for (const auto& d : r.discontinuities)
            std::fprintf(
                stderr, "%s\n",
                fmt::format(
                    "cinepipe: warning: {}: timestamp gap before frame {} (pts {} where {} was "
                    "expected); kept as a gap in the output",
                    args->input, d.frame_index, d.actual_pts, d.expected_pts)
                    .c_str());
        for (const auto& w : r.warnings) std::fprintf(stderr, "cinepipe: warning: %s\n", w.c_str());
        if (!global.quiet)
            std::fprintf(stderr, "%s\n",
                         fmt::format("wrote {} ({} frames, {} audio samples)", args->output,
                                     r.frames, r.audio_samples)
                             .c_str());
        return kOk;
    };
}

}  // namespace cinepipe::cli
