#pragma once
// Loading filter plugins (shared libraries speaking the C ABI of cinepipe/plugin_api.h) into
// a FilterRegistry. A plugin filter becomes an ordinary Transform node type: its schema is
// validated like a built-in's, and its node adapter converts frames to cp_const_image (input) and
// cp_image (output) views. The library stays loaded as long as a registry entry or a node made from
// it lives.

#include <string>
#include <vector>

#include "cinepipe/filter_registry.h"

namespace cinepipe {

// The folders to search, in order: `extra_dirs` (from --plugin-path) first, then the
// colon-separated entries of CINEPIPE_PLUGIN_PATH (empty entries ignored).
std::vector<std::string> plugin_search_path(const std::vector<std::string>& extra_dirs);

// Loads every `*.so` of each folder (in name order; a file named instead of a folder is loaded
// itself; a file reached twice is loaded once) and registers its filters. Throws InputError,
// one line naming the plugin file, for a missing folder, a library that does not load, is no
// cinepipe plugin, was built for another API version, or declares a malformed filter or one
// whose name is already registered (built-in or from another plugin). A plugin is registered
// whole or not at all.
void load_plugins(FilterRegistry& registry, const std::vector<std::string>& dirs);

// A plugin that crashes inside one of its callbacks, or whose call has not returned after this
// many seconds, stops the run: one line naming the plugin filter, the callback and the frame,
// temporary outputs removed, exit code 5 (see engine/src/plugin_watch.h). 0: no time limit.
// The default is 60 s. Process-wide, as the signals it relies on are.
void set_plugin_call_timeout(double seconds);
[[nodiscard]] double plugin_call_timeout();

}  // namespace cinepipe
