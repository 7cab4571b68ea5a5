#pragma once
// The built-in filters, by family. Each family's folder registers its own filters; colour,
// QC, overlay and audio families add theirs the same way.

#include "cinepipe/filter_registry.h"

namespace cinepipe {

// The engine's io nodes plus every family below.
void register_builtin_filters(FilterRegistry& registry);

void register_transform_filters(FilterRegistry& registry);  // filters/transform
void register_qc_filters(FilterRegistry& registry);         // filters/qc
void register_color_filters(FilterRegistry& registry);      // filters/color
void register_overlay_filters(FilterRegistry& registry);    // filters/overlay

}  // namespace cinepipe
