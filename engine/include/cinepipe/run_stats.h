#pragma once
// Where a run's time went (`--stats`): per stage, the frames it handled and the time it was
// busy with them. Stages are measured with two steady_clock reads per call and relaxed atomic
// adds, so the frame pipeline's parallel stages can share a meter without a lock.
//
// "Busy" is the wall time spent inside the stage's calls, summed over the threads that ran
// them. Work a library does on its own threads (libav's frame-threaded decoders, prores_ks's
// slice threads) shows as the time its caller waited for it, not as extra CPU seconds.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace cinepipe {

struct StageStats {
    std::string name;         // "decode", "grade (ocio)", "convert src ... for qc", "hash"
    std::int64_t frames = 0;  // pictures the stage handled; 0 for a phase that is not per frame
    double busy_seconds = 0;  // wall time inside the stage's calls, summed over threads
    std::int64_t bytes = 0;   // bytes it read or wrote, when that is its measure (hashing); or 0
};

struct RunStats {
    double wall_seconds = 0;         // from the first frame read to the last output committed
    std::int64_t frames = 0;         // pictures the run delivered (the source's, decoded once)
    int threads = 0;                 // worker threads of the pipeline; 0 when it ran none
    std::vector<StageStats> stages;  // in pipeline order

    // Adds `other`'s stages to the ones of the same name (appending new names in their order),
    // and its frames and wall time; threads become the larger of the two. For a batch's clips.
    void merge(const RunStats& other);
    // The sum of every stage's busy time.
    [[nodiscard]] double busy_seconds() const;
};

// One stage's running totals; add() may be called from any thread.
class StageMeter {
  public:
    using clock = std::chrono::steady_clock;

    explicit StageMeter(std::string name) : name_(std::move(name)) {}
    StageMeter(const StageMeter&) = delete;
    StageMeter& operator=(const StageMeter&) = delete;

    void add(clock::duration busy, std::int64_t frames, std::int64_t bytes = 0) noexcept {
        nanos_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(busy).count(),
                         std::memory_order_relaxed);
        frames_.fetch_add(frames, std::memory_order_relaxed);
        bytes_.fetch_add(bytes, std::memory_order_relaxed);
    }
    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] StageStats stats() const;

  private:
    std::string name_;
    std::atomic<std::int64_t> nanos_{0};
    std::atomic<std::int64_t> frames_{0};
    std::atomic<std::int64_t> bytes_{0};
};

// Times one call into a meter: the clock is read here and in the destructor, so an exception
// still counts the time spent. `count()` says, during the call, what it handled.
class StageTimer {
  public:
    explicit StageTimer(StageMeter* meter) noexcept
        : meter_(meter),
          start_(meter ? StageMeter::clock::now() : StageMeter::clock::time_point{}) {}
    ~StageTimer() {
        if (meter_) meter_->add(StageMeter::clock::now() - start_, frames_, bytes_);
    }
    StageTimer(const StageTimer&) = delete;
    StageTimer& operator=(const StageTimer&) = delete;

    void count(std::int64_t frames, std::int64_t bytes = 0) noexcept {
        frames_ += frames;
        bytes_ += bytes;
    }

  private:
    StageMeter* meter_;  // null: measuring is off
    StageMeter::clock::time_point start_;
    std::int64_t frames_ = 0;
    std::int64_t bytes_ = 0;
};

// The stages of one run (or one command's phases), in the order they were first named. Looking
// a stage up takes a lock, so hot paths look theirs up once and keep the meter; meters stay
// valid as long as the recorder.
class StatsRecorder {
  public:
    StageMeter& stage(const std::string& name);
    // Adds a finished run's stages, frames and threads (see RunStats::merge).
    void merge(const RunStats& run);
    void add_frames(std::int64_t frames) { frames_.fetch_add(frames, std::memory_order_relaxed); }
    void note_threads(int threads);
    // Every stage's totals so far; wall_seconds is left for the caller to fill.
    [[nodiscard]] RunStats snapshot() const;

  private:
    mutable std::mutex mutex_;
    std::deque<StageMeter> meters_;  // a deque: growing it never moves a meter
    std::atomic<std::int64_t> frames_{0};
    std::atomic<int> threads_{0};
};

}  // namespace cinepipe
