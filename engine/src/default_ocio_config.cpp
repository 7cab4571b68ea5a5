#include "default_ocio_config.h"

namespace cinepipe {

const char* default_ocio_config_text() {
    // generated/default_ocio_config.inc is samples/ocio/config.ocio as a raw string literal,
    // written by engine/CMakeLists.txt at configure time.
    static constexpr const char kText[] =
#include "default_ocio_config.inc"
        ;
    return kText;
}

}  // namespace cinepipe
