#include "batch_clip.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "cinepipe/dual_system.h"
#include "cinepipe/error.h"
#include "cinepipe/graph.h"
#include "cinepipe/mhl.h"

namespace cinepipe::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string triplet(const std::array<double, 3>& v) {
    return fmt::format("{:.17g},{:.17g},{:.17g}", v[0], v[1], v[2]);
}

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

std::string relative_to(const std::string& path, const std::string& root) {
    return fs::path(path).lexically_relative(root).generic_string();
}

// The files an output is: itself, or each numbered file of a sequence pattern.
std::vector<std::string> output_files(const std::string& output) {
    const std::string name = fs::path(output).filename().string();
    const auto percent = name.find('%');
    if (percent == std::string::npos) return {output};
    const std::string prefix = name.substr(0, percent);
    const std::string ext = fs::path(name).extension().string();
    const std::regex numbered(
        "^" + std::regex_replace(prefix, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
        R"([0-9]+)" + std::regex_replace(ext, std::regex(R"([.])"), R"(\.)") + "$");
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(output).parent_path(), ec), end; !ec && it != end;
         it.increment(ec))
        if (std::regex_match(it->path().filename().string(), numbered))
            files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    return files;
}

json grade_json(const BatchClip& clip) {
    if (!clip.grade) return nullptr;
    const Cdl& c = clip.grade->cdl;
    return {{"file", clip.grade_file},
            {"id", c.id},
            {"matched_by", clip.grade->matched_by},
            {"key", clip.grade->key},
            {"slope", c.slope},
            {"offset", c.offset},
            {"power", c.power},
            {"saturation", c.saturation}};
}

}  // namespace

DeliverableSpec clip_deliverables(const BatchPlan& plan, const BatchClip& clip) {
    const JobSpec& job = plan.job;
    DeliverableSpec d;
    d.input = clip.path;
    GradeOptions& g = d.grade;
    g.config = job.grade.ocio_config;
    g.from = job.grade.from;
    g.to = job.grade.to;
    g.display = job.grade.display;
    g.view = job.grade.view;
    g.look = job.grade.look;
    if (clip.grade) {  // by value: the book was read once, at planning
        g.slope = triplet(clip.grade->cdl.slope);
        g.offset = triplet(clip.grade->cdl.offset);
        g.power = triplet(clip.grade->cdl.power);
        g.sat = fmt::format("{:.17g}", clip.grade->cdl.saturation);
    }
    for (const auto& lut : job.grade.luts) g.luts.push_back({lut, false});
    g.lut_interpolation = job.grade.lut_interpolation;
    g.rate = job.fps;
    if (job.master.enabled) {
        d.master = job.master.preset;
        d.master_path = clip.master;
    }
    if (job.proxy.enabled) {
        d.proxy = job.proxy.preset;
        d.proxy_path = clip.proxy;
        d.burnin = job.proxy.burnin;
    }
    d.poster = clip.poster;
    d.sheet = clip.sheet;
    if (plan.qc) {
        d.qc = plan.qc;
        d.qc_json = clip.qc_json;
        d.qc_html = clip.qc_html;
    }
    return d;
}

std::string clip_fingerprint(const ClipRunContext& ctx, const BatchClip& clip) {
    if (!clip.problem.empty()) return "unreadable";  // no graph: nothing was planned for it
    std::string text = clip.path;
    std::error_code ec;
    text += fmt::format("|{}|{}", fs::file_size(clip.path, ec), file_time_iso(clip.path));
    const GraphSpec spec = deliverable_graph(clip_deliverables(*ctx.plan, clip));
    for (const auto& n : spec.nodes) {
        text += "|" + n.id + ":" + n.type;
        for (const auto& input : n.inputs) text += "<" + input;
        for (const auto& [k, v] : n.params) text += fmt::format(",{}={}", k, v.text);
    }
    for (const auto& roll : ctx.sound_rolls)
        text += fmt::format("|{}:{}:{}", roll, fs::file_size(roll, ec), file_time_iso(roll));
    text += ctx.plan->job.keep_scratch ? "|scratch" : "";
    text += ctx.plan->job.mhl_md5 ? "|md5" : "";
    return fmt::format("{:016x}", stable_hash(text));
}

void remove_stale_temporaries(const BatchClip& clip) {
    for (const auto& output : clip.outputs()) {
        const fs::path out(output);
        std::string stem = out.stem().string();
        if (const auto p = stem.find('%'); p != std::string::npos) stem.resize(p);
        const std::string prefix = "." + stem;
        std::error_code ec;
        for (fs::directory_iterator it(out.parent_path(), ec), end; !ec && it != end;
             it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name.starts_with(prefix) && name.find(".cinepipe-tmp-") != std::string::npos)
                fs::remove(it->path(), ec);
        }
    }
}

ClipRecord run_clip(const ClipRunContext& ctx, const BatchClip& clip) {
    const auto start = std::chrono::steady_clock::now();
    const JobSpec& job = ctx.plan->job;
    ClipRecord r;
    r.clip = clip.path;
    r.key = clip.key;
    r.index = clip.index;
    r.host = host_name();
    r.fingerprint = clip_fingerprint(ctx, clip);
    r.grade_json = grade_json(clip).dump();
    const auto finish = [&](std::string status, std::string message) {
        r.status = std::move(status);
        r.message = std::move(message);
        r.finished = utc_now_iso();
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    };
    if (!clip.problem.empty()) return finish("failed", clip.problem);
    try {
        remove_stale_temporaries(clip);
        DeliverableSpec d = clip_deliverables(*ctx.plan, clip);
        if (!ctx.sound_rolls.empty()) {
            DualSystemOptions ds;
            ds.stats = ctx.stats;
            const SoundRollMatching m =
                match_sound_rolls({clip.path}, ctx.sound_rolls, ds, *ctx.cancel);
            const SoundMatch& s = m.clips.front();
            if (s.roll.empty()) {
                r.warnings.push_back(
                    fmt::format("no sound roll matched ({}); camera sound kept", s.problem));
                r.sync_json = json{{"roll", nullptr}, {"problem", s.problem}}.dump();
            } else {
                d.sound = s.roll;
                d.sound_offset = s.result.offset_samples;
                d.keep_scratch = job.keep_scratch;
                for (const auto& w : s.result.warnings) r.warnings.push_back(w);
                r.sync_json = json{{"roll", s.roll},
                                   {"method", s.result.method},
                                   {"offset_ms", s.result.offset_ms},
                                   {"offset_samples", s.result.offset_samples},
                                   {"confidence", s.result.confidence},
                                   {"drift_ppm", s.result.drift_ppm},
                                   {"timecode_agrees", s.result.has_timecode_offset
                                                           ? json(s.result.timecode_agrees)
                                                           : json(nullptr)}}
                                  .dump();
            }
        }
        GraphOptions options;
        options.schedule.threads = ctx.threads;
        options.overwrite = ctx.overwrite;
        options.progress = ctx.progress;
        std::optional<StageTimer> setup(ctx.stats ? &ctx.stats->stage("set up graph") : nullptr);
        Graph graph(deliverable_graph(d), *ctx.registry, options, *ctx.cancel);
        setup.reset();
        const GraphRunResult result = graph.run();
        if (ctx.stats) ctx.stats->merge(result.stats);
        r.frames = result.source.frames;
        for (const auto& w : result.warnings) r.warnings.push_back(w);
        bool qc_passed = true;
        if (!result.qc.empty()) {
            const QcResult& q = result.qc.front();
            int errors = 0, warnings = 0;
            for (const auto& e : q.events) {
                errors += e.severity == Severity::Error;
                warnings += e.severity == Severity::Warning;
            }
            qc_passed = q.passed();
            json qj{{"profile", ctx.plan->qc->name},
                    {"verdict", qc_passed ? "pass" : "fail"},
                    {"errors", errors},
                    {"warnings", warnings},
                    {"report", relative_to(clip.qc_json, job.output_folder)}};
            if (!clip.qc_html.empty()) qj["html"] = relative_to(clip.qc_html, job.output_folder);
            r.qc_json = qj.dump();
        }
        for (const auto& output : clip.outputs())
            for (const auto& file : output_files(output)) {
                ctx.cancel->throw_if_cancelled();
                StageTimer timer(ctx.stats ? &ctx.stats->stage("hash outputs") : nullptr);
                const FileDigest digest = hash_file(file, job.mhl_md5, ctx.cancel);
                timer.count(0, digest.size);
                r.outputs.push_back({relative_to(file, job.output_folder), digest.size,
                                     file_time_iso(file), digest.xxh64, digest.md5});
            }
        return finish(qc_passed ? "done" : "qc_failed",
                      qc_passed ? "" : "QC found errors (see the report)");
    } catch (const Cancelled&) {
        throw;
    } catch (const std::exception& e) {
        r.outputs.clear();
        return finish("failed", e.what());
    }
}

}  // namespace cinepipe::cli
