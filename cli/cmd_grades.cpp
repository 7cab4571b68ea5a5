// `cinepipe grades`: which correction each clip of a shoot day gets from a .ccc or ALE, and
// which clips get none, before a night's batch is started on them.

#include <fmt/format.h>

#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "cinepipe/error.h"
#include "cinepipe/grade_book.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/output_file.h"
#include "cli_common.h"

namespace cinepipe::cli {

namespace {

struct GradesArgs {
    std::string grades;
    std::vector<std::string> clips;
    std::string json;
    std::string rate = "24";
    bool overwrite = false;
};

struct ClipRow {
    std::string path;
    MediaInfo info;
    std::optional<GradeMatch> match;
    std::string error;  // the clip could not be read
};

nlohmann::json to_json(const ClipRow& row) {
    nlohmann::json j;
    j["path"] = row.path;
    if (!row.error.empty()) {
        j["error"] = row.error;
        return j;
    }
    j["clip_name"] = row.info.clip_name;
    j["reel"] = row.info.reel_name;
    if (!row.match) {
        j["grade"] = nullptr;
        return j;
    }
    const GradeMatch& m = *row.match;
    j["grade"] = {{"id", m.cdl.id},
                  {"matched_by", m.matched_by},
                  {"key", m.key},
                  {"ambiguous", m.ambiguous},
                  {"slope", m.cdl.slope},
                  {"offset", m.cdl.offset},
                  {"power", m.cdl.power},
                  {"sat", m.cdl.saturation}};
    if (m.line > 0) j["grade"]["line"] = m.line;
    return j;
}

}  // namespace

Runner add_grades(CLI::App& app, GlobalOptions& global) {
    auto a = std::make_shared<GradesArgs>();
    app.add_option("GRADES", a->grades, "The day's corrections: an ALE or a .ccc/.cc/.cdl")
        ->required();
    app.add_option("CLIPS", a->clips, "The clips (movies or image sequences)")->required();
    app.add_option("--json", a->json, "Also write the matches as JSON (cinepipe.grades/1)");
    app.add_option("--fps", a->rate, "Frame rate of image sequences without one");
    app.add_flag("--overwrite", a->overwrite, "Replace an existing --json file");
    return [a, &global] {
        std::optional<StageTimer> timer(phase(global, "read grades"));
        const GradeBook book = GradeBook::load(a->grades);
        timer.reset();
        // Opened first: an unwritable report is refused before any clip is read.
        std::optional<TextOutput> out;
        if (!a->json.empty()) out.emplace(a->json, a->overwrite);
        ReaderOptions ro;
        ro.sequence_rate = parse_rate(a->rate);
        std::vector<ClipRow> rows;
        for (const auto& clip : a->clips) {
            interrupt_token().throw_if_cancelled();
            ClipRow row;
            row.path = clip;
            try {
                const StageTimer probing(phase(global, "probe clips and match"));
                row.info = probe(clip, ro);
                row.match = book.match(clip, row.info);
            } catch (const InputError& e) {
                row.error = e.what();  // one bad clip is reported; the others are still matched
            }
            rows.push_back(std::move(row));
        }

        std::set<std::string> used;
        std::size_t unmatched = 0;
        std::size_t unreadable = 0;
        std::printf("%s\n", fmt::format("{:<40} {:<24} {}", "clip", "grade", "matched by").c_str());
        for (const auto& row : rows) {
            const std::string name = std::filesystem::path(row.path).filename().string();
            if (!row.error.empty()) {
                ++unreadable;
                std::printf("%s\n", fmt::format("{:<40} {:<24} {}", name, "UNREADABLE", row.error)
                                        .c_str());
            } else if (!row.match) {
                ++unmatched;
                std::printf("%s\n", fmt::format("{:<40} {:<24} clip '{}', reel '{}'", name,
                                                "NO GRADE", row.info.clip_name, row.info.reel_name)
                                        .c_str());
            } else {
                used.insert(row.match->cdl.id);
                std::printf("%s\n", fmt::format("{:<40} {:<24} {} '{}'{}", name, row.match->cdl.id,
                                                row.match->matched_by, row.match->key,
                                                row.match->ambiguous ? " (AMBIGUOUS: first used)"
                                                                     : "")
                                        .c_str());
            }
        }
        std::vector<std::string> unused;
        for (const auto& id : book.ids())
            if (used.count(id) == 0 &&
                std::find(unused.begin(), unused.end(), id) == unused.end())
                unused.push_back(id);

        std::printf("%s\n", fmt::format("{} of {} clips graded from {}", rows.size() - unmatched -
                                                                              unreadable,
                                        rows.size(), a->grades)
                                .c_str());
        if (unmatched > 0)
            std::printf("%s\n", fmt::format("{} clip(s) have no matching grade", unmatched).c_str());
        if (unreadable > 0)
            std::printf("%s\n", fmt::format("{} clip(s) could not be read", unreadable).c_str());
        if (!unused.empty() && !global.quiet) {
            std::string ids;
            for (const auto& id : unused) ids += (ids.empty() ? "" : ", ") + id;
            std::printf("%s\n", fmt::format("grades no clip used: {}", ids).c_str());
        }

        if (!a->json.empty()) {
            nlohmann::json j;
            j["schema"] = "cinepipe.grades/1";
            j["grades_file"] = a->grades;
            j["format"] = book.is_ale() ? "ale" : "cdl";
            j["clips"] = nlohmann::json::array();
            for (const auto& row : rows) j["clips"].push_back(to_json(row));
            j["unmatched"] = nlohmann::json::array();
            j["unreadable"] = nlohmann::json::array();
            for (const auto& row : rows) {
                if (!row.error.empty()) j["unreadable"].push_back(row.path);
                else if (!row.match) j["unmatched"].push_back(row.path);
            }
            j["unused_grades"] = unused;
            out->write(j.dump(2) + "\n");
            out->close();
            out->commit();
        }
        if (unreadable > 0) return static_cast<int>(kInputError);
        return unmatched > 0 ? static_cast<int>(kChecksFailed) : static_cast<int>(kOk);
    };
}

}  // namespace cinepipe::cli
