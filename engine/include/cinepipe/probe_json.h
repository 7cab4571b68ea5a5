#pragma once

#include <string>

#include "cinepipe/media_info.h"

namespace cinepipe {

// The stable machine form of `cinepipe probe --json` (schema in docs/probe-json.md).
std::string probe_to_json(const MediaInfo& info);
// The human form of `cinepipe probe`.
std::string probe_to_text(const MediaInfo& info);

}  // namespace cinepipe
