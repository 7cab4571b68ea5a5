#pragma once
// Private to filters/overlay: each filter's registry entry.

#include "cinepipe/filter_registry.h"

namespace cinepipe::overlay {

FilterInfo burnin_filter_info();
FilterInfo thumbnails_filter_info();

}  // namespace cinepipe::overlay
