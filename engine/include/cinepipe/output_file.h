#pragma once
// Small outputs (reports, checksum lists) are written like masters: to a temporary name
// beside the target, renamed into place only when complete.

#include <string>

namespace cinepipe {

// Throws OutputError when `path` exists (without overwrite) or cannot be written.
void write_file_atomically(const std::string& path, const std::string& contents, bool overwrite);
// The same check a writer makes before any decoding: the folder exists and is writable, and
// the file does not exist unless `overwrite`.
void check_output_path(const std::string& path, bool overwrite);

}  // namespace cinepipe
