#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "cinepipe/filter_registry.h"
#include "cli_common.h"

namespace cinepipe::cli {

namespace {

nlohmann::json value_json(const ParamValue& v) {
    return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

nlohmann::json filters_json(const FilterRegistry& registry) {
    nlohmann::json list = nlohmann::json::array();
    for (const FilterInfo* f : registry.list()) {
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : f->params) {
            nlohmann::json j = {{"name", p.name},
                                {"type", to_string(p.type)},
                                {"required", !p.default_value.has_value()},
                                {"help", p.help}};
            if (p.default_value) j["default"] = value_json(*p.default_value);
            if (!std::isinf(p.min)) j["min"] = p.min;
            if (!std::isinf(p.max)) j["max"] = p.max;
            if (!p.choices.empty()) j["choices"] = p.choices;
            params.push_back(std::move(j));
        }
        list.push_back({{"name", f->name},
                        {"version", f->version},
                        {"kind", to_string(f->kind)},
                        {"family", f->family},
                        {"help", f->help},
                        {"origin", f->origin},
                        {"thread_safe", f->thread_safe},
                        {"needs_in_order", f->needs_in_order},
                        {"params", std::move(params)}});
    }
    return {{"schema", "cinepipe.filters/1"}, {"filters", std::move(list)}};
}

void print_text(const FilterRegistry& registry) {
    for (const FilterInfo* f : registry.list()) {
        std::string kind = to_string(f->kind);
        if (f->family != kind) kind += ", " + f->family;
        // Only transforms can run frame-parallel; sources, analysers and sinks are ordered.
        if (f->kind == NodeKind::Transform)
            kind += f->thread_safe && !f->needs_in_order ? ", parallel" : ", in order";
        std::printf("%s\n",
                    fmt::format("{} {} ({}){}\n    {}", f->name, f->version, kind,
                                f->origin == "built-in" ? "" : "  from " + f->origin, f->help)
                        .c_str());
        for (const auto& p : f->params) {
            const std::string def =
                p.default_value ? "default " + format_value(*p.default_value) : "required";
            std::printf("%s\n", fmt::format("    {:<12} {}; {}. {}", p.name, describe_allowed(p),
                                            def, p.help)
                                    .c_str());
        }
    }
}

}  // namespace

Runner add_filters(CLI::App& app, GlobalOptions& global) {
    struct Args {
        bool json = false;
        std::vector<std::string> plugin_paths;
    };
    auto args = std::make_shared<Args>();
    app.add_flag("--json", args->json, "Machine-readable list (schema cinepipe.filters/1)");
    app.add_option("--plugin-path", args->plugin_paths,
                   "Folder of filter plugins (repeatable; searched before CINEPIPE_PLUGIN_PATH)");
    return [args, &global] {
        std::optional<StageTimer> timer(phase(global, "load filters and plugins"));
        const FilterRegistry registry = make_registry(args->plugin_paths);
        timer.reset();
        if (args->json)
            // A plugin's strings need not be UTF-8; replace what is not rather than fail.
            std::printf("%s\n", filters_json(registry)
                                    .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                                    .c_str());
        else
            print_text(registry);
        return kOk;
    };
}

}  // namespace cinepipe::cli
