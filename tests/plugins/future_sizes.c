/* A plugin as a later release of plugin API 1 might build it: cp_plugin_desc, cp_filter_desc
 * and cp_param_spec have gained trailing fields, and their sizes say so (struct_size,
 * param_spec_size). The host must walk both arrays with the plugin's strides: read with its
 * own sizeof, the second filter and the second parameter would be garbage. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cinepipe/plugin_api.h"

typedef struct future_param_spec {
    cp_param_spec base;
    double step; /* a field the host does not know */
} future_param_spec;

typedef struct future_filter_desc {
    cp_filter_desc base;
    const char* author; /* a field the host does not know */
} future_filter_desc;

typedef struct future_plugin_desc {
    cp_plugin_desc base;
    const char* homepage; /* a field the host does not know */
} future_plugin_desc;

/* Copies the input; create() checks it got both values, in schema order. */
static int create(const cp_param_value* values, uint32_t value_count, int32_t width, int32_t height,
                  int32_t format, void** instance, char* err, size_t err_size) {
    (void)width, (void)height, (void)format;
    if (value_count != 2 || strcmp(values[0].name, "gain") != 0 ||
        strcmp(values[1].name, "level") != 0) {
        snprintf(err, err_size, "unexpected parameter values");
        return CP_ERROR;
    }
    *instance = NULL;
    return CP_OK;
}

static int process(void* instance, const cp_const_image* in, cp_image* out,
                   const cp_frame_info* frame, char* err, size_t err_size) {
    int32_t y;
    (void)instance, (void)frame, (void)err, (void)err_size;
    for (y = 0; y < in->height; ++y)
        memcpy(out->data[0] + y * out->stride[0], in->data[0] + y * in->stride[0],
               (size_t)in->width * 8);
    return CP_OK;
}

static const future_param_spec params[] = {{.base = {.name = "gain",
                                                     .type = CP_PARAM_FLOAT,
                                                     .help = "A float.",
                                                     .default_number = 0.25,
                                                     .min = 0,
                                                     .max = 1},
                                            .step = 0.01},
                                           {.base = {.name = "level",
                                                     .type = CP_PARAM_INT,
                                                     .help = "An int.",
                                                     .default_number = 7,
                                                     .min = 1,
                                                     .max = 10},
                                            .step = 1}};
static const int32_t formats[] = {CP_PIXEL_RGBA64};
static const future_filter_desc filters[] = {{.base = {.struct_size = sizeof(future_filter_desc),
                                                       .name = "future_one",
                                                       .version = "1.1",
                                                       .help = "Copies frames.",
                                                       .flags = CP_FILTER_THREAD_SAFE,
                                                       .params = &params[0].base,
                                                       .param_count = 2,
                                                       .param_spec_size = sizeof(future_param_spec),
                                                       .formats = formats,
                                                       .format_count = 1,
                                                       .create = create,
                                                       .process = process},
                                              .author = "someone"},
                                             {.base = {.struct_size = sizeof(future_filter_desc),
                                                       .name = "future_two",
                                                       .version = "1.2",
                                                       .help = "Copies frames too.",
                                                       .flags = CP_FILTER_THREAD_SAFE,
                                                       .params = &params[0].base,
                                                       .param_count = 2,
                                                       .param_spec_size = sizeof(future_param_spec),
                                                       .formats = formats,
                                                       .format_count = 1,
                                                       .create = create,
                                                       .process = process},
                                              .author = "someone else"}};
static const future_plugin_desc plugin = {.base = {.api_version = CINEPIPE_PLUGIN_API_VERSION,
                                                   .struct_size = sizeof(future_plugin_desc),
                                                   .name = "future-sizes",
                                                   .version = "1.0",
                                                   .filters = &filters[0].base,
                                                   .filter_count = 2},
                                          .homepage = "https://example.com"};

CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &plugin.base;
}
