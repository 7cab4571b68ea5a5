// `cinepipe batch JOB.yaml`: a shoot day. Every clip graded with its own CDL and the show LUT,
// QC'd, synced, mastered and proxied from one decode each; clips in parallel sharing one core
// budget; a record per finished clip so `--resume` after a crash redoes only what is not
// finished; a report, an ASC MHL and an exit code that says what failed. `--slurm` hands the
// same work to a cluster. See docs/batch.md.

#include <fmt/format.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include "batch_clip.h"
#include "batch_progress.h"
#include "batch_report.h"
#include "batch_slurm.h"
#include "cinepipe/dual_system.h"
#include "cinepipe/error.h"
#include "cli_common.h"

namespace cinepipe::cli {

namespace {

namespace fs = std::filesystem;

struct BatchArgs {
    std::string job;
    int jobs = 1;
    bool resume = false;
    bool overwrite = false;
    bool dry_run = false;
    std::string progress = "auto";
    bool slurm = false;
    std::string partition;
    std::vector<std::string> sbatch_args;
    int max_parallel = 0;
    bool wait = false;
    int task = -1;
    bool finalize = false;
};

void print_plan(const BatchPlan& plan, const std::vector<std::string>& rolls) {
    const JobSpec& job = plan.job;
    std::printf("%s\n", fmt::format("job {} ({}): {} clips, {} frames", job.name, job.path,
                                    plan.clips.size(), plan.frames_total)
                            .c_str());
    for (const auto& c : plan.clips) {
        std::printf("%s\n", fmt::format("{:4}  {}", c.index + 1, c.path).c_str());
        if (!c.problem.empty()) {
            std::printf("%s\n", fmt::format("      UNREADABLE: {}", c.problem).c_str());
            continue;
        }
        if (c.grade)
            std::printf("%s\n", fmt::format("      grade {} ({} '{}') from {}", c.grade->cdl.id,
                                            c.grade->matched_by, c.grade->key, c.grade_file)
                                    .c_str());
        for (const auto& out : c.outputs())
            std::printf("%s\n", fmt::format("      -> {}", out).c_str());
    }
    if (!rolls.empty())
        std::printf("%s\n", fmt::format("sound: {} rolls in {}, matched to clips when they run",
                                        rolls.size(), job.sound_rolls)
                                .c_str());
    for (const auto& w : plan.warnings) std::printf("warning: %s\n", w.c_str());
    std::printf("%s\n", fmt::format("{}: valid", job.path).c_str());
}

// Outputs of an earlier run are never replaced silently: continue it or redo it, by choice.
void refuse_existing_outputs(const BatchPlan& plan) {
    std::vector<std::string> existing;
    for (const auto& c : plan.clips)
        for (const auto& out : c.outputs()) {
            std::error_code ec;
            if (out.find('%') == std::string::npos && fs::exists(out, ec)) existing.push_back(out);
        }
    if (existing.empty()) return;
    throw OutputError(fmt::format(
        "{} exists{} (an earlier run of {}?): --resume continues that batch, --overwrite redoes it",
        existing.front(),
        existing.size() > 1 ? fmt::format(" with {} more outputs", existing.size() - 1) : "",
        plan.job.path));
}

void create_output_folders(const BatchPlan& plan) {
    std::vector<fs::path> folders{plan.job.output_folder};
    for (const auto& c : plan.clips)
        for (const auto& out : c.outputs()) folders.push_back(fs::path(out).parent_path());
    for (const auto& f : folders) {
        std::error_code ec;
        fs::create_directories(f, ec);
        if (ec)
            throw OutputError(
                fmt::format("{}: cannot create the output folder: {}", f.string(), ec.message()));
        if (::access(f.c_str(), W_OK) != 0)
            throw OutputError(f.string() + ": output folder is not writable");
    }
}

BatchProgress::Mode progress_mode(const std::string& p, bool quiet) {
    if (p == "json") return BatchProgress::Mode::Json;
    if (p == "none" || quiet) return BatchProgress::Mode::Quiet;
    return ::isatty(STDERR_FILENO) ? BatchProgress::Mode::Terminal : BatchProgress::Mode::Lines;
}

std::vector<std::optional<ClipRecord>> read_records(const BatchPlan& plan) {
    std::vector<std::optional<ClipRecord>> records;
    for (const auto& c : plan.clips) records.push_back(read_record(plan.state_dir, c.key));
    return records;
}

int run_local(const BatchArgs& a, GlobalOptions& global, BatchPlan& plan,
              const std::vector<std::string>& rolls, std::vector<int> indices) {
    const int budget = global.threads > 0
                           ? global.threads
                           : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const int workers = std::max(1, std::min<int>(a.jobs, static_cast<int>(indices.size())));
    const FilterRegistry registry = make_registry({});
    BatchProgress progress(progress_mode(a.progress, global.quiet), plan.job.name,
                           static_cast<int>(indices.size()), plan.frames_total);
    for (const auto& w : plan.warnings) progress.note("cinepipe: warning: " + w);
    std::vector<std::optional<ClipRecord>> records = read_records(plan);
    std::atomic<std::size_t> next{0};
    std::mutex records_mutex;
    std::exception_ptr fatal;
    auto work = [&] {
        for (;;) {
            const std::size_t n = next.fetch_add(1);
            if (n >= indices.size() || interrupt_token().cancelled()) return;
            const BatchClip& clip = plan.clips[static_cast<std::size_t>(indices[n])];
            ClipRunContext ctx;
            ctx.plan = &plan;
            ctx.registry = &registry;
            ctx.sound_rolls = rolls;
            // One core budget: each of the clips at work gets its share for its frames.
            ctx.threads = std::max(1, budget / workers);
            ctx.overwrite = a.resume || a.overwrite || a.task >= 0;
            ctx.cancel = &interrupt_token();
            ctx.stats = &global.measured;
            std::optional<ClipRecord> previous;
            {
                std::lock_guard lock(records_mutex);
                previous = records[static_cast<std::size_t>(clip.index)];
            }
            if (previous && (a.resume || a.task >= 0)) {
                std::string why;
                if (record_still_valid(*previous, plan.job.output_folder,
                                       clip_fingerprint(ctx, clip), why)) {
                    progress.finished(clip.index, clip.name, *previous, true);
                    continue;
                }
                progress.note(fmt::format("redoing {}: {}", clip.name, why));
            }
            const std::int64_t frames =
                clip.info && clip.info->video ? clip.info->video->frame_count : 0;
            progress.started(clip.index, clip.name, frames);
            ctx.progress = [&progress, index = clip.index](const Progress& p) {
                progress.progress(index, p);
            };
            try {
                ClipRecord record = run_clip(ctx, clip);
                // Each clip frees its pictures, encoders and caches, but glibc keeps freed
                // memory in its per-thread arenas, so a long batch's RSS crept up (200 short
                // clips: 176 MB peak after 20, 232 MB after 200). Handing it back per clip
                // holds the peak where one clip at a time needs it (80 clips: 202 -> 161 MB).
                ::malloc_trim(0);
                write_record(plan.state_dir, record);
                progress.finished(clip.index, clip.name, record, false);
                std::lock_guard lock(records_mutex);
                records[static_cast<std::size_t>(clip.index)] = std::move(record);
            } catch (const Cancelled&) {
                return;
            } catch (...) {
                // The state folder itself cannot be written: nothing can be trusted any more.
                std::lock_guard lock(records_mutex);
                if (!fatal) fatal = std::current_exception();
                interrupt_token().cancel();
                return;
            }
        }
    };
    std::vector<std::thread> threads;
    for (int i = 1; i < workers; ++i) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (fatal) std::rethrow_exception(fatal);
    if (interrupt_token().cancelled()) {
        progress.done(kInterrupted);
        int delivered = 0;
        for (const auto& r : records) delivered += r && r->delivered();
        std::fprintf(stderr, "%s\n",
                     fmt::format("cinepipe: interrupted: {} of {} clips delivered; `cinepipe batch "
                                 "{} --resume` finishes the rest",
                                 delivered, plan.clips.size(), plan.job.path)
                         .c_str());
        return kInterrupted;
    }
    if (a.task >= 0) {
        const auto& r = records[static_cast<std::size_t>(a.task)];
        progress.done(r && r->delivered() ? 0 : 2);
        return r && r->delivered() ? (r->status == "done" ? kOk : kChecksFailed) : kInputError;
    }
    // Clips at once share the budget: the threads used are the whole of it.
    global.measured.note_threads(workers * std::max(1, budget / workers));
    std::optional<StageTimer> timer(phase(global, "write MHL and report"));
    const BatchSummary summary = finish_batch(plan, records);
    timer.reset();
    progress.done(summary.exit_code);
    if (a.progress != "json") print_summary(plan, records, summary);
    return summary.exit_code;
}

}  // namespace

Runner add_batch(CLI::App& app, GlobalOptions& global) {
    auto a = std::make_shared<BatchArgs>();
    app.add_option("JOB", a->job, "Job file (YAML or JSON; see samples/jobs/)")->required();
    app.add_option("-j,--jobs", a->jobs, "Clips processed at once (sharing --threads)")
        ->check(CLI::Range(1, 64));
    app.add_option("--threads", global.threads, "Core budget for the whole batch (0: all cores)")
        ->check(CLI::Range(0, 256));
    app.add_flag(
        "--resume", a->resume,
        "Continue an earlier run: skip clips delivered with unchanged settings, redo the rest");
    app.add_flag("--overwrite", a->overwrite, "Redo every clip, replacing earlier outputs");
    app.add_flag("--dry-run", a->dry_run, "Validate and print the plan; decode nothing");
    app.add_option("--progress", a->progress,
                   "auto (a live view on a terminal), json (JSON lines on stdout) or none")
        ->check(CLI::IsMember({"auto", "json", "none"}));
    app.add_flag("--slurm", a->slurm,
                 "Submit to Slurm: a job array (a task per clip) and a merge job");
    app.add_option("--partition", a->partition, "Slurm partition");
    app.add_option("--sbatch-arg", a->sbatch_args,
                   "Extra sbatch argument (repeatable), e.g. --sbatch-arg=--time=2:00:00")
        ->allow_extra_args(false);
    app.add_option("--max-parallel", a->max_parallel, "Slurm: at most this many tasks at once");
    app.add_flag("--wait", a->wait, "Slurm: wait for the merge job and exit with its code");
    app.add_option("--task", a->task, "Run clip N only (what each Slurm array task runs)")
        ->group("")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--finalize", a->finalize, "Write the report and MHL from the clips' records")
        ->group("");
    return [a, &global] {
        if (a->resume && a->overwrite) throw InputError("give --resume or --overwrite, not both");
        const JobSpec job = load_job(a->job);
        BatchPlan plan = plan_batch(job);
        std::vector<std::string> rolls;
        if (!job.sound_rolls.empty()) rolls = list_sound_rolls(job.sound_rolls);
        if (a->dry_run) {
            print_plan(plan, rolls);
            return static_cast<int>(kOk);
        }
        if (a->task >= 0 || a->finalize) {
            // A Slurm task: the clip list is the one fixed when the batch was submitted.
            const auto submitted = submitted_clips(plan);
            if (!submitted.empty()) {
                std::vector<std::string> now;
                for (const auto& c : plan.clips) now.push_back(c.path);
                if (now != submitted)
                    throw InputError(fmt::format(
                        "{}: the job's clips changed since it was submitted; submit it again",
                        job.path));
            }
            if (a->task >= static_cast<int>(plan.clips.size()))
                throw InputError(
                    fmt::format("--task {}: the job has {} clips", a->task, plan.clips.size()));
        }
        if (a->finalize) {
            const auto records = read_records(plan);
            const BatchSummary summary = finish_batch(plan, records);
            print_summary(plan, records, summary);
            return summary.exit_code;
        }
        if (!a->resume && !a->overwrite && a->task < 0) refuse_existing_outputs(plan);
        create_output_folders(plan);
        if (a->slurm) {
            SlurmOptions s;
            s.partition = a->partition;
            s.sbatch_args = a->sbatch_args;
            s.cpus_per_task = global.threads > 0 ? global.threads : 2;
            s.max_parallel = a->max_parallel;
            s.wait = a->wait;
            s.overwrite = a->overwrite;
            return submit_to_slurm(plan, s);
        }
        std::vector<int> indices;
        if (a->task >= 0) {
            indices.push_back(a->task);
        } else {
            for (const auto& c : plan.clips) indices.push_back(c.index);
        }
        return run_local(*a, global, plan, rolls, indices);
    };
}

}  // namespace cinepipe::cli
