/* A plugin whose filter lists a pixel format code the host does not know. */
#include <stddef.h>

#include "cinepipe/plugin_api.h"

static int create(const cp_param_value* values, uint32_t value_count, int32_t width, int32_t height,
                  int32_t format, void** instance, char* err, size_t err_size) {
    (void)values, (void)value_count, (void)width, (void)height, (void)format, (void)err,
        (void)err_size;
    *instance = NULL;
    return CP_OK;
}

static int process(void* instance, const cp_const_image* in, cp_image* out,
                   const cp_frame_info* frame, char* err, size_t err_size) {
    (void)instance, (void)in, (void)out, (void)frame, (void)err, (void)err_size;
    return CP_OK;
}

static const int32_t formats[] = {42};
static const cp_filter_desc filters[] = {{.struct_size = sizeof(cp_filter_desc),
                                          .name = "bad_format",
                                          .version = "1.0",
                                          .help = "Broken on purpose.",
                                          .flags = CP_FILTER_THREAD_SAFE,
                                          .params = NULL,
                                          .param_count = 0,
                                          .param_spec_size = sizeof(cp_param_spec),
                                          .formats = formats,
                                          .format_count = 1,
                                          .create = create,
                                          .process = process}};
static const cp_plugin_desc plugin = {.api_version = CINEPIPE_PLUGIN_API_VERSION,
                                      .struct_size = sizeof(cp_plugin_desc),
                                      .name = "bad_format",
                                      .version = "1.0",
                                      .filters = filters,
                                      .filter_count = 1};

CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &plugin;
}
