// `cinepipe presets`: the output presets `grade`, `render` and `proxy` take.

#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cinepipe/output_preset.h"
#include "cli_common.h"

namespace cinepipe::cli {

Runner add_presets(CLI::App& app, GlobalOptions& global) {
    auto json = std::make_shared<bool>(false);
    app.add_flag("--json", *json, "As JSON");
    return [json, &global] {
        const StageTimer timer(phase(global, "load presets"));
        nlohmann::ordered_json all = nlohmann::ordered_json::array();
        for (const auto& name : builtin_output_presets()) {
            const OutputPreset p = load_output_preset(name);
            std::string exts;
            for (const auto& e : p.extensions) exts += (exts.empty() ? "" : " ") + e;
            if (*json) {
                all.push_back({{"name", p.name},
                               {"description", p.description},
                               {"extensions", p.extensions},
                               {"codec", p.codec},
                               {"pixel_format", p.pixel_format},
                               {"alpha_pixel_format", p.alpha_pixel_format},
                               {"fit", {p.fit_width, p.fit_height}},
                               {"color", p.color_mode},
                               {"audio", p.audio},
                               {"audio_channels", p.audio_channels}});
            } else {
                std::printf("%s\n", fmt::format("{:<14} {:<6} {}  ({})", p.name,
                                                exts.substr(0, exts.find(' ')), p.description, exts)
                                        .c_str());
            }
        }
        if (*json) std::printf("%s\n", all.dump(2).c_str());
        return kOk;
    };
}

}  // namespace cinepipe::cli
