#include "batch_plan.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <regex>

#include "cinepipe/error.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/rational.h"

namespace cinepipe::cli {

namespace {

namespace fs = std::filesystem;

// ARRI, RED, Sony and Blackmagic names start with the camera roll: A001C003_... -> A001.
std::string camera_roll(const std::string& name) {
    static const std::regex roll(R"(^([A-Z][0-9]{3})[C_][0-9]{3})");
    std::smatch m;
    return std::regex_search(name, m, roll) ? m[1].str() : std::string{};
}

std::string tc_field(const MediaInfo& info) {
    if (!info.start_timecode) return "00-00-00-00";
    std::string tc = info.start_timecode->to_string();
    for (char& c : tc)
        if (c == ':' || c == ';' || c == '.') c = '-';
    return tc;
}

// A per-clip CDL file: NAME.cdl/.cc/.ccc, or its camera clip id's (A001C003 of A001C003_2011).
std::string cdl_in_folder(const std::string& folder, const std::string& name) {
    static const std::regex clip_id(R"(^([A-Z][0-9]{3}C[0-9]{3}))");
    std::vector<std::string> stems{name};
    std::smatch m;
    if (std::regex_search(name, m, clip_id)) stems.push_back(m[1].str());
    for (const auto& stem : stems)
        for (const char* ext : {".cdl", ".cc", ".ccc"}) {
            const fs::path p = fs::path(folder) / (stem + ext);
            std::error_code ec;
            if (fs::is_regular_file(p, ec)) return p.string();
        }
    return {};
}

std::string list(const std::vector<std::string>& items, std::size_t most = 6) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < most; ++i)
        out += (out.empty() ? "" : "; ") + items[i];
    if (items.size() > most) out += fmt::format("; and {} more", items.size() - most);
    return out;
}

}  // namespace

std::uint64_t stable_hash(const std::string& text) {
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::vector<std::string> BatchClip::outputs() const {
    std::vector<std::string> out;
    for (const auto* p : {&master, &proxy, &poster, &sheet, &qc_json, &qc_html})
        if (!p->empty()) out.push_back(*p);
    return out;
}

BatchPlan plan_batch(const JobSpec& job) {
    BatchPlan plan;
    plan.job = job;
    plan.state_dir = (fs::path(job.output_folder) / ".cinepipe" / job.name).string();
    if (!job.qc_profile.empty()) plan.qc = load_qc_profile(job.qc_profile);
    std::optional<GradeBook> book;
    if (!job.grade.cdl.empty()) book = GradeBook::load(job.grade.cdl);
    if (!job.grade.ale.empty()) book = GradeBook::load(job.grade.ale);
    ReaderOptions ro;
    ro.sequence_rate = parse_rate(job.fps);
    const fs::path root(job.output_folder);
    std::vector<std::string> ungraded;
    for (std::size_t i = 0; i < job.clips.size(); ++i) {
        BatchClip c;
        c.index = static_cast<int>(i);
        c.path = job.clips[i];
        c.name = clip_stem(c.path);
        c.key = fmt::format("{}-{:016x}", c.name, stable_hash(c.path));
        try {
            c.info = probe(c.path, ro);
        } catch (const InputError& e) {
            c.problem = e.what();
            plan.clips.push_back(std::move(c));
            continue;
        }
        if (c.info->video)
            plan.frames_total += std::max<std::int64_t>(0, c.info->video->frame_count);
        ClipNameFields f;
        f.clip = c.name;
        f.reel = !c.info->reel_name.empty() ? c.info->reel_name : camera_roll(c.name);
        if (f.reel.empty()) f.reel = c.name;
        f.tc = tc_field(*c.info);
        f.job = job.name;
        f.index = c.index + 1;
        if (job.master.enabled)
            c.master =
                (fs::path(job.master.folder) / expand_name_template(job.master.name_template, f))
                    .string();
        if (job.proxy.enabled)
            c.proxy =
                (fs::path(job.proxy.folder) / expand_name_template(job.proxy.name_template, f))
                    .string();
        // Thumbnails and QC reports carry the deliverable's base name, so they sort with it.
        const std::string base = !c.proxy.empty()    ? clip_stem(c.proxy)
                                 : !c.master.empty() ? clip_stem(c.master)
                                                     : c.name;
        if (job.thumbnails) {
            c.poster = (root / "thumbnails" / (base + "_poster.jpg")).string();
            c.sheet = (root / "thumbnails" / (base + "_sheet.jpg")).string();
        }
        if (plan.qc) {
            c.qc_json = (root / "qc" / (base + "_qc.json")).string();
            if (job.qc_html) c.qc_html = (root / "qc" / (base + "_qc.html")).string();
        }
        if (book) {
            c.grade = book->match(c.path, *c.info);
            c.grade_file = book->path();
        } else if (!job.grade.cdl_folder.empty()) {
            c.grade_file = cdl_in_folder(job.grade.cdl_folder, c.name);
            if (!c.grade_file.empty())
                c.grade = GradeBook::load(c.grade_file).match(c.path, *c.info);
        }
        if (job.grade.per_shot() && !c.grade) ungraded.push_back(c.name);
        plan.clips.push_back(std::move(c));
    }
    const std::string& grades = !job.grade.cdl.empty()   ? job.grade.cdl
                                : !job.grade.ale.empty() ? job.grade.ale
                                                         : job.grade.cdl_folder;
    if (!ungraded.empty() && !job.grade.allow_ungraded)
        throw InputError(fmt::format(
            "{}: {} clip(s) have no grade in {}: {} (grade.allow_ungraded: true renders them "
            "without one)",
            job.path, ungraded.size(), grades, list(ungraded)));
    for (const auto& name : ungraded)
        plan.warnings.push_back(
            fmt::format("{}: no grade in {}; rendered without a CDL", name, grades));

    // Two deliverables with one name would overwrite each other; one over a source would
    // destroy the camera original.
    std::map<std::string, std::string> owner;
    std::vector<std::string> collisions;
    for (const auto& c : plan.clips)
        for (const auto& out : c.outputs()) {
            const std::string key = fs::path(out).lexically_normal().string();
            const auto [it, fresh] = owner.emplace(key, c.path);
            if (!fresh)
                collisions.push_back(
                    fmt::format("{} is made for both {} and {}", out, it->second, c.path));
        }
    for (const auto& c : plan.clips)
        if (owner.count(fs::path(c.path).lexically_normal().string()))
            collisions.push_back(fmt::format("{} is a source and an output", c.path));
    if (!collisions.empty())
        throw InputError(
            fmt::format("{}: outputs collide (make the name templates unique, e.g. "
                        "with {{reel}} or {{tc}}): {}",
                        job.path, list(collisions, 4)));
    return plan;
}

}  // namespace cinepipe::cli
