#pragma once
// Private to filters/qc: each analyser's registry entry and shared parameter specs.

#include <vector>

#include "cinepipe/filter_registry.h"

namespace cinepipe {

FilterInfo framemd5_filter_info();
FilterInfo stats_filter_info();
FilterInfo qc_filter_info();                   // every check in one pass
std::vector<FilterInfo> check_filter_infos();  // one node type per check

ParamSpec path_param(std::string help);
ParamSpec overwrite_param();

}  // namespace cinepipe
