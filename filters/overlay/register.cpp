#include "cinepipe/builtin_filters.h"
#include "overlay_filters.h"

namespace cinepipe {

void register_overlay_filters(FilterRegistry& registry) {
    registry.add(overlay::burnin_filter_info());
    registry.add(overlay::thumbnails_filter_info());
}

}  // namespace cinepipe
