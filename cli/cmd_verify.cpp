// `cinepipe verify`: re-hash the files an ASC MHL history lists and check the history's own
// chain, after a copy or before a delivery leaves (docs/mhl.md).

#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "cinepipe/mhl.h"
#include "cinepipe/output_file.h"
#include "cli_common.h"

namespace cinepipe::cli {

namespace {

struct VerifyArgs {
    std::string path;
    std::string json;
    bool overwrite = false;
};

void print(const std::string& line) {
    std::printf("%s\n", line.c_str());
}

std::string failure_line(const MhlCheck& c) {
    if (c.status == "missing") return "MISSING " + c.path;
    if (c.status == "unreadable") return fmt::format("UNREADABLE {}: {}", c.path, c.actual);
    if (c.algorithm == "size")
        return fmt::format("MISMATCH {}: expected size {} bytes, got {}", c.path, c.expected,
                           c.actual);
    return fmt::format("MISMATCH {}: expected {} {}, got {}", c.path, c.algorithm, c.expected,
                       c.actual);
}

nlohmann::ordered_json to_json(const MhlVerifyResult& r) {
    nlohmann::ordered_json j;
    j["schema"] = "cinepipe.verify/1";
    j["mhl"] = r.mhl;
    j["root"] = r.root;
    j["generations"] = r.generations;
    j["ok"] = r.ok();
    j["chain_ok"] = r.chain_ok;
    j["problems"] = r.problems;
    j["files"] = nlohmann::ordered_json::array();
    std::size_t fresh = 0;
    for (const auto& c : r.checks) {
        nlohmann::ordered_json f;
        f["path"] = c.path;
        f["status"] = c.status;
        if (c.status == "new") {
            ++fresh;
        } else {
            f["algorithm"] = c.algorithm;
            f["expected"] = c.expected;
            f["actual"] = c.actual;
            f["generation"] = c.generation;
        }
        j["files"].push_back(std::move(f));
    }
    j["summary"] = {{"checked", r.checked()}, {"failed", r.failed()}, {"new", fresh}};
    return j;
}

}  // namespace

Runner add_verify(CLI::App& app, GlobalOptions& global) {
    auto a = std::make_shared<VerifyArgs>();
    app.add_option("MHL", a->path, "The root folder, its ascmhl folder, or one .mhl file")
        ->required();
    app.add_option("--json", a->json, "Also write the results as JSON (cinepipe.verify/1)");
    app.add_flag("--overwrite", a->overwrite, "Replace an existing --json file");
    return [a, &global] {
        // Opened first: an unwritable report is refused before hours of hashing.
        std::optional<TextOutput> out;
        if (!a->json.empty()) out.emplace(a->json, a->overwrite);
        const MhlVerifyResult r = verify_mhl(a->path, true, &interrupt_token());
        global.measured.merge(r.stats);

        for (const auto& p : r.problems) print("PROBLEM " + p);
        std::size_t fresh = 0;
        for (const auto& c : r.checks) {
            if (c.status == "new") {
                ++fresh;
                if (!global.quiet) print("NEW " + c.path);
            } else if (c.status != "ok") {
                print(failure_line(c));
            }
        }
        print(fmt::format("{} files verified, {} failed", r.checked(), r.failed()));
        if (!r.problems.empty())
            print(fmt::format("{} problem(s) with the history; chain {}", r.problems.size(),
                              r.chain_ok ? "intact" : "BROKEN"));
        if (fresh > 0 && !global.quiet)
            print(fmt::format("{} file(s) under {} are in no generation", fresh, r.root));

        if (out) {
            out->write(to_json(r).dump(2) + "\n");
            out->commit();
        }
        return r.ok() ? static_cast<int>(kOk) : static_cast<int>(kChecksFailed);
    };
}

}  // namespace cinepipe::cli
