#include <fmt/format.h>

#include <cstdio>

#include "cinepipe/error.h"
#include "cinepipe/samples.h"
#include "cli_common.h"

namespace cinepipe::cli {

Runner add_samples(CLI::App& app, GlobalOptions& global) {
    struct Args {
        std::string out_dir;
        double duration = 5.0;
        std::string size = "1280x720";
        std::string rate = "24";
        bool overwrite = false;
    };
    auto args = std::make_shared<Args>();
    app.add_option("OUTDIR", args->out_dir, "Folder to write the sample dailies into")->required();
    app.add_option("--duration", args->duration, "Seconds per clip")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--size", args->size, "Picture size WxH")->capture_default_str();
    app.add_option("--fps", args->rate, "Frame rate (the drop-frame clip is always 29.97)")
        ->capture_default_str();
    app.add_flag("--overwrite", args->overwrite, "Replace existing sample files");
    return [args, &global] {
        SampleSetOptions options;
        options.out_dir = args->out_dir;
        options.duration_seconds = args->duration;
        options.rate = parse_rate(args->rate);
        options.overwrite = args->overwrite;
        int w = 0;
        int h = 0;
        char x = 0;
        if (std::sscanf(args->size.c_str(), "%d%c%d", &w, &x, &h) != 3 || x != 'x' || w < 256 ||
            h < 144 || w > 8192 || h > 8192 || w % 2 || h % 2)
            throw InputError("--size '" + args->size +
                             "': expected WxH, even, from 256x144 (DNxHR's smallest) to 8192x8192");
        options.width = w;
        options.height = h;
        const auto files = write_sample_set(options, interrupt_token());
        // One clip after another: their stages add up ("decode" draws the pictures).
        for (const auto& f : files) global.measured.merge(f.stats);
        if (!global.quiet)
            for (const auto& f : files)
                std::printf("%s  (%s)\n", f.path.c_str(), f.description.c_str());
        return kOk;
    };
}

}  // namespace cinepipe::cli
