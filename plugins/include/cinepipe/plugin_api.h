/*
 * cinepipe plugin ABI, version 1.
 *
 * A plugin is a shared library exporting one C function, cinepipe_plugin_entry(), that
 * returns a static descriptor: the API version it was built against and its filters. Each
 * filter has a name, a version, a typed parameter schema, flags, the pixel formats it takes,
 * and create / process / destroy callbacks working on plain image views.
 *
 * Rules of the boundary:
 *  - Only C types cross it. No exception may leave a callback (C++ plugins catch everything
 *    and return CP_ERROR with a message).
 *  - Errors are return codes; the message goes into the caller's buffer `err` (`err_size`
 *    bytes, always NUL-terminated by the plugin when it writes).
 *  - The descriptor and every string and array it points to stay valid while the library
 *    is loaded (static storage).
 *  - Frames have the same size and format on input and output; the host allocates both. The
 *    input is a read-only view (cp_const_image): it may be shared with other graph branches.
 *  - A filter flagged CP_FILTER_THREAD_SAFE may have process() called for different frames
 *    at the same time on one instance; otherwise calls are serialised. CP_FILTER_NEEDS_ORDER
 *    gets frames in presentation order.
 *
 * Compatibility: the host accepts a plugin whose api_version equals
 * CINEPIPE_PLUGIN_API_VERSION. Within one API version:
 *  - The structs the plugin hands the host (cp_plugin_desc, cp_filter_desc, cp_param_spec) may
 *    gain fields, only ever appended. Their size as the plugin was built travels with them:
 *    cp_plugin_desc.struct_size, cp_filter_desc.struct_size (also the stride of the `filters`
 *    array, so every filter of a plugin must report the same size) and
 *    cp_filter_desc.param_spec_size (the stride of the `params` array). The host accepts any
 *    size at least that of API 1 and never reads past the size a plugin reports. (A field
 *    added later must start at or beyond the struct's API-1 size, not in its trailing
 *    padding, so the reported size tells whether a plugin has it.)
 *  - The structs the host hands the plugin (cp_image, cp_const_image, cp_frame_info,
 *    cp_param_value) and the callback signatures are frozen for API 1: changing them means
 *    API 2.
 */
#ifndef CINEPIPE_PLUGIN_API_H
#define CINEPIPE_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CINEPIPE_PLUGIN_API_VERSION 1u
#define CINEPIPE_PLUGIN_ENTRY "cinepipe_plugin_entry"

#if defined(_WIN32)
#define CP_EXPORT __declspec(dllexport)
#else
#define CP_EXPORT __attribute__((visibility("default")))
#endif

/* Return codes of every callback. */
#define CP_OK 0
#define CP_ERROR 1

/* Pixel formats a plugin may take. Values are stable; the host converts to one of the
 * formats a filter lists (best first) and gives the same format back on output.
 * Integer formats are little-endian 16-bit words, 0..65535, full range. Float formats are
 * 32-bit, nominal 0..1, planes in G, B, R(, A) order. */
typedef enum cp_pixel_format {
    CP_PIXEL_RGB48 = 1,   /* packed R,G,B; one plane */
    CP_PIXEL_RGBA64 = 2,  /* packed R,G,B,A; one plane */
    CP_PIXEL_GBRPF32 = 3, /* planar G,B,R float; three planes */
    CP_PIXEL_GBRAPF32 = 4 /* planar G,B,R,A float; four planes */
} cp_pixel_format;

/* A picture the plugin writes (process()'s output): plane pointers and byte strides (rows may
 * be padded), size and format. Frozen for API 1. */
typedef struct cp_image {
    uint8_t* data[4];
    ptrdiff_t stride[4];
    int32_t width;
    int32_t height;
    int32_t format; /* cp_pixel_format */
} cp_image;

/* A picture the plugin only reads (process()'s input): as cp_image, but the samples are
 * const. The frame may be shared with other branches of the graph: never write to it.
 * Frozen for API 1. */
typedef struct cp_const_image {
    const uint8_t* data[4];
    ptrdiff_t stride[4];
    int32_t width;
    int32_t height;
    int32_t format; /* cp_pixel_format */
} cp_const_image;

/* Where a frame sits in the clip. Frozen for API 1. */
typedef struct cp_frame_info {
    int64_t index;        /* 0-based frame number */
    double time_seconds;  /* presentation time from the clip start */
    const char* timecode; /* "HH:MM:SS:FF" (";" before FF for drop frame), or "" */
} cp_frame_info;

typedef enum cp_param_type {
    CP_PARAM_BOOL = 1,
    CP_PARAM_INT = 2,
    CP_PARAM_FLOAT = 3,
    CP_PARAM_STRING = 4,
    CP_PARAM_CHOICE = 5
} cp_param_type;

/* One parameter in a filter's schema. May gain trailing fields within API 1: the host walks
 * the `params` array with cp_filter_desc.param_spec_size as the stride. */
typedef struct cp_param_spec {
    const char* name;
    int32_t type; /* cp_param_type */
    const char* help;
    int32_t required;           /* non-zero: no default; the graph must give it */
    double default_number;      /* BOOL (0/1), INT, FLOAT */
    const char* default_string; /* STRING, CHOICE */
    /* INT, FLOAT range, inclusive; min >= max (for example both left 0) means unbounded */
    double min;
    double max;
    const char* const* choices; /* CHOICE: NULL-terminated */
} cp_param_spec;

/* A validated value handed to create(): one per schema entry, in schema order. Frozen for
 * API 1 (the host builds the array, with this size as the stride). */
typedef struct cp_param_value {
    const char* name;
    int32_t type;       /* cp_param_type */
    double number;      /* BOOL (0/1), INT, FLOAT */
    const char* string; /* STRING, CHOICE (valid during create() only) */
} cp_param_value;

#define CP_FILTER_THREAD_SAFE 0x1u
#define CP_FILTER_NEEDS_ORDER 0x2u

typedef struct cp_filter_desc {
    uint32_t struct_size; /* sizeof(cp_filter_desc) as built; the stride of `filters` */
    const char* name;     /* graph node type; lower case, [a-z0-9_] */
    const char* version;  /* the filter's own version, e.g. "1.0" */
    const char* help;     /* one sentence */
    uint32_t flags;       /* CP_FILTER_* */
    const cp_param_spec* params;
    uint32_t param_count;
    uint32_t param_spec_size; /* sizeof(cp_param_spec) as built; the stride of `params` (may be
                                 0 when param_count is 0) */
    const int32_t* formats;   /* cp_pixel_format, best first */
    uint32_t format_count;

    /* Makes an instance for a clip of `width` x `height` in `format`. */
    int (*create)(const cp_param_value* values, uint32_t value_count, int32_t width, int32_t height,
                  int32_t format, void** instance, char* err, size_t err_size);
    /* Writes the filtered `in` into `out` (same size and format; distinct buffers). `in` is
     * read-only. */
    int (*process)(void* instance, const cp_const_image* in, cp_image* out,
                   const cp_frame_info* frame, char* err, size_t err_size);
    void (*destroy)(void* instance);
} cp_filter_desc;

typedef struct cp_plugin_desc {
    uint32_t api_version; /* CINEPIPE_PLUGIN_API_VERSION as built */
    uint32_t struct_size; /* sizeof(cp_plugin_desc) as built */
    const char* name;     /* the plugin, e.g. "cinepipe-examples" */
    const char* version;
    const cp_filter_desc* filters;
    uint32_t filter_count;
} cp_plugin_desc;

/* The one symbol a plugin exports. */
typedef const cp_plugin_desc* (*cp_plugin_entry_fn)(void);
CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* CINEPIPE_PLUGIN_API_H */
