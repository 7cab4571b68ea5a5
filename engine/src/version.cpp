#include "cinepipe/version.h"

namespace cinepipe {
const char* version_string() {
    return CINEPIPE_VERSION;
}
}  // namespace cinepipe
