/* A plugin whose create() refuses the value of its `mode` parameter ("good" is accepted). */
#include <stdio.h>
#include <string.h>

#include "cinepipe/plugin_api.h"

static int bad_create_create(const cp_param_value* values, uint32_t value_count, int32_t width,
                             int32_t height, int32_t format, void** instance, char* err,
                             size_t err_size) {
    (void)format;
    if (value_count == 1 && strcmp(values[0].string, "good") == 0) {
        *instance = NULL;
        return CP_OK;
    }
    snprintf(err, err_size, "mode '%s' cannot work on a %dx%d picture",
             value_count ? values[0].string : "?", (int)width, (int)height);
    return CP_ERROR;
}

static int bad_create_process(void* instance, const cp_const_image* in, cp_image* out,
                              const cp_frame_info* frame, char* err, size_t err_size) {
    (void)instance, (void)in, (void)out, (void)frame;
    snprintf(err, err_size, "never reached");
    return CP_ERROR;
}

static const char* const modes[] = {"good", "bad", NULL};
static const cp_param_spec params[] = {{.name = "mode",
                                        .type = CP_PARAM_CHOICE,
                                        .help = "Whether create() succeeds.",
                                        .default_string = "bad",
                                        .choices = modes}};
static const int32_t formats[] = {CP_PIXEL_RGBA64};
static const cp_filter_desc filters[] = {{.struct_size = sizeof(cp_filter_desc),
                                          .name = "bad_create",
                                          .version = "1.0",
                                          .help = "Refuses to be created.",
                                          .flags = CP_FILTER_THREAD_SAFE,
                                          .params = params,
                                          .param_count = 1,
                                          .param_spec_size = sizeof(cp_param_spec),
                                          .formats = formats,
                                          .format_count = 1,
                                          .create = bad_create_create,
                                          .process = bad_create_process}};
static const cp_plugin_desc plugin = {.api_version = CINEPIPE_PLUGIN_API_VERSION,
                                      .struct_size = sizeof(cp_plugin_desc),
                                      .name = "bad-create",
                                      .version = "1.0",
                                      .filters = filters,
                                      .filter_count = 1};

CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &plugin;
}
