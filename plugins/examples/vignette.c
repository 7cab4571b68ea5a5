/*
 * vignette: darkens the picture towards its corners. An example cinepipe plugin in plain C.
 *
 * The distance r of a pixel centre from the picture centre is measured relative to the
 * half-diagonal (0 at the centre, 1 in the corners). Pixels with r <= radius - softness are
 * untouched, pixels with r >= radius are scaled by (1 - strength), and in between the gain
 * follows a smoothstep. Alpha is never touched. The result depends only on the pixel and the
 * parameters, so it is the same for any number of threads.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cinepipe/plugin_api.h"

typedef struct vignette {
    double strength;
    double inner; /* radius - softness: no darkening inside */
    double outer; /* radius: full darkening outside */
    double half_diagonal;
    int32_t width;
    int32_t height;
    int32_t format;
} vignette;

static double smoothstep(double edge0, double edge1, double x) {
    double t;
    if (x <= edge0) return 0.0;
    if (x >= edge1) return 1.0;
    t = (x - edge0) / (edge1 - edge0);
    return t * t * (3.0 - 2.0 * t);
}

/* The gain for the pixel centre at column x of a row whose centre is dy from the middle. */
static float gain_at(const vignette* v, int32_t x, double dy) {
    const double dx = x + 0.5 - 0.5 * v->width;
    const double r = sqrt(dx * dx + dy * dy) / v->half_diagonal;
    return (float)(1.0 - v->strength * smoothstep(v->inner, v->outer, r));
}

static const cp_param_value* find_value(const cp_param_value* values, uint32_t count,
                                        const char* name) {
    uint32_t i;
    for (i = 0; i < count; ++i)
        if (strcmp(values[i].name, name) == 0) return &values[i];
    return NULL;
}

static int vignette_create(const cp_param_value* values, uint32_t value_count, int32_t width,
                           int32_t height, int32_t format, void** instance, char* err,
                           size_t err_size) {
    const cp_param_value* strength = find_value(values, value_count, "strength");
    const cp_param_value* radius = find_value(values, value_count, "radius");
    const cp_param_value* softness = find_value(values, value_count, "softness");
    vignette* v;

    if (!strength || !radius || !softness) {
        snprintf(err, err_size, "missing parameter values");
        return CP_ERROR;
    }
    v = (vignette*)calloc(1, sizeof *v);
    if (!v) {
        snprintf(err, err_size, "out of memory");
        return CP_ERROR;
    }
    v->strength = strength->number;
    v->inner = radius->number - softness->number;
    v->outer = radius->number;
    v->half_diagonal = 0.5 * sqrt((double)width * width + (double)height * height);
    v->width = width;
    v->height = height;
    v->format = format;
    *instance = v;
    return CP_OK;
}

static uint16_t scale16(uint16_t value, float gain) {
    return (uint16_t)((float)value * gain + 0.5f);
}

static int vignette_process(void* instance, const cp_const_image* in, cp_image* out,
                            const cp_frame_info* frame, char* err, size_t err_size) {
    const vignette* v = (const vignette*)instance;
    int32_t x, y;
    int p;
    (void)frame; /* the vignette is the same on every frame */
    if (in->width != v->width || in->height != v->height || in->format != v->format) {
        snprintf(err, err_size, "frame is not the %dx%d picture the instance was made for",
                 (int)v->width, (int)v->height);
        return CP_ERROR;
    }
    for (y = 0; y < in->height; ++y) {
        const double dy = y + 0.5 - 0.5 * v->height;
        switch (in->format) {
            case CP_PIXEL_RGB48:
            case CP_PIXEL_RGBA64: {
                const int channels = in->format == CP_PIXEL_RGBA64 ? 4 : 3;
                const uint16_t* s = (const uint16_t*)(in->data[0] + y * in->stride[0]);
                uint16_t* d = (uint16_t*)(out->data[0] + y * out->stride[0]);
                for (x = 0; x < in->width; ++x, s += channels, d += channels) {
                    const float g = gain_at(v, x, dy);
                    d[0] = scale16(s[0], g);
                    d[1] = scale16(s[1], g);
                    d[2] = scale16(s[2], g);
                    if (channels == 4) d[3] = s[3];
                }
                break;
            }
            case CP_PIXEL_GBRPF32: {
                const float* s[3];
                float* d[3];
                for (p = 0; p < 3; ++p) {
                    s[p] = (const float*)(in->data[p] + y * in->stride[p]);
                    d[p] = (float*)(out->data[p] + y * out->stride[p]);
                }
                for (x = 0; x < in->width; ++x) {
                    const float g = gain_at(v, x, dy);
                    for (p = 0; p < 3; ++p) d[p][x] = s[p][x] * g;
                }
                break;
            }
            default:
                snprintf(err, err_size, "unexpected pixel format %d", (int)in->format);
                return CP_ERROR;
        }
    }
    return CP_OK;
}

static void vignette_destroy(void* instance) {
    free(instance);
}

static const cp_param_spec vignette_params[] = {
    {.name = "strength",
     .type = CP_PARAM_FLOAT,
     .help = "How much the corners darken: 0 not at all, 1 to black.",
     .default_number = 0.5,
     .min = 0.0,
     .max = 1.0},
    {.name = "radius",
     .type = CP_PARAM_FLOAT,
     .help = "Where the full darkening is reached, relative to the half-diagonal (1 = corners).",
     .default_number = 0.9,
     .min = 0.1,
     .max = 2.0},
    {.name = "softness",
     .type = CP_PARAM_FLOAT,
     .help = "Width of the falloff inside the radius, relative to the half-diagonal.",
     .default_number = 0.5,
     .min = 0.01,
     .max = 1.0},
};

/* Best first: RGBA64 keeps alpha, RGB48 has no alpha to carry, GBRPF32 for float pipelines. */
static const int32_t vignette_formats[] = {CP_PIXEL_RGBA64, CP_PIXEL_RGB48, CP_PIXEL_GBRPF32};

static const cp_filter_desc vignette_filters[] = {{
    .struct_size = sizeof(cp_filter_desc),
    .name = "vignette",
    .version = "1.0",
    .help = "Darkens the picture towards its corners with a smooth falloff.",
    .flags = CP_FILTER_THREAD_SAFE,
    .params = vignette_params,
    .param_count = sizeof vignette_params / sizeof vignette_params[0],
    .param_spec_size = sizeof(cp_param_spec),
    .formats = vignette_formats,
    .format_count = sizeof vignette_formats / sizeof vignette_formats[0],
    .create = vignette_create,
    .process = vignette_process,
    .destroy = vignette_destroy,
}};

static const cp_plugin_desc vignette_plugin = {
    .api_version = CINEPIPE_PLUGIN_API_VERSION,
    .struct_size = sizeof(cp_plugin_desc),
    .name = "cinepipe-vignette",
    .version = "1.0",
    .filters = vignette_filters,
    .filter_count = sizeof vignette_filters / sizeof vignette_filters[0],
};

CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &vignette_plugin;
}
