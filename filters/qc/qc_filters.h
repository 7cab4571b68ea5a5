#pragma once
// Private to filters/qc: each analyser's registry entry and shared parameter specs.

#include "cinepipe/filter_registry.h"

namespace cinepipe {

FilterInfo framemd5_filter_info();
FilterInfo stats_filter_info();

ParamSpec path_param(std::string help);
ParamSpec overwrite_param();

}  // namespace cinepipe
