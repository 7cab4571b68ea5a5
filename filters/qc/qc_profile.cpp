// QC profiles: YAML or JSON naming checks and their parameters, checked against the checks'
// own schemas with the file's line in every message.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "cinepipe/error.h"
#include "cinepipe/qc.h"
#include "qc_check.h"

namespace cinepipe {

namespace {

const std::vector<std::pair<std::string, std::string>>& builtin() {
    static const std::vector<std::pair<std::string, std::string>> profiles = {
#include "builtin_qc_profiles.inc"
    };
    return profiles;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

QcProfile parse_profile(const std::string& text, const std::string& origin,
                        const std::string& where) {
    const auto fail = [&](const YAML::Node& at, const std::string& what) -> void {
        const int line = at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
        throw InputError(line > 0 ? fmt::format("{}:{}: {}", where, line, what)
                                  : fmt::format("{}: {}", where, what));
    };
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw InputError(fmt::format("{}:{}: not a valid profile: {}", where, e.mark.line + 1, e.msg));
    }
    if (!root.IsMap()) fail(root, "a QC profile is a mapping with 'name', 'description' and 'checks'");
    QcProfile p;
    p.origin = origin;
    for (const auto& kv : root) {
        const std::string key = kv.first.as<std::string>();
        if (key == "name" || key == "description") {
            if (!kv.second.IsScalar()) fail(kv.second, "'" + key + "' must be text");
            (key == "name" ? p.name : p.description) = kv.second.as<std::string>();
        } else if (key == "checks") {
            if (!kv.second.IsMap()) fail(kv.second, "'checks' must map check names to settings");
            for (const auto& check : kv.second) {
                const std::string name = check.first.as<std::string>();
                const qc::CheckInfo* info = qc::find_check(name);
                if (!info) {
                    std::vector<std::string> names;
                    for (const auto& c : qc::all_checks()) names.push_back(c.name);
                    fail(check.first, fmt::format("unknown check '{}' (checks: {})", name, join(names)));
                }
                if (check.second.IsNull()) continue;
                if (!check.second.IsMap())
                    fail(check.second, fmt::format("check '{}': settings must be a mapping", name));
                std::vector<ParamSpec> schema = info->params;
                schema.push_back(qc::severity_param(info->default_severity));
                for (const auto& param : check.second) {
                    const std::string pname = param.first.as<std::string>();
                    const auto spec = std::find_if(schema.begin(), schema.end(),
                                                   [&](const ParamSpec& s) { return s.name == pname; });
                    if (spec == schema.end()) {
                        std::vector<std::string> names;
                        for (const auto& s : schema) names.push_back(s.name);
                        fail(param.first, fmt::format("check '{}': unknown parameter '{}' (allowed: {})",
                                                      name, pname, join(names)));
                    }
                    if (!param.second.IsScalar())
                        fail(param.second, fmt::format("check '{}': '{}' must be a single value", name, pname));
                    const RawValue raw{param.second.as<std::string>(), param.second.Tag() == "!"};
                    try {
                        (void)coerce(*spec, raw);
                    } catch (const std::invalid_argument& e) {
                        fail(param.second, fmt::format("check '{}': '{}' {}", name, pname, e.what()));
                    }
                    p.params[name + "." + pname] = raw;
                }
            }
        } else {
            fail(kv.first, fmt::format("unknown key '{}' (allowed: name, description, checks)", key));
        }
    }
    if (p.name.empty()) p.name = std::filesystem::path(where).stem().string();
    return p;
}

}  // namespace

std::vector<std::string> builtin_qc_profiles() {
    std::vector<std::string> names;
    for (const auto& [name, text] : builtin()) names.push_back(name);
    return names;
}

std::string builtin_qc_profile_text(const std::string& name) {
    for (const auto& [n, text] : builtin())
        if (n == name) return text;
    throw InputError(fmt::format("unknown built-in QC profile '{}' (built-in: {})", name,
                                 join(builtin_qc_profiles())));
}

QcProfile load_qc_profile(const std::string& name_or_path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(name_or_path, ec)) {
        for (const auto& [name, text] : builtin())
            if (name == name_or_path)
                return parse_profile(text, "built-in profile " + name, "built-in profile " + name);
        if (std::filesystem::exists(name_or_path, ec))
            throw InputError(name_or_path + ": is not a QC profile file");
        throw InputError(fmt::format("unknown QC profile '{}' (built-in: {}; or a .yaml/.json file)",
                                     name_or_path, join(builtin_qc_profiles())));
    }
    std::ifstream in(name_or_path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) throw InputError(name_or_path + ": cannot read the QC profile");
    return parse_profile(text.str(), name_or_path, name_or_path);
}

}  // namespace cinepipe
