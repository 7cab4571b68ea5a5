#pragma once

namespace cinepipe {
const char* version_string();
}
