/* Shared by the deliberately broken test plugins whose fault is in their descriptor: callbacks
 * that do nothing, so each file shows only what is wrong with it. */
#ifndef CINEPIPE_TEST_NOOP_FILTER_H
#define CINEPIPE_TEST_NOOP_FILTER_H

#include <stddef.h>

#include "cinepipe/plugin_api.h"

static int noop_create(const cp_param_value* values, uint32_t value_count, int32_t width,
                       int32_t height, int32_t format, void** instance, char* err,
                       size_t err_size) {
    (void)values, (void)value_count, (void)width, (void)height, (void)format, (void)err,
        (void)err_size;
    *instance = NULL;
    return CP_OK;
}

static int noop_process(void* instance, const cp_const_image* in, cp_image* out,
                        const cp_frame_info* frame, char* err, size_t err_size) {
    (void)instance, (void)in, (void)out, (void)frame, (void)err, (void)err_size;
    return CP_OK;
}

#endif
