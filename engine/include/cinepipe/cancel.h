#pragma once

#include <atomic>

namespace cinepipe {

// Shared flag that asks a running job to stop; every pipeline stage checks it.
class CancelToken {
  public:
    void cancel() { flag_.store(true, std::memory_order_relaxed); }
    [[nodiscard]] bool cancelled() const { return flag_.load(std::memory_order_relaxed); }
    void throw_if_cancelled() const;

  private:
    std::atomic<bool> flag_{false};
};

}  // namespace cinepipe
