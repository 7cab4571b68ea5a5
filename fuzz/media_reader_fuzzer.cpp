// Fuzz target: a media file as it arrives from set, through the engine's reader: probe, then
// open and decode (pictures and sound) as QC does (damage tolerated and counted), then as a
// transcode does (damage is an error). The bytes live in a memfd opened by its
// /proc/self/fd/N path, so nothing touches the disk. Reading is bounded (kMaxUnits units per
// pass) so a long valid clip does not stall the fuzzer; libav itself is not instrumented, the
// engine's handling of what libav returns is what is fuzzed.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"

namespace {

constexpr int kMaxUnits = 24;

// Reads up to kMaxUnits units and touches every picture's first and last plane byte.
void read_some(const std::string& path, bool tolerate_damage) {
    cinepipe::ReaderOptions options;
    options.decoder_threads = 1;
    options.tolerate_damage = tolerate_damage;
    auto reader = cinepipe::MediaReader::open(path, options);
    (void)reader->info();
    volatile std::uint8_t sink = 0;
    for (int i = 0; i < kMaxUnits; ++i) {
        auto unit = reader->next();
        if (!unit) break;
        if (unit->video) {
            const auto& f = *unit->video;
            // The first and last byte of every plane must be readable.
            for (int p = 0; p < 4; ++p) {
                const std::uint8_t* plane = f.plane(p);
                if (plane == nullptr) continue;
                const int rows = f.plane_height(p);
                const std::size_t row = f.row_bytes(p);
                if (rows <= 0 || row == 0) std::abort();  // a picture with an empty plane
                sink = sink + plane[0] + plane[f.stride[p] * (rows - 1) + std::ptrdiff_t(row) - 1];
            }
        }
        for (const auto& a : unit->audio)
            if (!a.samples.empty()) sink = sink + static_cast<std::uint8_t>(a.samples.back() > 0);
    }
    (void)reader->stats();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const int fd = [] {
        const int f = ::memfd_create("cinepipe-fuzz-media", 0);
        if (f < 0) std::abort();
        return f;
    }();
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
        std::abort();
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    try {
        (void)cinepipe::probe(path);
    } catch (const cinepipe::InputError&) {
    }
    for (const bool tolerate : {true, false}) {
        try {
            read_some(path, tolerate);
        } catch (const cinepipe::InputError&) {
        }
    }
    return 0;
}
