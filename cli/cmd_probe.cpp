#include <cstdio>
#include <optional>

#include "cinepipe/media_reader.h"
#include "cinepipe/probe_json.h"
#include "cli_common.h"

namespace cinepipe::cli {

Runner add_probe(CLI::App& app, GlobalOptions& global) {
    struct Args {
        std::string input;
        bool json = false;
        std::string rate = "24";
    };
    auto args = std::make_shared<Args>();
    app.add_option("FILE", args->input,
                   "Movie file or image sequence (shot.%06d.exr, shot.####.dpx)")
        ->required();
    app.add_flag("--json", args->json, "Stable machine-readable output (docs/probe-json.md)");
    app.add_option("--fps", args->rate,
                   "Frame rate of an image sequence without one in its headers")
        ->capture_default_str();
    return [args, &global] {
        ReaderOptions options;
        options.sequence_rate = parse_rate(args->rate);
        options.cancel = &interrupt_token();
        std::optional<StageTimer> timer(phase(global, "probe (open, count packets)"));
        const MediaInfo info = probe(args->input, options);
        timer.reset();
        const std::string out = args->json ? probe_to_json(info) + "\n" : probe_to_text(info);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return kOk;
    };
}

}  // namespace cinepipe::cli
