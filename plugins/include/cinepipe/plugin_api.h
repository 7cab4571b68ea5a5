/*
 * cinepipe plugin ABI, version 1.
 *
 * A plugin is a shared library exporting one C function, cinepipe_plugin_entry(), that
 * returns a static descriptor: the API version it was built against and its filters. Each
 * filter has a name, a version, a typed parameter schema, flags, the pixel formats it takes,
 * and create / process / destroy callbacks working on a plain image view.
 *
 * Rules of the boundary:
 *  - Only C types cross it. No exception may leave a callback (C++ plugins catch everything
 *    and return CP_ERROR with a message).
 *  - Errors are return codes; the message goes into the caller's buffer `err` (`err_size`
 *    bytes, always NUL-terminated by the plugin when it writes).
 *  - The descriptor and every string and array it points to stay valid while the library
 *    is loaded (static storage).
 *  - Frames have the same size and format on input and output; the host allocates both.
 *  - A filter flagged CP_FILTER_THREAD_SAFE may have process() called for different frames
 *    at the same time on one instance; otherwise calls are serialised. CP_FILTER_NEEDS_ORDER
 *    gets frames in presentation order.
 *
 * Compatibility: the host accepts a plugin whose api_version equals
 * CINEPIPE_PLUGIN_API_VERSION. New fields are only ever appended to structs, whose size the
 * plugin reports in `struct_size`. The host walks the `filters` array with the plugin's own
 * `struct_size` as the stride, so every filter of a plugin must report the same size.
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
    CP_PIXEL_RGB48 = 1,    /* packed R,G,B; one plane */
    CP_PIXEL_RGBA64 = 2,   /* packed R,G,B,A; one plane */
    CP_PIXEL_GBRPF32 = 3,  /* planar G,B,R float; three planes */
    CP_PIXEL_GBRAPF32 = 4  /* planar G,B,R,A float; four planes */
} cp_pixel_format;

/* A picture: plane pointers and byte strides (rows may be padded), size and format. */
typedef struct cp_image {
    uint8_t* data[4];
    ptrdiff_t stride[4];
    int32_t width;
    int32_t height;
    int32_t format; /* cp_pixel_format */
} cp_image;

/* Where a frame sits in the clip. */
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

/* One parameter in a filter's schema. */
typedef struct cp_param_spec {
    const char* name;
    int32_t type;           /* cp_param_type */
    const char* help;
    int32_t required;       /* non-zero: no default; the graph must give it */
    double default_number;  /* BOOL (0/1), INT, FLOAT */
    const char* default_string; /* STRING, CHOICE */
    double min;             /* INT, FLOAT; inclusive; min >= max (e.g. both 0) means unbounded */
    double max;
    const char* const* choices; /* CHOICE: NULL-terminated */
} cp_param_spec;

/* A validated value handed to create(): one per schema entry, in schema order. */
typedef struct cp_param_value {
    const char* name;
    int32_t type;          /* cp_param_type */
    double number;         /* BOOL (0/1), INT, FLOAT */
    const char* string;    /* STRING, CHOICE (valid during create() only) */
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
    const int32_t* formats; /* cp_pixel_format, best first */
    uint32_t format_count;

    /* Makes an instance for a clip of `width` x `height` in `format`. */
    int (*create)(const cp_param_value* values, uint32_t value_count, int32_t width,
                  int32_t height, int32_t format, void** instance, char* err, size_t err_size);
    /* Writes the filtered `in` into `out` (same size and format; distinct buffers). */
    int (*process)(void* instance, const cp_image* in, cp_image* out, const cp_frame_info* frame,
                   char* err, size_t err_size);
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
