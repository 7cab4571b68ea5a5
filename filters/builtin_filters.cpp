#include "cinepipe/builtin_filters.h"

namespace cinepipe {

void register_builtin_filters(FilterRegistry& registry) {
    register_io_nodes(registry);
    register_transform_filters(registry);
    register_qc_filters(registry);
    register_color_filters(registry);
    register_overlay_filters(registry);
}

}  // namespace cinepipe
