#include "cinepipe/run_stats.h"

#include <algorithm>

namespace cinepipe {

void RunStats::merge(const RunStats& other) {
    for (const auto& s : other.stages) {
        const auto it = std::find_if(stages.begin(), stages.end(),
                                     [&](const StageStats& mine) { return mine.name == s.name; });
        if (it == stages.end()) {
            stages.push_back(s);
            continue;
        }
        it->frames += s.frames;
        it->busy_seconds += s.busy_seconds;
        it->bytes += s.bytes;
    }
    frames += other.frames;
    wall_seconds += other.wall_seconds;
    threads = std::max(threads, other.threads);
}

double RunStats::busy_seconds() const {
    double sum = 0;
    for (const auto& s : stages) sum += s.busy_seconds;
    return sum;
}

StageStats StageMeter::stats() const {
    StageStats s;
    s.name = name_;
    s.frames = frames_.load(std::memory_order_relaxed);
    s.busy_seconds = static_cast<double>(nanos_.load(std::memory_order_relaxed)) * 1e-9;
    s.bytes = bytes_.load(std::memory_order_relaxed);
    return s;
}

StageMeter& StatsRecorder::stage(const std::string& name) {
    std::lock_guard lock(mutex_);
    for (auto& m : meters_)
        if (m.name() == name) return m;
    return meters_.emplace_back(name);
}

void StatsRecorder::merge(const RunStats& run) {
    for (const auto& s : run.stages)
        stage(s.name).add(std::chrono::duration_cast<StageMeter::clock::duration>(
                              std::chrono::duration<double>(s.busy_seconds)),
                          s.frames, s.bytes);
    add_frames(run.frames);
    note_threads(run.threads);
}

void StatsRecorder::note_threads(int threads) {
    int seen = threads_.load(std::memory_order_relaxed);
    while (seen < threads &&
           !threads_.compare_exchange_weak(seen, threads, std::memory_order_relaxed)) {
    }
}

RunStats StatsRecorder::snapshot() const {
    RunStats r;
    r.frames = frames_.load(std::memory_order_relaxed);
    r.threads = threads_.load(std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    for (const auto& m : meters_) r.stages.push_back(m.stats());
    return r;
}

}  // namespace cinepipe
