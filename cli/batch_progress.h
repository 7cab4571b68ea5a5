#pragma once
// What a running batch shows: on a terminal, a block redrawn in place (the whole batch, then
// one line per clip in work, with fps and ETA) under a scrolling list of finished clips;
// `--progress json` prints one JSON object per line on stdout for machines; otherwise (a log
// file) just the finished clips. Called from every worker thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "batch_manifest.h"
#include "cinepipe/pipeline.h"

namespace cinepipe::cli {

class BatchProgress {
  public:
    enum class Mode { Quiet, Lines, Terminal, Json };
    BatchProgress(Mode mode, std::string job, int clips, std::int64_t frames_total);

    void started(int index, const std::string& name, std::int64_t frames);
    void progress(int index, const Progress& p);
    // skipped: already delivered by an earlier run (--resume).
    void finished(int index, const std::string& name, const ClipRecord& record, bool skipped);
    void note(const std::string& line);  // a warning or message, above the block
    void done(int exit_code);

  private:
    struct Running {
        std::string name;
        std::int64_t frames_done = 0, frames_total = 0;
        double seconds = 0;
        std::chrono::steady_clock::time_point last_json{};
    };
    void redraw_locked(bool force);
    void clear_block_locked();
    [[nodiscard]] double elapsed() const;
    void emit_json_locked(const std::string& line);

    Mode mode_;
    std::string job_;
    int clips_ = 0;
    std::int64_t frames_total_ = 0;
    int finished_ = 0, failed_ = 0, qc_failed_ = 0, skipped_ = 0;
    std::int64_t frames_finished_ = 0;  // by this run's finished clips
    std::int64_t frames_skipped_ = 0;
    std::map<int, Running> running_;
    int drawn_lines_ = 0;
    std::chrono::steady_clock::time_point start_, last_draw_{};
    std::mutex mutex_;
};

}  // namespace cinepipe::cli
