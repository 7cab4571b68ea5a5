/* A valid plugin whose filter `failing` (not thread-safe) copies its input but fails on frame
 * `fail_at`, naming the frame, its timecode and time in the message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinepipe/plugin_api.h"

static int failing_create(const cp_param_value* values, uint32_t value_count, int32_t width,
                          int32_t height, int32_t format, void** instance, char* err,
                          size_t err_size) {
    int64_t* fail_at = malloc(sizeof *fail_at);
    (void)width, (void)height, (void)format;
    if (!fail_at || value_count != 1 || strcmp(values[0].name, "fail_at") != 0) {
        free(fail_at);
        snprintf(err, err_size, "bad parameters");
        return CP_ERROR;
    }
    *fail_at = (int64_t)values[0].number;
    *instance = fail_at;
    return CP_OK;
}

static int failing_process(void* instance, const cp_const_image* in, cp_image* out,
                           const cp_frame_info* frame, char* err, size_t err_size) {
    int32_t y;
    if (frame->index == *(const int64_t*)instance) {
        snprintf(err, err_size, "simulated failure at frame %lld (timecode %s, %.3f s)",
                 (long long)frame->index, frame->timecode, frame->time_seconds);
        return CP_ERROR;
    }
    for (y = 0; y < in->height; ++y)
        memcpy(out->data[0] + y * out->stride[0], in->data[0] + y * in->stride[0],
               (size_t)in->width * 8);
    return CP_OK;
}

static const cp_param_spec params[] = {{.name = "fail_at",
                                        .type = CP_PARAM_INT,
                                        .help = "The frame index to fail on.",
                                        .default_number = 3,
                                        .min = 0,
                                        .max = 1e9}};
static const int32_t formats[] = {CP_PIXEL_RGBA64};
static const cp_filter_desc filters[] = {{.struct_size = sizeof(cp_filter_desc),
                                          .name = "failing",
                                          .version = "1.0",
                                          .help = "Copies frames; fails on frame fail_at.",
                                          .params = params,
                                          .param_count = 1,
                                          .param_spec_size = sizeof(cp_param_spec),
                                          .formats = formats,
                                          .format_count = 1,
                                          .create = failing_create,
                                          .process = failing_process,
                                          .destroy = free}};
static const cp_plugin_desc plugin = {.api_version = CINEPIPE_PLUGIN_API_VERSION,
                                      .struct_size = sizeof(cp_plugin_desc),
                                      .name = "failing",
                                      .version = "1.0",
                                      .filters = filters,
                                      .filter_count = 1};

CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &plugin;
}
