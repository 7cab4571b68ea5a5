#pragma once
// Errors inside the engine are exceptions that carry enough context (file, reason) for the
// CLI to print one clear line and pick an exit code.

#include <stdexcept>
#include <string>

namespace cinepipe {

// Bad input: a missing, unreadable, damaged or unsupported file, or an impossible request.
// The CLI maps it to exit code 2.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A failure while producing output (encoder, disk, rename). The CLI maps it to exit code 3.
class OutputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The run was cancelled (Ctrl-C). Outputs are removed; the CLI exits with 130.
class Cancelled : public std::runtime_error {
  public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace cinepipe
