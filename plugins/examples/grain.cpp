// grain: film grain. An example cinepipe plugin in C++: only C types cross the boundary and
// every exception is caught there and turned into CP_ERROR with a message.
//
// The grain of a sample is a pure function of (seed, frame index, x, y, channel): a
// counter-based hash, not a random generator with state. So the output is identical whatever
// the thread count or the order frames are processed in, and the grain is the same for every
// pixel format (channels are identified as R, G, B, not by their position in memory).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iterator>
#include <memory>
#include <string>

#include "cinepipe/plugin_api.h"

namespace {

struct Grain {
    double amount = 0.05;
    std::uint64_t seed = 1;
    bool mono = true;
    std::int32_t width = 0;
    std::int32_t height = 0;
    std::int32_t format = 0;
};

// SplitMix64's finaliser: a bijective 64-bit mix with good avalanche.
constexpr std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Zero-mean, unit-variance, roughly Gaussian noise from one hash: the sum of four 16-bit
// uniforms (Irwin-Hall), centred and scaled.
inline double noise(std::uint64_t pixel_key, unsigned channel) {
    const std::uint64_t h = mix(pixel_key + channel);
    const double sum =
        static_cast<double>((h & 0xffff) + ((h >> 16) & 0xffff) + ((h >> 32) & 0xffff) + (h >> 48));
    constexpr double kMean = 2.0 * 65535.0;
    constexpr double kScale = 1.7320508075688772 / 65535.0;  // sqrt(12 / 4) per unit
    return (sum - kMean) * kScale;
}

struct Row {
    std::uint64_t key;  // seed and frame and row mixed
    [[nodiscard]] std::uint64_t pixel(std::int32_t x) const {
        return mix(key ^ static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)));
    }
};

Row row_key(const Grain& g, std::int64_t frame, std::int32_t y) {
    const std::uint64_t k = mix(mix(g.seed) ^ static_cast<std::uint64_t>(frame));
    return Row{mix(k ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(y)) << 32))};
}

void write_error(char* err, std::size_t err_size, const char* text) {
    if (err && err_size > 0) std::snprintf(err, err_size, "%s", text);
}

const cp_param_value* find_value(const cp_param_value* values, std::uint32_t count,
                                 const char* name) {
    for (std::uint32_t i = 0; i < count; ++i)
        if (std::strcmp(values[i].name, name) == 0) return &values[i];
    return nullptr;
}

std::uint16_t add16(std::uint16_t v, double delta) {
    return static_cast<std::uint16_t>(std::clamp(std::lround(v + delta), 0L, 65535L));
}

void grain_packed(const Grain& g, const cp_const_image& in, cp_image& out, std::int64_t frame,
                  int channels) {
    const double amplitude = g.amount * 65535.0;
    for (std::int32_t y = 0; y < in.height; ++y) {
        const Row row = row_key(g, frame, y);
        const auto* s = reinterpret_cast<const std::uint16_t*>(in.data[0] + y * in.stride[0]);
        auto* d = reinterpret_cast<std::uint16_t*>(out.data[0] + y * out.stride[0]);
        for (std::int32_t x = 0; x < in.width; ++x, s += channels, d += channels) {
            const std::uint64_t key = row.pixel(x);
            for (unsigned c = 0; c < 3; ++c)  // R, G, B
                d[c] = add16(s[c], amplitude * noise(key, g.mono ? 0 : c));
            if (channels == 4) d[3] = s[3];
        }
    }
}

void grain_planar(const Grain& g, const cp_const_image& in, cp_image& out, std::int64_t frame,
                  int planes) {
    constexpr unsigned kChannelOfPlane[3] = {1, 2, 0};  // planes are G, B, R
    for (std::int32_t y = 0; y < in.height; ++y) {
        const Row row = row_key(g, frame, y);
        const float* s[4];
        float* d[4];
        for (int p = 0; p < planes; ++p) {
            s[p] = reinterpret_cast<const float*>(in.data[p] + y * in.stride[p]);
            d[p] = reinterpret_cast<float*>(out.data[p] + y * out.stride[p]);
        }
        for (std::int32_t x = 0; x < in.width; ++x) {
            const std::uint64_t key = row.pixel(x);
            for (int p = 0; p < 3; ++p) {
                const unsigned c = g.mono ? 0 : kChannelOfPlane[p];
                d[p][x] = static_cast<float>(s[p][x] + g.amount * noise(key, c));
            }
            if (planes == 4) d[3][x] = s[3][x];
        }
    }
}

int grain_create(const cp_param_value* values, std::uint32_t value_count, std::int32_t width,
                 std::int32_t height, std::int32_t format, void** instance, char* err,
                 std::size_t err_size) {
    try {
        const auto* amount = find_value(values, value_count, "amount");
        const auto* seed = find_value(values, value_count, "seed");
        const auto* mono = find_value(values, value_count, "mono");
        if (!amount || !seed || !mono) {
            write_error(err, err_size, "missing parameter values");
            return CP_ERROR;
        }
        auto g = std::make_unique<Grain>();
        g->amount = amount->number;
        g->seed = static_cast<std::uint64_t>(seed->number);
        g->mono = mono->number != 0.0;
        g->width = width;
        g->height = height;
        g->format = format;
        *instance = g.release();  // owned by the host until destroy()
        return CP_OK;
    } catch (const std::exception& e) {
        write_error(err, err_size, e.what());
    } catch (...) {
        write_error(err, err_size, "unknown error");
    }
    return CP_ERROR;
}

int grain_process(void* instance, const cp_const_image* in, cp_image* out,
                  const cp_frame_info* frame, char* err, std::size_t err_size) {
    try {
        const auto& g = *static_cast<const Grain*>(instance);
        if (in->width != g.width || in->height != g.height || in->format != g.format) {
            write_error(err, err_size, "frame differs from the picture the instance was made for");
            return CP_ERROR;
        }
        switch (in->format) {
            case CP_PIXEL_RGB48:
                grain_packed(g, *in, *out, frame->index, 3);
                break;
            case CP_PIXEL_RGBA64:
                grain_packed(g, *in, *out, frame->index, 4);
                break;
            case CP_PIXEL_GBRPF32:
                grain_planar(g, *in, *out, frame->index, 3);
                break;
            case CP_PIXEL_GBRAPF32:
                grain_planar(g, *in, *out, frame->index, 4);
                break;
            default:
                write_error(err, err_size,
                            ("unexpected pixel format " + std::to_string(in->format)).c_str());
                return CP_ERROR;
        }
        return CP_OK;
    } catch (const std::exception& e) {
        write_error(err, err_size, e.what());
    } catch (...) {
        write_error(err, err_size, "unknown error");
    }
    return CP_ERROR;
}

void grain_destroy(void* instance) {
    std::unique_ptr<Grain> owned(static_cast<Grain*>(instance));
}

// C++ wants every member named in a designated initializer list (-Wmissing-field-initializers).
const cp_param_spec kParams[] = {
    {.name = "amount",
     .type = CP_PARAM_FLOAT,
     .help = "Standard deviation of the grain, as a fraction of full scale.",
     .required = 0,
     .default_number = 0.05,
     .default_string = nullptr,
     .min = 0.0,
     .max = 1.0,
     .choices = nullptr},
    {.name = "seed",
     .type = CP_PARAM_INT,
     .help = "Picks the grain pattern: the same seed gives the same grain.",
     .required = 0,
     .default_number = 1,
     .default_string = nullptr,
     .min = 0,
     .max = 2147483647.0,
     .choices = nullptr},
    {.name = "mono",
     .type = CP_PARAM_BOOL,
     .help = "The same grain in R, G and B (true) or separate grain per channel (false).",
     .required = 0,
     .default_number = 1,
     .default_string = nullptr,
     .min = 0,
     .max = 0,
     .choices = nullptr},
};

const std::int32_t kFormats[] = {CP_PIXEL_RGBA64, CP_PIXEL_RGB48, CP_PIXEL_GBRAPF32,
                                 CP_PIXEL_GBRPF32};

const cp_filter_desc kFilters[] = {{
    .struct_size = sizeof(cp_filter_desc),
    .name = "grain",
    .version = "1.0",
    .help = "Adds film grain that is the same for any thread count or frame order.",
    .flags = CP_FILTER_THREAD_SAFE,
    .params = kParams,
    .param_count = std::size(kParams),
    .param_spec_size = sizeof(cp_param_spec),
    .formats = kFormats,
    .format_count = std::size(kFormats),
    .create = grain_create,
    .process = grain_process,
    .destroy = grain_destroy,
}};

const cp_plugin_desc kPlugin = {
    .api_version = CINEPIPE_PLUGIN_API_VERSION,
    .struct_size = sizeof(cp_plugin_desc),
    .name = "cinepipe-grain",
    .version = "1.0",
    .filters = kFilters,
    .filter_count = std::size(kFilters),
};

}  // namespace

extern "C" CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &kPlugin;
}
