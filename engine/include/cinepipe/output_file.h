#pragma once
// Reports and checksum lists are written like masters: streamed into a temporary file beside
// the target and renamed into place only when complete, so memory does not grow with clip
// length and nothing half-written appears at the final name.

#include <memory>
#include <string>
#include <string_view>

namespace cinepipe {

// Check before any work starts that `path` may be created: its folder exists and is writable,
// and it does not exist unless `overwrite`. Throws OutputError naming the path.
void check_output_target(const std::string& path, bool overwrite);

// `path` as compared when refusing to write over an input: absolute, with the symbolic links
// of its existing part resolved, so two spellings of one file compare equal.
std::string comparable_path(const std::string& path);
// Whether writing `output` would replace `input`: the same path by comparable_path(), or,
// when both exist, the same file (a hard or symbolic link to it).
bool is_same_file(const std::string& output, const std::string& input);

class TextOutput {
  public:
    // Checks the target (OutputError when it exists without `overwrite`, or its folder is
    // missing or not writable) and opens the temporary file.
    TextOutput(const std::string& path, bool overwrite);
    ~TextOutput();  // removes the temporary unless committed
    TextOutput(const TextOutput&) = delete;
    TextOutput& operator=(const TextOutput&) = delete;

    void write(std::string_view text);
    // Flushes and closes the temporary; throws OutputError when the data did not reach it.
    void close();
    // Renames into place (after close()).
    void commit();
    [[nodiscard]] const std::string& path() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cinepipe
