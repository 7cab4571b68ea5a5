#include "cinepipe/builtin_filters.h"
#include "qc_filters.h"

namespace cinepipe {

ParamSpec path_param(std::string help) {
    ParamSpec p;
    p.name = "path";
    p.type = ParamType::String;
    p.help = std::move(help);
    return p;
}

ParamSpec overwrite_param() {
    ParamSpec p;
    p.name = "overwrite";
    p.type = ParamType::Bool;
    p.default_value = false;
    p.help = "Replace an existing report";
    return p;
}

void register_qc_filters(FilterRegistry& registry) {
    registry.add(framemd5_filter_info());
    registry.add(stats_filter_info());
    registry.add(qc_filter_info());
    for (auto& f : check_filter_infos()) registry.add(std::move(f));
}

}  // namespace cinepipe
