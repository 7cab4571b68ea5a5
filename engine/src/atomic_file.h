#pragma once
// Nothing half-written ever sits at a final output name: a writer works on a hidden
// temporary file beside the target (same folder, so the rename is atomic) and commit()
// renames it into place. Destroying an uncommitted AtomicFile removes the temporary.

#include <string>

#include "cinepipe/output_file.h"  // check_output_target

namespace cinepipe {

class AtomicFile {
  public:
    // Throws OutputError if `final_path` exists and `overwrite` is false, or if its folder
    // does not exist or is not writable.
    AtomicFile(std::string final_path, bool overwrite);
    ~AtomicFile();
    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&&) = delete;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // ".<stem>.cinepipe-tmp-<pid>-<n><ext>": keeps the extension, so libav and OpenImageIO
    // pick the same format for it as for the final name.
    [[nodiscard]] const std::string& temp_path() const { return temp_; }
    [[nodiscard]] const std::string& final_path() const { return final_; }
    void commit();
    // Remove the temporary now (also done by the destructor).
    void discard() noexcept;

  private:
    std::string final_;
    std::string temp_;
    bool overwrite_;
    bool done_ = false;
    int live_slot_ = -1;  // where remove_temporaries_now() finds temp_
};

// Removes every temporary of an AtomicFile that is still alive, from a signal handler or a
// watchdog about to end the process (async-signal-safe: unlink only). For when there is no
// unwinding left to do it: a plugin that crashed or hung.
void remove_temporaries_now() noexcept;

}  // namespace cinepipe
