// The cinepipe_oiio module's entry point (engine/src/image_sequence_module.h): the one symbol
// this shared object exports.

#include "image_sequence_module.h"

#include <cstring>

#include "oiio_sequence.h"

namespace cinepipe {
namespace {

class OiioModule final : public ImageSequenceModule {
  public:
    [[nodiscard]] std::unique_ptr<MediaReader> open(const std::string& path,
                                                    const ReaderOptions& options) const override {
        return oiio_open_sequence(path, options);
    }
    void seek(MediaReader& reader, std::int64_t index) const override {
        oiio_seek_sequence(reader, index);
    }
    [[nodiscard]] std::unique_ptr<MediaWriter> create_writer(
        const WriterConfig& config) const override {
        return oiio_create_sequence_writer(config);
    }
};

}  // namespace
}  // namespace cinepipe

extern "C" __attribute__((visibility("default"))) const cinepipe::ImageSequenceModule*
cinepipe_oiio_module(const char* stamp) {
    if (!stamp || std::strcmp(stamp, cinepipe::kImageSequenceModuleStamp) != 0) return nullptr;
    // Lives as long as the process: the engine never unloads the module.
    static const cinepipe::OiioModule module;
    return &module;
}
