/* A valid plugin whose filter is named like the built-in `scale`. */
#include "noop_filter.h"

static const int32_t formats[] = {CP_PIXEL_RGBA64};
static const cp_filter_desc filters[] = {{.struct_size = sizeof(cp_filter_desc),
                                          .name = "scale",
                                          .version = "1.0",
                                          .help = "Broken on purpose.",
                                          .flags = CP_FILTER_THREAD_SAFE,
                                          .params = NULL,
                                          .param_count = 0,
                                          .param_spec_size = sizeof(cp_param_spec),
                                          .formats = formats,
                                          .format_count = 1,
                                          .create = noop_create,
                                          .process = noop_process}};
static const cp_plugin_desc plugin = {.api_version = CINEPIPE_PLUGIN_API_VERSION,
                                      .struct_size = sizeof(cp_plugin_desc),
                                      .name = "duplicate",
                                      .version = "1.0",
                                      .filters = filters,
                                      .filter_count = 1};

CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &plugin;
}
