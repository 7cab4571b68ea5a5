// Reading shoot-day job files. Every problem is reported as "FILE:LINE: what", and everything
// a run would trip over later (a missing LUT, an unknown preset, a folder that holds no clips)
// is found here, before the first frame.

#include <fmt/format.h>
#include <glob.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cinepipe/error.h"
#include "cinepipe/job.h"

namespace cinepipe {

namespace {

namespace fs = std::filesystem;

class JobReader {
  public:
    explicit JobReader(std::string path) : path_(std::move(path)) {
        base_ = fs::absolute(path_).parent_path();
    }

    [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
        const int line = at.IsDefined() && !at.Mark().is_null() ? at.Mark().line + 1 : 0;
        if (line > 0) throw InputError(fmt::format("{}:{}: {}", path_, line, what));
        throw InputError(fmt::format("{}: {}", path_, what));
    }

    void keys(const YAML::Node& map, const std::string& where,
              std::initializer_list<const char*> allowed) const {
        if (!map.IsMap()) fail(map, where + " must be a mapping");
        std::map<std::string, int> seen;
        for (const auto& kv : map) {
            const std::string key = kv.first.Scalar();
            if (std::none_of(allowed.begin(), allowed.end(),
                             [&](const char* k) { return key == k; })) {
                std::string list;
                for (const char* k : allowed) list += (list.empty() ? "" : ", ") + std::string(k);
                fail(kv.first, fmt::format("{}: unknown key '{}' (keys: {})", where, key, list));
            }
            if (!seen.emplace(key, 0).second)
                fail(kv.first, fmt::format("{}: '{}' is given twice", where, key));
        }
    }

    [[nodiscard]] std::string text(const YAML::Node& n, const std::string& what) const {
        if (!n.IsScalar()) fail(n, what + " must be a single value");
        return n.Scalar();
    }

    [[nodiscard]] bool flag(const YAML::Node& n, const std::string& what) const {
        const std::string v = text(n, what);
        if (v == "true" || v == "yes" || v == "on") return true;
        if (v == "false" || v == "no" || v == "off") return false;
        fail(n, fmt::format("{} must be true or false, got '{}'", what, v));
    }

    // ${VAR} and ${VAR:-default} in paths, so one job file serves every shoot day's folders.
    [[nodiscard]] std::string expand(const YAML::Node& at, const std::string& p) const {
        std::string out;
        for (std::size_t i = 0; i < p.size();) {
            if (p.compare(i, 2, "${") != 0) {
                out += p[i++];
                continue;
            }
            const auto close = p.find('}', i);
            if (close == std::string::npos) fail(at, fmt::format("'{}': unclosed ${{", p));
            const std::string inner = p.substr(i + 2, close - i - 2);
            const auto dflt = inner.find(":-");
            const std::string var = inner.substr(0, dflt);
            if (var.empty()) fail(at, fmt::format("'{}': empty variable name", p));
            const char* value = std::getenv(var.c_str());
            if (value && *value)
                out += value;
            else if (dflt != std::string::npos)
                out += inner.substr(dflt + 2);
            else
                fail(at, fmt::format("'{}': environment variable {} is not set", p, var));
            i = close + 1;
        }
        return out;
    }

    // A path relative to the job file's folder, so a job travels with its material.
    [[nodiscard]] std::string resolve(const std::string& p) const {
        if (p.empty()) return p;
        const fs::path path(p);
        return (path.is_absolute() ? path : base_ / path).lexically_normal().string();
    }

    [[nodiscard]] std::string existing_file(const YAML::Node& n, const std::string& what) const {
        std::string p = resolve(expand(n, text(n, what)));
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) fail(n, fmt::format("{} {}: no such file", what, p));
        return p;
    }

    [[nodiscard]] std::string existing_folder(const YAML::Node& n, const std::string& what) const {
        std::string p = resolve(expand(n, text(n, what)));
        std::error_code ec;
        if (!fs::is_directory(p, ec)) fail(n, fmt::format("{} {}: no such folder", what, p));
        return p;
    }

    [[nodiscard]] const std::string& path() const { return path_; }

  private:
    std::string path_;
    fs::path base_;
};

void read_grade(const JobReader& r, const YAML::Node& g, JobGrade& grade) {
    r.keys(g, "grade",
           {"ocio", "from", "to", "display", "view", "look", "cdl", "ccc", "ale", "cdl_folder",
            "lut", "luts", "lut_interpolation", "allow_ungraded"});
    if (g["ocio"]) grade.ocio_config = r.existing_file(g["ocio"], "grade.ocio");
    if (g["from"]) grade.from = r.text(g["from"], "grade.from");
    if (g["to"]) grade.to = r.text(g["to"], "grade.to");
    if (g["display"]) grade.display = r.text(g["display"], "grade.display");
    if (g["view"]) grade.view = r.text(g["view"], "grade.view");
    if (g["look"]) grade.look = r.text(g["look"], "grade.look");
    if (!grade.view.empty() && grade.display.empty())
        r.fail(g["view"], "grade.view needs grade.display");
    if (!grade.to.empty() && !grade.display.empty())
        r.fail(g["display"], "give grade.to or grade.display/view, not both");
    int per_shot = 0;
    for (const char* key : {"cdl", "ccc"})
        if (g[key]) grade.cdl = r.existing_file(g[key], fmt::format("grade.{}", key)), ++per_shot;
    if (g["ale"]) grade.ale = r.existing_file(g["ale"], "grade.ale"), ++per_shot;
    if (g["cdl_folder"])
        grade.cdl_folder = r.existing_folder(g["cdl_folder"], "grade.cdl_folder"), ++per_shot;
    if (per_shot > 1) r.fail(g, "grade: give one of cdl (or ccc), ale and cdl_folder");
    for (const char* key : {"lut", "luts"}) {
        const YAML::Node l = g[key];
        if (!l) continue;
        if (l.IsSequence())
            for (const auto& item : l)
                grade.luts.push_back(r.existing_file(item, "grade.luts entry"));
        else
            grade.luts.push_back(r.existing_file(l, fmt::format("grade.{}", key)));
    }
    if (g["lut_interpolation"]) {
        grade.lut_interpolation = r.text(g["lut_interpolation"], "grade.lut_interpolation");
        if (grade.lut_interpolation != "tetrahedral" && grade.lut_interpolation != "linear" &&
            grade.lut_interpolation != "best")
            r.fail(g["lut_interpolation"],
                   "grade.lut_interpolation must be tetrahedral, linear or best");
    }
    if (g["allow_ungraded"])
        grade.allow_ungraded = r.flag(g["allow_ungraded"], "grade.allow_ungraded");
}

OutputPreset preset_at(const JobReader& r, const YAML::Node& n, const std::string& what) {
    std::string name = r.text(n, what);
    // A preset file is found relative to the job; a bare name is a built-in.
    if (name.find('/') != std::string::npos || name.ends_with(".yaml") || name.ends_with(".yml") ||
        name.ends_with(".json"))
        name = r.resolve(name);
    try {
        return load_output_preset(name);
    } catch (const InputError& e) {
        r.fail(n, fmt::format("{}: {}", what, e.what()));
    }
}

void read_output(const JobReader& r, const YAML::Node& o, const std::string& what,
                 const std::string& root, const std::string& default_folder, JobOutput& out) {
    r.keys(o, what,
           what == "outputs.proxy"
               ? std::initializer_list<const char*>{"preset", "name", "folder", "burnin"}
               : std::initializer_list<const char*>{"preset", "name", "folder"});
    if (!o["preset"]) r.fail(o, what + ": needs a preset (cinepipe presets lists them)");
    out.enabled = true;
    out.preset = preset_at(r, o["preset"], what + ".preset");
    const std::string folder = o["folder"] ? r.text(o["folder"], what + ".folder") : default_folder;
    const fs::path f(folder);
    if (f.is_absolute()) r.fail(o["folder"], what + ".folder must be relative to outputs.folder");
    const fs::path full = (fs::path(root) / f).lexically_normal();
    // An output folder outside the job's output folder could overwrite anything.
    const auto rel = full.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..")
        r.fail(o["folder"], fmt::format("{}.folder {} leaves outputs.folder", what, folder));
    out.folder = full.string();
    const std::string& ext = out.preset.extensions.front();
    const bool sequence = ext == ".exr" || ext == ".dpx";
    std::string name = o["name"] ? r.text(o["name"], what + ".name") : "{clip}";
    if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
        r.fail(o["name"], what + ".name is a file name, not a path (use folder)");
    try {
        check_name_template(name);
    } catch (const InputError& e) {
        r.fail(o["name"], fmt::format("{}.name: {}", what, e.what()));
    }
    // The extension comes from the preset when the template has none; one it has must be one
    // the preset writes.
    const std::string given = fs::path(name).extension().string();
    if (given.empty() || given.find('}') != std::string::npos) {
        name += (sequence ? ".%06d" : "") + ext;
    } else {
        const auto& exts = out.preset.extensions;
        if (std::find(exts.begin(), exts.end(), given) == exts.end()) {
            std::string list;
            for (const auto& e : exts) list += (list.empty() ? "" : ", ") + e;
            r.fail(o["name"], fmt::format("{}.name ends in {}; preset {} writes {}", what, given,
                                          out.preset.name, list));
        }
        if (sequence && name.find('%') == std::string::npos)
            name.insert(name.size() - given.size(), ".%06d");
    }
    out.name_template = name;
    if (o["burnin"]) out.burnin = r.text(o["burnin"], what + ".burnin");
}

std::vector<std::string> expand_glob(const JobReader& r, const YAML::Node& n,
                                     const std::string& output_folder) {
    const std::string pattern = r.resolve(r.expand(n, r.text(n, "sources glob")));
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
    std::vector<std::string> files;
    if (rc == 0)
        for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    globfree(&g);
    std::vector<std::string> clips;
    std::set<std::string> folders;
    for (const auto& f : files) {
        std::error_code ec;
        if (fs::is_regular_file(f, ec)) folders.insert(fs::path(f).parent_path().string());
    }
    // Numbered images matched by the glob are grouped per folder like a folder rule does.
    for (const auto& folder : folders) {
        for (const auto& c :
             find_clips(folder, fs::path(pattern).filename().string(), false, output_folder))
            clips.push_back(c);
    }
    if (clips.empty()) r.fail(n, fmt::format("sources glob {} matches no clips", pattern));
    return clips;
}

void read_sources(const JobReader& r, const YAML::Node& s, const std::string& output_folder,
                  std::vector<std::string>& clips) {
    if (!s.IsSequence() || s.size() == 0)
        r.fail(s, "sources must be a list (folder:, glob:, file: or files: entries)");
    for (const auto& entry : s) {
        if (entry.IsScalar()) {  // a bare path: a file or a folder
            std::error_code ec;
            const std::string p = r.resolve(r.expand(entry, entry.Scalar()));
            if (fs::is_directory(p, ec)) {
                auto found = find_clips(p, "", true, output_folder);
                if (found.empty())
                    r.fail(entry, fmt::format("sources folder {} holds no clips", p));
                clips.insert(clips.end(), found.begin(), found.end());
            } else {
                clips.push_back(r.existing_file(entry, "source"));
            }
            continue;
        }
        r.keys(entry, "sources entry", {"folder", "pattern", "recursive", "glob", "file", "files"});
        const int kinds = int(bool(entry["folder"])) + int(bool(entry["glob"])) +
                          int(bool(entry["file"])) + int(bool(entry["files"]));
        if (kinds != 1) r.fail(entry, "a sources entry is one of folder:, glob:, file:, files:");
        if (entry["folder"]) {
            const std::string folder = r.existing_folder(entry["folder"], "sources folder");
            const std::string pattern =
                entry["pattern"] ? r.text(entry["pattern"], "sources pattern") : "";
            const bool recursive =
                entry["recursive"] ? r.flag(entry["recursive"], "sources recursive") : true;
            auto found = find_clips(folder, pattern, recursive, output_folder);
            if (found.empty())
                r.fail(entry["folder"], fmt::format("sources folder {} holds no clips{}", folder,
                                                    pattern.empty() ? "" : " matching " + pattern));
            clips.insert(clips.end(), found.begin(), found.end());
        } else if (entry["pattern"] || entry["recursive"]) {
            r.fail(entry, "pattern and recursive go with folder:");
        } else if (entry["glob"]) {
            auto found = expand_glob(r, entry["glob"], output_folder);
            clips.insert(clips.end(), found.begin(), found.end());
        } else if (entry["file"]) {
            clips.push_back(r.existing_file(entry["file"], "sources file"));
        } else {
            if (!entry["files"].IsSequence())
                r.fail(entry["files"], "sources files must be a list");
            for (const auto& f : entry["files"])
                clips.push_back(r.existing_file(f, "sources file"));
        }
    }
}

}  // namespace

JobSpec load_job(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot read the job file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string content = buffer.str();
    // JSON allows tabs between tokens; YAML does not.
    if (const auto first = content.find_first_not_of(" \t\r\n");
        first != std::string::npos && content[first] == '{')
        std::replace(content.begin(), content.end(), '\t', ' ');
    JobReader r(path);
    YAML::Node root;
    try {
        root = YAML::Load(content);
    } catch (const YAML::Exception& e) {
        throw InputError(fmt::format("{}:{}: not valid YAML/JSON: {}", path,
                                     e.mark.is_null() ? 0 : e.mark.line + 1, e.msg));
    }
    if (!root.IsMap()) r.fail(root, "a job is a mapping (name, sources, outputs ...)");
    r.keys(root, "job", {"version", "name", "sources", "fps", "grade", "qc", "sync", "outputs"});
    if (const YAML::Node v = root["version"]; v && r.text(v, "version") != "1")
        r.fail(v, "unsupported job version (this cinepipe reads version 1)");
    JobSpec job;
    job.path = path;
    job.name = root["name"] ? r.text(root["name"], "name") : fs::path(path).stem().string();
    if (job.name.empty() || job.name.find_first_of("/\\") != std::string::npos ||
        job.name.front() == '.')
        r.fail(root["name"], "name must be a plain name (it names the report and manifest)");
    if (root["fps"]) job.fps = r.text(root["fps"], "fps");

    const YAML::Node outputs = root["outputs"];
    if (!outputs) r.fail(root, "a job needs outputs (folder, master and/or proxy)");
    r.keys(outputs, "outputs", {"folder", "master", "proxy", "thumbnails", "mhl"});
    if (!outputs["folder"]) r.fail(outputs, "outputs needs a folder");
    job.output_folder =
        r.resolve(r.expand(outputs["folder"], r.text(outputs["folder"], "outputs.folder")));
    {
        std::error_code ec;
        if (fs::exists(job.output_folder, ec) && !fs::is_directory(job.output_folder, ec))
            r.fail(outputs["folder"], job.output_folder + " exists and is not a folder");
    }
    if (outputs["master"])
        read_output(r, outputs["master"], "outputs.master", job.output_folder, "masters",
                    job.master);
    if (outputs["proxy"])
        read_output(r, outputs["proxy"], "outputs.proxy", job.output_folder, "proxies", job.proxy);
    if (outputs["thumbnails"]) job.thumbnails = r.flag(outputs["thumbnails"], "outputs.thumbnails");
    if (const YAML::Node m = outputs["mhl"]) {
        if (m.IsScalar()) {
            job.mhl = r.flag(m, "outputs.mhl");
        } else {
            r.keys(m, "outputs.mhl", {"md5"});
            if (m["md5"]) job.mhl_md5 = r.flag(m["md5"], "outputs.mhl.md5");
        }
    }
    if (!job.master.enabled && !job.proxy.enabled && !root["qc"] && !job.thumbnails)
        r.fail(outputs,
               "outputs makes nothing: give a master, a proxy, thumbnails or a qc section");

    if (const YAML::Node g = root["grade"]) read_grade(r, g, job.grade);
    if (const YAML::Node q = root["qc"]) {
        if (q.IsScalar()) {
            job.qc_profile = r.text(q, "qc");
        } else {
            r.keys(q, "qc", {"profile", "html"});
            job.qc_profile = q["profile"] ? r.text(q["profile"], "qc.profile") : "dailies";
            if (q["html"]) job.qc_html = r.flag(q["html"], "qc.html");
        }
        if (job.qc_profile.find('/') != std::string::npos || job.qc_profile.ends_with(".yaml") ||
            job.qc_profile.ends_with(".json"))
            job.qc_profile = r.existing_file(q.IsScalar() ? q : q["profile"], "qc.profile");
    }
    if (const YAML::Node s = root["sync"]) {
        if (s.IsScalar()) {
            job.sound_rolls = r.existing_folder(s, "sync");
        } else {
            r.keys(s, "sync", {"sound_rolls", "keep_scratch"});
            if (!s["sound_rolls"]) r.fail(s, "sync needs sound_rolls (a folder of recordings)");
            job.sound_rolls = r.existing_folder(s["sound_rolls"], "sync.sound_rolls");
            if (s["keep_scratch"])
                job.keep_scratch = r.flag(s["keep_scratch"], "sync.keep_scratch");
        }
    }

    const YAML::Node sources = root["sources"];
    if (!sources) r.fail(root, "a job needs sources (folders, globs or files of clips)");
    read_sources(r, sources, job.output_folder, job.clips);
    for (auto& c : job.clips) c = fs::path(c).lexically_normal().string();
    std::sort(job.clips.begin(), job.clips.end());
    job.clips.erase(std::unique(job.clips.begin(), job.clips.end()), job.clips.end());
    return job;
}

}  // namespace cinepipe
