/* A plugin whose entry point returns no descriptor. */
#include <stddef.h>

#include "cinepipe/plugin_api.h"

CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return NULL;
}
