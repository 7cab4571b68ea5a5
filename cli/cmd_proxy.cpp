// `cinepipe proxy`: review copies for editors, each source decoded once for everything made
// from it: the proxy (a review preset, graded, with burn-ins), optionally a master from the
// same decode, a poster frame and a contact sheet. One graph per source.

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

#include "cinepipe/error.h"
#include "cinepipe/graph.h"
#include "cinepipe/job.h"
#include "cinepipe/media_writer.h"
#include "cinepipe/output_preset.h"
#include "cli_common.h"
#include "deliverable_graph.h"
#include "grade_options.h"

namespace cinepipe::cli {

namespace {

namespace fs = std::filesystem;

struct ProxyArgs {
    std::vector<std::string> inputs;
    std::string out_dir;
    std::string preset = "review-1080";
    std::string master;
    std::string burnin;
    std::string font;
    double burnin_size = 0.045;
    double box_opacity = 0.6;
    bool thumbnails = false;
    bool overwrite = false;
    std::string speed;
    int crf = -1;
    std::shared_ptr<GradeOptions> grade = std::make_shared<GradeOptions>();
};

struct Outputs {
    std::string proxy, master, poster, sheet;
};

GraphSpec proxy_graph(const ProxyArgs& a, const std::string& input, const Outputs& o,
                      const OutputPreset& proxy, const std::optional<OutputPreset>& master) {
    DeliverableSpec d;
    d.input = input;
    d.grade = *a.grade;
    d.master = master;
    d.master_path = o.master;
    d.proxy = proxy;
    d.proxy_path = o.proxy;
    d.burnin = a.burnin;
    d.font = a.font;
    d.burnin_size = a.burnin_size;
    d.box_opacity = a.box_opacity;
    if (a.thumbnails) {
        d.poster = o.poster;
        d.sheet = o.sheet;
    }
    return deliverable_graph(d);
}

}  // namespace

Runner add_proxy(CLI::App& app, GlobalOptions& global) {
    auto a = std::make_shared<ProxyArgs>();
    app.add_option("IN", a->inputs, "Source movies or image sequences")->required();
    app.add_option("-o,--output", a->out_dir, "Folder for the proxies (and masters, thumbnails)")
        ->required();
    app.add_option("--preset", a->preset,
                   "Proxy preset: review-1080 (default), review-720, or a preset file");
    app.add_option("--master", a->master,
                   "Also write a master from the same decode with this preset (e.g. "
                   "prores-422-hq), as NAME_master.EXT");
    app.add_option("--speed", a->speed,
                   "H.264/H.265 encoder speed for the proxy, ultrafast .. veryslow (default: "
                   "the preset's, else medium); faster presets spend less effort on compression")
        ->check(CLI::IsMember(encoder_speeds()));
    app.add_option("--crf", a->crf,
                   "H.264/H.265 constant rate factor for the proxy (default: "
                   "the preset's, else 18); lower is better and larger")
        ->check(CLI::Range(0, 51));
    app.add_option("--burnin", a->burnin,
                   "Burn-ins: timecode, clip, reel, frame, text=WORDS, each optionally @tl|tc|tr|"
                   "bl|bc|br|c (e.g. timecode,clip,frame,text=FOR REVIEW@bc)");
    app.add_option("--font", a->font, "Burn-in font file or name (default DejaVu Sans Mono Bold)");
    app.add_option("--burnin-size", a->burnin_size, "Burn-in text height, fraction of the picture")
        ->check(CLI::Range(0.01, 0.5));
    app.add_option("--box-opacity", a->box_opacity, "Opacity of the box behind burn-ins (0..1)")
        ->check(CLI::Range(0.0, 1.0));
    app.add_flag("--thumbnails", a->thumbnails,
                 "Also write NAME_poster.jpg and NAME_sheet.jpg (a contact sheet with timecodes)");
    add_grade_options(app, a->grade);
    app.add_option("--threads", global.threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 256));
    app.add_flag("--overwrite", a->overwrite, "Replace existing outputs");
    return [a, &global] {
        std::error_code ec;
        if (!fs::is_directory(a->out_dir, ec))
            throw OutputError(a->out_dir + ": not a folder (create it first)");
        OutputPreset proxy = load_output_preset(a->preset);
        if (!a->speed.empty()) proxy.speed = a->speed;
        if (a->crf >= 0) proxy.crf = a->crf;
        if ((!proxy.speed.empty() || proxy.crf >= 0) && !takes_rate_control(proxy.codec))
            throw InputError(
                fmt::format("--speed and --crf apply to H.264 and H.265 proxies; the "
                            "{} preset writes {}",
                            proxy.name, proxy.codec));
        std::optional<OutputPreset> master;
        if (!a->master.empty()) master = load_output_preset(a->master);
        // Outputs named after their clips: two sources with one name would overwrite each other.
        std::set<std::string> stems;
        std::vector<std::pair<std::string, Outputs>> jobs;
        for (const auto& in : a->inputs) {
            const std::string stem = clip_stem(in);
            if (!stems.insert(stem).second)
                throw InputError(
                    fmt::format("{}: another source is also named {}; their outputs "
                                "would collide in {}",
                                in, stem, a->out_dir));
            const fs::path dir(a->out_dir);
            Outputs o;
            o.proxy = (dir / (stem + proxy.extensions.front())).string();
            if (master) {
                const std::string ext = master->extensions.front();
                const bool sequence = ext == ".exr" || ext == ".dpx";
                o.master = (dir / (stem + "_master" + (sequence ? ".%06d" : "") + ext)).string();
            }
            o.poster = (dir / (stem + "_poster.jpg")).string();
            o.sheet = (dir / (stem + "_sheet.jpg")).string();
            jobs.emplace_back(in, o);
        }
        const FilterRegistry registry = make_registry({});
        int done = 0;
        for (const auto& [in, o] : jobs) {
            const GraphSpec spec = proxy_graph(*a, in, o, proxy, master);
            GraphOptions options;
            options.schedule.threads = global.threads;
            options.overwrite = a->overwrite;
            options.progress = progress_printer(global, fs::path(in).filename().string());
            std::optional<StageTimer> setup(phase(global, "set up graph"));
            Graph graph(spec, registry, options, interrupt_token());
            setup.reset();
            const GraphRunResult r = graph.run();
            // Sources one after another: their stages add up under the same names.
            global.measured.merge(r.stats);
            end_progress_line(global);
            for (const auto& w : r.warnings)
                std::fprintf(stderr, "cinepipe: warning: %s\n", w.c_str());
            ++done;
            if (!global.quiet)
                for (const auto& out : r.outputs)
                    std::fprintf(
                        stderr, "%s\n",
                        fmt::format("wrote {} ({} frames, decoded once)", out, r.source.frames)
                            .c_str());
        }
        if (!global.quiet)
            std::fprintf(stderr, "%s\n", fmt::format("{} source(s) done", done).c_str());
        return kOk;
    };
}

}  // namespace cinepipe::cli
