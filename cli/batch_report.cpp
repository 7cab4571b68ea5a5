#include "batch_report.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cinepipe/error.h"
#include "cinepipe/html_text.h"
#include "cinepipe/mhl.h"
#include "cinepipe/version.h"

namespace cinepipe::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using qc::html_escape;

// Report files are replaced whole: written beside, then renamed.
void write_whole(const std::string& path, const std::string& text) {
    const std::string temp =
        (fs::path(path).parent_path() /
         fmt::format(".{}.tmp-{}", fs::path(path).filename().string(), ::getpid()))
            .string();
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) throw OutputError(path + ": cannot write the batch report");
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        fs::remove(temp, ec);
        throw OutputError(path + ": cannot write the batch report: " + ec.message());
    }
}

std::string status_of(const std::optional<ClipRecord>& r) {
    return r ? r->status : "not_run";
}

json clip_json(const BatchClip& c, const std::optional<ClipRecord>& r) {
    json j{{"index", c.index}, {"clip", c.path}, {"name", c.name}, {"status", status_of(r)}};
    if (!r) {
        j["message"] = "never finished (interrupted, or its task died); --resume runs it";
        return j;
    }
    j["message"] = r->message;
    j["frames"] = r->frames;
    j["seconds"] = r->seconds;
    j["host"] = r->host;
    j["finished"] = r->finished;
    j["grade"] = json::parse(r->grade_json);
    j["sync"] = json::parse(r->sync_json);
    j["qc"] = json::parse(r->qc_json);
    json outs = json::array();
    for (const auto& o : r->outputs) {
        json out{{"path", o.path}, {"size", o.size}, {"xxh64", o.xxh64}};
        if (!o.md5.empty()) out["md5"] = o.md5;
        outs.push_back(out);
    }
    j["outputs"] = outs;
    j["warnings"] = r->warnings;
    return j;
}

std::string html_report(const BatchPlan& plan, const json& report) {
    const auto& s = report["summary"];
    std::string rows;
    for (const auto& c : report["clips"]) {
        const std::string status = c["status"].get<std::string>();
        std::string grade = "&ndash;", sync = "&ndash;", qc = "&ndash;", outs;
        if (c.contains("grade") && c["grade"].is_object())
            grade = html_escape(fmt::format("{} ({})", c["grade"].value("id", ""),
                                            c["grade"].value("matched_by", "")));
        if (c.contains("sync") && c["sync"].is_object()) {
            const auto& y = c["sync"];
            sync = y["roll"].is_string()
                       ? html_escape(
                             fmt::format("{} at {:.2f} ms ({}, confidence {:.2f})",
                                         fs::path(y["roll"].get<std::string>()).filename().string(),
                                         y.value("offset_ms", 0.0), y.value("method", ""),
                                         y.value("confidence", 0.0)))
                       : "no roll matched";
        }
        if (c.contains("qc") && c["qc"].is_object()) {
            const auto& q = c["qc"];
            const std::string link = q.value("html", q.value("report", ""));
            qc = fmt::format("<a href=\"{}\">{}</a> ({} errors, {} warnings)", html_escape(link),
                             q.value("verdict", ""), q.value("errors", 0), q.value("warnings", 0));
        }
        if (c.contains("outputs"))
            for (const auto& o : c["outputs"]) {
                const std::string p = o["path"].get<std::string>();
                outs += fmt::format(
                    "<div><a href=\"{}\">{}</a> <span class=h>{} B, xxh64 {}</span></div>",
                    html_escape(p), html_escape(p), o["size"].get<std::int64_t>(),
                    o["xxh64"].get<std::string>());
            }
        rows += fmt::format(
            "<tr class=\"{}\"><td>{}</td><td><b>{}</b><div "
            "class=h>{}</div></td><td>{}</td><td>{}</td>"
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            status, c["index"].get<int>() + 1, html_escape(c["name"].get<std::string>()),
            html_escape(c.value("message", "")), status, c.value("frames", std::int64_t{0}), grade,
            sync, qc, outs);
    }
    return fmt::format(
        R"(<!doctype html>
<html><head><meta charset="utf-8"><title>{job}: batch report</title><style>
body{{font:14px system-ui,sans-serif;margin:2em;color:#222}} table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}}
.h{{color:#777;font-size:12px}} tr.failed td,tr.not_run td{{background:#fde8e8}} tr.qc_failed td{{background:#fff5dc}}
.v{{font-size:20px;font-weight:600}}
</style></head><body>
<div class=v>{job}: {verdict}</div>
<p>{clips} clips: {done} delivered, {qcf} delivered with QC errors, {failed} failed, {notrun} not run.
Job file {jobfile}; outputs in {out}; cinepipe {version}, {when}.{mhl}</p>
<table><tr><th>#</th><th>clip</th><th>status</th><th>frames</th><th>grade</th><th>sound</th><th>QC</th><th>outputs</th></tr>
{rows}</table></body></html>
)",
        fmt::arg("job", html_escape(plan.job.name)),
        fmt::arg("verdict", s["exit_code"].get<int>() == 0                         ? "all delivered"
                            : s["failed"].get<int>() + s["not_run"].get<int>() > 0 ? "clips failed"
                                                                                   : "QC errors"),
        fmt::arg("clips", s["clips"].get<int>()), fmt::arg("done", s["done"].get<int>()),
        fmt::arg("qcf", s["qc_failed"].get<int>()), fmt::arg("failed", s["failed"].get<int>()),
        fmt::arg("notrun", s["not_run"].get<int>()),
        fmt::arg("jobfile", html_escape(plan.job.path)),
        fmt::arg("out", html_escape(plan.job.output_folder)), fmt::arg("version", version_string()),
        fmt::arg("when", report["created"].get<std::string>()),
        fmt::arg("mhl", report.contains("mhl")
                            ? " ASC MHL: " + html_escape(report["mhl"].get<std::string>()) + "."
                            : ""),
        fmt::arg("rows", rows));
}

}  // namespace

BatchSummary finish_batch(const BatchPlan& plan,
                          const std::vector<std::optional<ClipRecord>>& records) {
    BatchSummary s;
    s.clips = static_cast<int>(plan.clips.size());
    std::vector<MhlEntry> entries;
    for (const auto& r : records) {
        const std::string st = status_of(r);
        s.done += st == "done";
        s.qc_failed += st == "qc_failed";
        s.failed += st == "failed";
        s.not_run += st == "not_run";
        if (r && r->delivered())
            for (const auto& o : r->outputs)
                entries.push_back({o.path, o.size, o.modified, o.xxh64, o.md5});
    }
    s.exit_code = s.failed + s.not_run > 0 ? 2 : s.qc_failed > 0 ? 1 : 0;
    const fs::path root(plan.job.output_folder);
    if (plan.job.mhl && !entries.empty()) {
        MhlCreator creator;
        creator.tool_version = version_string();
        creator.process = "in-place";
        creator.comment = fmt::format("cinepipe batch {}", plan.job.name);
        s.mhl = write_mhl_generation(plan.job.output_folder, entries, creator);
    }
    json report;
    report["schema"] = "cinepipe.batch/1";
    report["job"] = plan.job.name;
    report["job_file"] = plan.job.path;
    report["output_folder"] = plan.job.output_folder;
    report["created"] = utc_now_iso();
    report["cinepipe"] = version_string();
    if (!s.mhl.empty()) report["mhl"] = fs::path(s.mhl).lexically_relative(root).generic_string();
    report["summary"] = {{"clips", s.clips},   {"done", s.done},       {"qc_failed", s.qc_failed},
                         {"failed", s.failed}, {"not_run", s.not_run}, {"exit_code", s.exit_code}};
    json clips = json::array();
    for (std::size_t i = 0; i < plan.clips.size(); ++i)
        clips.push_back(clip_json(plan.clips[i], records[i]));
    report["clips"] = clips;
    report["warnings"] = plan.warnings;
    s.report_json = (root / (plan.job.name + "_report.json")).string();
    s.report_html = (root / (plan.job.name + "_report.html")).string();
    write_whole(s.report_json, report.dump(2) + "\n");
    write_whole(s.report_html, html_report(plan, report));
    return s;
}

void print_summary(const BatchPlan& plan, const std::vector<std::optional<ClipRecord>>& records,
                   const BatchSummary& s) {
    std::string table;
    for (std::size_t i = 0; i < plan.clips.size(); ++i) {
        const std::string st = status_of(records[i]);
        if (st == "done") continue;
        const std::string why =
            records[i] ? records[i]->message : "never finished; --resume runs it";
        table += fmt::format("  {:<10} {:<32} {}\n",
                             st == "qc_failed" ? "QC FAIL"
                             : st == "failed"  ? "FAILED"
                                               : "NOT RUN",
                             plan.clips[i].name, why);
    }
    std::printf("%s", table.c_str());
    std::printf("%s\n",
                fmt::format("{}: {} clips: {} delivered, {} with QC errors, {} failed, {} not run",
                            plan.job.name, s.clips, s.done, s.qc_failed, s.failed, s.not_run)
                    .c_str());
    std::printf("%s\n", fmt::format("report {}", s.report_html).c_str());
    if (!s.mhl.empty()) std::printf("%s\n", fmt::format("ASC MHL {}", s.mhl).c_str());
}

}  // namespace cinepipe::cli
