#pragma once
// The first exception thrown inside a tbb::parallel_pipeline stage, kept until the pipeline
// has drained and then rethrown by the caller.
//
// Why not let the exception cancel the pipeline: oneTBB (2021.8) then does not destroy the
// tokens in flight (the one the throwing filter was handed, since concrete_filter deletes its
// input only after the body returns, and those queued in front of a serial stage), so units
// with their pictures and decoder buffers leaked on every failed or cancelled run (found by
// LeakSanitizer in OutputSafety.CancellingATranscodeRemovesThePartialOutput; 5 units a run in
// tests/unit/pipeline_failure_test.cpp). Stages run their body through
// guard(); after a failure the read stage stops the input and the others pass what is in
// flight through without working on it, so every token reaches the end and is destroyed.

#include <atomic>
#include <exception>
#include <mutex>

#include "cinepipe/cancel.h"
#include "cinepipe/error.h"

namespace cinepipe {

class PipelineFailure {
  public:
    // With `cancel`: a stage that fails once the run is cancelled is reported as Cancelled,
    // since cancelling is what broke it (the reader's I/O is interrupted mid-packet, and a cut
    // packet then fails to decode as "invalid data").
    explicit PipelineFailure(const CancelToken* cancel = nullptr) : cancel_(cancel) {}

    [[nodiscard]] bool failed() const { return failed_.load(std::memory_order_acquire); }

    // Runs `body`; an exception it throws is recorded (the first one wins) and false returned.
    template <typename Body>
    bool guard(Body&& body) noexcept {
        try {
            body();
            return true;
        } catch (...) {
            record(cancel_ && cancel_->cancelled() ? std::make_exception_ptr(Cancelled())
                                                   : std::current_exception());
            return false;
        }
    }

    // After the pipeline returned: rethrows the recorded exception, if any.
    void rethrow_if_failed() const {
        if (failed()) std::rethrow_exception(error_);
    }

  private:
    void record(std::exception_ptr e) noexcept {
        const std::lock_guard lock(mutex_);
        if (!error_) error_ = std::move(e);
        failed_.store(true, std::memory_order_release);
    }

    const CancelToken* cancel_;
    std::mutex mutex_;
    std::exception_ptr error_;
    std::atomic<bool> failed_{false};
};

}  // namespace cinepipe
