#include "batch_slurm.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cinepipe/error.h"

namespace cinepipe::cli {

namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string self_executable() {
    std::error_code ec;
    const auto p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("cinepipe") : p.string();
}

// Runs a command line, returns its stdout; OutputError naming the command when it fails.
std::string run(const std::string& command, int* status_out = nullptr) {
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) throw OutputError("cannot run " + command);
    std::string out;
    std::array<char, 4096> buf{};
    while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
        out.append(buf.data(), n);
    const int status = ::pclose(pipe);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (status_out) {
        *status_out = code;
        return out;
    }
    if (code != 0) {
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        throw OutputError(
            fmt::format("sbatch failed (exit {}): {}", code, out.empty() ? command : out));
    }
    return out;
}

void write_script(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw OutputError(path.string() + ": cannot write the Slurm script");
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                    fs::perm_options::replace);
}

std::string job_id(const std::string& sbatch_output) {
    // --parsable prints "ID" or "ID;CLUSTER".
    std::string id;
    for (const char c : sbatch_output) {
        if (c == ';' || c == '\n') break;
        id += c;
    }
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        throw OutputError("sbatch printed no job id: " + sbatch_output);
    return id;
}

}  // namespace

std::vector<std::string> submitted_clips(const BatchPlan& plan) {
    std::ifstream in(fs::path(plan.state_dir) / "slurm" / "clips.txt");
    std::vector<std::string> clips;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) clips.push_back(line);
    return clips;
}

int submit_to_slurm(const BatchPlan& plan, const SlurmOptions& o) {
    if (plan.clips.empty()) throw InputError(plan.job.path + ": no clips to submit");
    const fs::path dir = fs::path(plan.state_dir) / "slurm";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw OutputError(fmt::format("{}: cannot create: {}", dir.string(), ec.message()));
    {
        std::ofstream list(dir / "clips.txt", std::ios::trunc);
        for (const auto& c : plan.clips) list << c.path << "\n";
        if (!list.flush()) throw OutputError((dir / "clips.txt").string() + ": cannot write");
    }
    const std::string exe = shell_quote(self_executable());
    const std::string job = shell_quote(fs::absolute(plan.job.path).string());
    const std::string overwrite = o.overwrite ? " --overwrite" : "";
    write_script(dir / "task.sh",
                 fmt::format("#!/bin/sh\n# One clip of the batch: Slurm array task N is clip N of "
                             "clips.txt.\nexec {} batch {} --task \"$SLURM_ARRAY_TASK_ID\" "
                             "--threads \"${{SLURM_CPUS_PER_TASK:-0}}\" --progress none{}\n",
                             exe, job, overwrite));
    write_script(dir / "finish.sh",
                 fmt::format("#!/bin/sh\n# After every task: the batch report and the ASC MHL.\n"
                             "exec {} batch {} --finalize --progress none\n",
                             exe, job));
    std::string common;
    if (!o.partition.empty()) common += " --partition=" + shell_quote(o.partition);
    for (const auto& a : o.sbatch_args) common += " " + shell_quote(a);
    const std::string name = shell_quote("cinepipe-" + plan.job.name);
    const std::string array =
        fmt::format("0-{}{}", plan.clips.size() - 1,
                    o.max_parallel > 0 ? fmt::format("%{}", o.max_parallel) : "");
    const std::string array_id = job_id(run(
        fmt::format("sbatch --parsable --export=ALL --job-name={} --array={} --cpus-per-task={} "
                    "--output={}{} {}",
                    name, array, o.cpus_per_task, shell_quote((dir / "task-%A_%a.log").string()),
                    common, shell_quote((dir / "task.sh").string()))));
    std::printf("%s\n", fmt::format("submitted {} clips as Slurm array job {} (logs in {})",
                                    plan.clips.size(), array_id, dir.string())
                            .c_str());
    std::fflush(stdout);
    const std::string finish_cmd = fmt::format(
        "sbatch --parsable --export=ALL{} --job-name={} --dependency=afterany:{} --output={}{} {}",
        o.wait ? " --wait" : "", shell_quote("cinepipe-" + plan.job.name + "-finish"), array_id,
        shell_quote((dir / "finish-%j.log").string()), common,
        shell_quote((dir / "finish.sh").string()));
    if (!o.wait) {
        const std::string finish_id = job_id(run(finish_cmd));
        std::printf(
            "%s\n",
            fmt::format("merge job {} writes the report and MHL when the array ends", finish_id)
                .c_str());
        return 0;
    }
    int status = 0;
    const std::string out = run(finish_cmd, &status);
    std::printf("%s\n",
                fmt::format("merge job {} finished (exit {})", job_id(out), status).c_str());
    return status;
}

}  // namespace cinepipe::cli
