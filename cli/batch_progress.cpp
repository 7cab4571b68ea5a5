#include "batch_progress.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace cinepipe::cli {

namespace {

std::string clock(double seconds) {
    if (seconds < 0 || seconds > 1e7) return "--:--";
    const long s = std::lround(seconds);
    return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                     : fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

BatchProgress::BatchProgress(Mode mode, std::string job, int clips, std::int64_t frames_total)
    : mode_(mode),
      job_(std::move(job)),
      clips_(clips),
      frames_total_(frames_total),
      start_(std::chrono::steady_clock::now()) {
    std::lock_guard lock(mutex_);
    emit_json_locked(nlohmann::json{
        {"event", "start"}, {"job", job_}, {"clips", clips_}, {"frames_total", frames_total_}}
                         .dump());
}

double BatchProgress::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void BatchProgress::emit_json_locked(const std::string& line) {
    if (mode_ != Mode::Json) return;
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

void BatchProgress::started(int index, const std::string& name, std::int64_t frames) {
    std::lock_guard lock(mutex_);
    running_[index] = Running{name, 0, frames, 0, {}};
    emit_json_locked(nlohmann::json{
        {"event", "clip_start"}, {"index", index}, {"clip", name}, {"frames_total", frames}}
                         .dump());
    redraw_locked(true);
}

void BatchProgress::progress(int index, const Progress& p) {
    std::lock_guard lock(mutex_);
    auto it = running_.find(index);
    if (it == running_.end()) return;
    Running& r = it->second;
    r.frames_done = p.frames_done;
    if (p.frames_total > 0) r.frames_total = p.frames_total;
    r.seconds = p.elapsed_seconds;
    if (mode_ == Mode::Json) {
        const auto now = std::chrono::steady_clock::now();
        if (now - r.last_json < std::chrono::seconds(1)) return;
        r.last_json = now;
        std::int64_t done = frames_finished_ + frames_skipped_;
        for (const auto& [i, run] : running_) done += run.frames_done;
        const double fps = r.seconds > 0 ? double(r.frames_done) / r.seconds : 0;
        emit_json_locked(nlohmann::json{
            {"event", "progress"},
            {"index", index},
            {"clip", r.name},
            {"frames_done", r.frames_done},
            {"frames_total", r.frames_total},
            {"fps", fps},
            {"batch_frames_done", done},
            {"batch_frames_total", frames_total_},
            {"elapsed_seconds",
             elapsed()}}.dump());
        return;
    }
    redraw_locked(false);
}

void BatchProgress::finished(int index, const std::string& name, const ClipRecord& record,
                             bool skipped) {
    std::lock_guard lock(mutex_);
    running_.erase(index);
    ++finished_;
    if (skipped) {
        ++skipped_;
        frames_skipped_ += record.frames;
    } else {
        frames_finished_ += record.frames;
    }
    failed_ += record.status == "failed";
    qc_failed_ += record.status == "qc_failed";
    if (mode_ == Mode::Json) {
        nlohmann::json j{{"event", "clip_done"},
                         {"index", index},
                         {"clip", name},
                         {"status", skipped ? "skipped" : record.status},
                         {"message", record.message},
                         {"frames", record.frames},
                         {"seconds", record.seconds}};
        nlohmann::json outs = nlohmann::json::array();
        for (const auto& o : record.outputs) outs.push_back(o.path);
        j["outputs"] = outs;
        emit_json_locked(j.dump());
        return;
    }
    if (mode_ == Mode::Quiet && record.status != "failed") return;
    clear_block_locked();
    std::string line;
    if (skipped)
        line = fmt::format("skipped   {}  (delivered by an earlier run)", name);
    else if (record.status == "failed")
        line = fmt::format("FAILED    {}: {}", name, record.message);
    else
        line = fmt::format(
            "{:<9} {}  ({} frames, {:.1f} s{})", record.status == "done" ? "done" : "QC FAIL", name,
            record.frames, record.seconds,
            record.seconds > 0 ? fmt::format(", {:.1f} fps", double(record.frames) / record.seconds)
                               : "");
    std::fprintf(stderr, "%s\n", line.c_str());
    for (const auto& w : record.warnings)
        std::fprintf(stderr, "%s\n", fmt::format("  warning: {}", w).c_str());
    redraw_locked(true);
}

void BatchProgress::note(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (mode_ == Mode::Json) {
        emit_json_locked(nlohmann::json{{"event", "note"}, {"message", line}}.dump());
        return;
    }
    clear_block_locked();
    std::fprintf(stderr, "%s\n", line.c_str());
    redraw_locked(true);
}

void BatchProgress::done(int exit_code) {
    std::lock_guard lock(mutex_);
    clear_block_locked();
    emit_json_locked(nlohmann::json{
        {"event", "done"},
        {"clips", clips_},
        {"finished", finished_},
        {"failed", failed_},
        {"qc_failed", qc_failed_},
        {"skipped", skipped_},
        {"seconds", elapsed()},
        {"exit_code",
         exit_code}}.dump());
}

void BatchProgress::clear_block_locked() {
    if (mode_ != Mode::Terminal || drawn_lines_ == 0) return;
    // Up to the block's first line, then clear to the end of the screen.
    std::fprintf(stderr, "\x1b[%dF\x1b[J", drawn_lines_);
    drawn_lines_ = 0;
}

void BatchProgress::redraw_locked(bool force) {
    if (mode_ != Mode::Terminal) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_draw_ < std::chrono::milliseconds(250)) return;
    last_draw_ = now;
    clear_block_locked();
    std::int64_t running_frames = 0;
    for (const auto& [i, r] : running_) running_frames += r.frames_done;
    const std::int64_t made = frames_finished_ + running_frames;
    const double secs = elapsed();
    const double fps = secs > 0 ? double(made) / secs : 0;
    const std::int64_t left = frames_total_ - made - frames_skipped_;
    std::string block = fmt::format(
        "batch {}: {}/{} clips{}{}  {}/{} frames  {:.1f} fps  elapsed {}  ETA {}\n", job_,
        finished_, clips_, failed_ ? fmt::format(", {} failed", failed_) : "",
        skipped_ ? fmt::format(", {} skipped", skipped_) : "", made + frames_skipped_,
        frames_total_, fps, clock(secs), fps > 0 && left > 0 ? clock(double(left) / fps) : "--:--");
    int lines = 1;
    for (const auto& [i, r] : running_) {
        const double cfps = r.seconds > 0 ? double(r.frames_done) / r.seconds : 0;
        const double eta = cfps > 0 && r.frames_total > r.frames_done
                               ? double(r.frames_total - r.frames_done) / cfps
                               : -1;
        block += fmt::format("  {:<32} {:>6}/{:<6} {:6.1f} fps  ETA {}\n", r.name.substr(0, 32),
                             r.frames_done, r.frames_total, cfps, clock(eta));
        ++lines;
    }
    std::fputs(block.c_str(), stderr);
    std::fflush(stderr);
    drawn_lines_ = lines;
}

}  // namespace cinepipe::cli
