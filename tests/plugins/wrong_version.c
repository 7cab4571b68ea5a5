/* A plugin built for a future plugin API: the host must refuse it by its api_version. */
#include "cinepipe/plugin_api.h"

static const cp_plugin_desc plugin = {
    .api_version = 999, .struct_size = sizeof(cp_plugin_desc), .name = "wrong-version"};

CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &plugin;
}
