// A plugin whose filter `misbehaving` copies its input until frame `at`, where it does what
// `fault` says: `crash` (writes through a null pointer), `abort`, `hang` (never returns) or
// `throw` (a C++ exception out of a C callback). The host must name it and leave nothing behind.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "cinepipe/plugin_api.h"

namespace {

enum class Fault { Crash, Abort, Hang, Throw };

struct Instance {
    Fault fault;
    std::int64_t at;
};

int misbehaving_create(const cp_param_value* values, uint32_t value_count, int32_t, int32_t,
                       int32_t, void** instance, char*, size_t) {
    Fault fault = Fault::Crash;
    std::int64_t at = 3;
    for (uint32_t i = 0; i < value_count; ++i) {
        if (std::strcmp(values[i].name, "at") == 0)
            at = static_cast<std::int64_t>(values[i].number);
        if (std::strcmp(values[i].name, "fault") == 0) {
            const char* f = values[i].string;
            fault = std::strcmp(f, "abort") == 0   ? Fault::Abort
                    : std::strcmp(f, "hang") == 0  ? Fault::Hang
                    : std::strcmp(f, "throw") == 0 ? Fault::Throw
                                                   : Fault::Crash;
        }
    }
    *instance = new Instance{fault, at};  // NOLINT(cppcoreguidelines-owning-memory): C ABI
    return CP_OK;
}

void misbehaving_destroy(void* instance) {
    delete static_cast<Instance*>(instance);  // NOLINT(cppcoreguidelines-owning-memory)
}

int misbehaving_process(void* instance, const cp_const_image* in, cp_image* out,
                        const cp_frame_info* frame, char*, size_t) {
    const auto& self = *static_cast<const Instance*>(instance);
    if (frame->index == self.at) {
        switch (self.fault) {
            case Fault::Crash: {
                volatile int* nowhere = nullptr;
                *nowhere = 1;
                break;
            }
            case Fault::Abort:
                std::abort();
            case Fault::Hang:
                for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
            case Fault::Throw:
                throw std::runtime_error("misbehaving");
        }
    }
    for (int32_t y = 0; y < in->height; ++y)
        std::memcpy(out->data[0] + y * out->stride[0], in->data[0] + y * in->stride[0],
                    static_cast<size_t>(in->width) * 8);
    return CP_OK;
}

const char* const kFaults[] = {"crash", "abort", "hang", "throw", nullptr};
const cp_param_spec kParams[] = {{.name = "fault",
                                  .type = CP_PARAM_CHOICE,
                                  .help = "What to do on frame `at`.",
                                  .required = 0,
                                  .default_number = 0,
                                  .default_string = "crash",
                                  .min = 0,
                                  .max = 0,
                                  .choices = kFaults},
                                 {.name = "at",
                                  .type = CP_PARAM_INT,
                                  .help = "The frame index to misbehave on.",
                                  .required = 0,
                                  .default_number = 3,
                                  .default_string = nullptr,
                                  .min = 0,
                                  .max = 1e9,
                                  .choices = nullptr}};
const int32_t kFormats[] = {CP_PIXEL_RGBA64};
const cp_filter_desc kFilters[] = {{.struct_size = sizeof(cp_filter_desc),
                                    .name = "misbehaving",
                                    .version = "1.0",
                                    .help = "Copies frames; crashes, aborts, hangs or throws.",
                                    .flags = 0,
                                    .params = kParams,
                                    .param_count = 2,
                                    .param_spec_size = sizeof(cp_param_spec),
                                    .formats = kFormats,
                                    .format_count = 1,
                                    .create = misbehaving_create,
                                    .process = misbehaving_process,
                                    .destroy = misbehaving_destroy}};
const cp_plugin_desc kPlugin = {.api_version = CINEPIPE_PLUGIN_API_VERSION,
                                .struct_size = sizeof(cp_plugin_desc),
                                .name = "misbehaving",
                                .version = "1.0",
                                .filters = kFilters,
                                .filter_count = 1};

}  // namespace

extern "C" CP_EXPORT const cp_plugin_desc* cinepipe_plugin_entry(void) {
    return &kPlugin;
}
