#pragma once
// The boundary between the engine and cinepipe_oiio.so, the module that holds everything
// needing OpenImageIO (image-sequence reading and writing). Linked in, OpenImageIO's ~260
// shared libraries cost every process about half a second and 80 MB before main(), so the
// engine dlopen()s the module the first time a sequence is opened (docs/ARCHITECTURE.md).
//
// INTERNAL: both sides are built from this tree by the same compiler, so the interface is a
// plain C++ class with a vtable, and engine types (MediaReader, WriterConfig, exceptions) cross
// it freely. It is not the filter plugin ABI (plugins/cinepipe_plugin.h) and promises nothing
// across builds; the engine refuses a module whose build stamp differs from its own.

#include <cstdint>
#include <memory>
#include <string>

#include "cinepipe/media_reader.h"
#include "cinepipe/media_writer.h"

namespace cinepipe {

class ImageSequenceModule {
  public:
    ImageSequenceModule() = default;
    virtual ~ImageSequenceModule() = default;
    ImageSequenceModule(const ImageSequenceModule&) = delete;
    ImageSequenceModule& operator=(const ImageSequenceModule&) = delete;

    [[nodiscard]] virtual std::unique_ptr<MediaReader> open(const std::string& path,
                                                            const ReaderOptions& options) const = 0;
    virtual void seek(MediaReader& reader, std::int64_t index) const = 0;
    [[nodiscard]] virtual std::unique_ptr<MediaWriter> create_writer(
        const WriterConfig& config) const = 0;
};

// The module's one exported symbol:
//   extern "C" const ImageSequenceModule* cinepipe_oiio_module(const char* stamp);
// It returns nullptr when `stamp` is not the module's own kImageSequenceModuleStamp.
inline constexpr const char* kImageSequenceModuleEntry = "cinepipe_oiio_module";
using ImageSequenceModuleEntry = const ImageSequenceModule* (*)(const char* stamp);

// Bump the trailing number when this class changes; the version and compiler cover changes
// to the engine types that cross it.
inline constexpr const char* kImageSequenceModuleStamp =
    "cinepipe-oiio " CINEPIPE_VERSION " " __VERSION__ " 1";

// The module's file name; where it is looked for is in image_sequence_loader.cpp.
inline constexpr const char* kImageSequenceModuleFile = "cinepipe_oiio.so";

}  // namespace cinepipe
