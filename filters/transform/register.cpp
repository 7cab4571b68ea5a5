#include "cinepipe/builtin_filters.h"
#include "transform_filters.h"

namespace cinepipe {

void register_transform_filters(FilterRegistry& registry) {
    registry.add(transform::scale_filter_info());
    registry.add(transform::crop_filter_info());
    registry.add(transform::pad_filter_info());
    registry.add(transform::format_filter_info());
    registry.add(transform::setparams_filter_info());
    registry.add(transform::passthrough_filter_info());
}

}  // namespace cinepipe
