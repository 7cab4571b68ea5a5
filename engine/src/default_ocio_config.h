#pragma once
// The OpenColorIO config cinepipe uses when none is given (no --ocio, no $OCIO):
// samples/ocio/config.ocio, compiled in at build time. It uses only OpenColorIO 2.1's
// built-in transforms, so it needs no files on disk.

namespace cinepipe {

// The config's YAML text, for OCIO::Config::CreateFromStream. Static storage; never null.
const char* default_ocio_config_text();

}  // namespace cinepipe
