#include "batch_manifest.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cinepipe/error.h"

namespace cinepipe::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string iso(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json parsed_or_null(const std::string& text) {
    try {
        return json::parse(text);
    } catch (const json::exception&) {
        return nullptr;
    }
}

}  // namespace

std::string utc_now_iso() {
    return iso(std::time(nullptr));
}

std::string file_time_iso(const std::string& path) {
    std::error_code ec;
    const auto t = fs::last_write_time(path, ec);
    if (ec) return {};
    const auto sys = std::chrono::file_clock::to_sys(t);
    return iso(std::chrono::system_clock::to_time_t(sys));
}

std::string record_path(const std::string& state_dir, const std::string& key) {
    return (fs::path(state_dir) / "clips" / (key + ".json")).string();
}

std::string record_to_json(const ClipRecord& r) {
    json j;
    j["schema"] = "cinepipe.batch-clip/1";
    j["clip"] = r.clip;
    j["key"] = r.key;
    j["index"] = r.index;
    j["status"] = r.status;
    j["message"] = r.message;
    j["fingerprint"] = r.fingerprint;
    j["host"] = r.host;
    j["finished"] = r.finished;
    j["seconds"] = r.seconds;
    j["frames"] = r.frames;
    json outs = json::array();
    for (const auto& o : r.outputs) {
        json out{{"path", o.path}, {"size", o.size}, {"modified", o.modified}, {"xxh64", o.xxh64}};
        if (!o.md5.empty()) out["md5"] = o.md5;
        outs.push_back(out);
    }
    j["outputs"] = outs;
    j["warnings"] = r.warnings;
    j["grade"] = parsed_or_null(r.grade_json);
    j["sync"] = parsed_or_null(r.sync_json);
    j["qc"] = parsed_or_null(r.qc_json);
    return j.dump(2) + "\n";
}

ClipRecord record_from_json(const std::string& text, const std::string& where) {
    try {
        const json j = json::parse(text);
        if (j.value("schema", "") != "cinepipe.batch-clip/1")
            throw InputError(where + ": not a cinepipe batch record");
        ClipRecord r;
        r.clip = j.at("clip").get<std::string>();
        r.key = j.at("key").get<std::string>();
        r.index = j.at("index").get<int>();
        r.status = j.at("status").get<std::string>();
        r.message = j.value("message", "");
        r.fingerprint = j.value("fingerprint", "");
        r.host = j.value("host", "");
        r.finished = j.value("finished", "");
        r.seconds = j.value("seconds", 0.0);
        r.frames = j.value("frames", std::int64_t{0});
        for (const auto& o : j.at("outputs"))
            r.outputs.push_back({o.at("path").get<std::string>(), o.at("size").get<std::int64_t>(),
                                 o.value("modified", ""), o.value("xxh64", ""),
                                 o.value("md5", "")});
        r.warnings = j.value("warnings", std::vector<std::string>{});
        r.grade_json = j.value("grade", json(nullptr)).dump();
        r.sync_json = j.value("sync", json(nullptr)).dump();
        r.qc_json = j.value("qc", json(nullptr)).dump();
        return r;
    } catch (const json::exception& e) {
        throw InputError(fmt::format("{}: damaged batch record ({})", where, e.what()));
    }
}

void write_record(const std::string& state_dir, const ClipRecord& record) {
    const fs::path final_path = record_path(state_dir, record.key);
    std::error_code ec;
    fs::create_directories(final_path.parent_path(), ec);
    if (ec)
        throw OutputError(fmt::format("{}: cannot create the batch state folder: {}",
                                      final_path.parent_path().string(), ec.message()));
    // Temporary name, flushed to disk, then renamed: after a crash a record is whole or absent.
    const fs::path temp = final_path.parent_path() /
                          fmt::format(".{}.tmp-{}", final_path.filename().string(), ::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << record_to_json(record);
        out.flush();
        if (!out) throw OutputError(temp.string() + ": cannot write the batch record");
    }
    if (FILE* f = std::fopen(temp.c_str(), "rb")) {
        ::fsync(fileno(f));
        std::fclose(f);
    }
    fs::rename(temp, final_path, ec);
    if (ec) {
        fs::remove(temp, ec);
        throw OutputError(final_path.string() + ": cannot write the batch record");
    }
}

std::optional<ClipRecord> read_record(const std::string& state_dir, const std::string& key) {
    const std::string path = record_path(state_dir, key);
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream s;
    s << in.rdbuf();
    return record_from_json(s.str(), path);
}

bool record_still_valid(const ClipRecord& record, const std::string& output_folder,
                        const std::string& fingerprint, std::string& why) {
    if (!record.delivered()) {
        why = "it failed last time";
        return false;
    }
    if (record.fingerprint != fingerprint) {
        why = "the clip or its settings changed";
        return false;
    }
    for (const auto& o : record.outputs) {
        const fs::path p = fs::path(output_folder) / o.path;
        std::error_code ec;
        const auto size = fs::file_size(p, ec);
        if (ec) {
            why = p.string() + " is missing";
            return false;
        }
        if (static_cast<std::int64_t>(size) != o.size) {
            why = fmt::format("{} is {} bytes, the record says {}", p.string(), size, o.size);
            return false;
        }
    }
    return true;
}

}  // namespace cinepipe::cli
