#pragma once
// The batch manifest: one record per clip, written atomically into the job's state folder
// (OUTPUT/.cinepipe/JOB/clips/KEY.json) when the clip is finished, with every output's size
// and hashes. One file per clip, so parallel workers and Slurm tasks on other machines never
// write the same file; `--resume` trusts a record only while its outputs still exist with
// the recorded sizes and the clip's settings are unchanged.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cinepipe::cli {

struct OutputRecord {
    std::string path;  // relative to the job's output folder
    std::int64_t size = 0;
    std::string modified;  // ISO 8601, UTC
    std::string xxh64;
    std::string md5;  // with outputs.mhl.md5
};

struct ClipRecord {
    std::string clip;  // the source, absolute
    std::string key;
    int index = 0;
    // "done", "qc_failed" (delivered, but QC found errors) or "failed" (nothing delivered).
    std::string status;
    std::string message;
    std::string fingerprint;  // of the source (size, time) and everything that made the outputs
    std::string host;
    std::string finished;  // ISO 8601, UTC
    double seconds = 0;
    std::int64_t frames = 0;
    std::vector<OutputRecord> outputs;
    std::vector<std::string> warnings;
    // What made the outputs, for the report: free-form JSON text for grade, sync and qc.
    std::string grade_json = "null", sync_json = "null", qc_json = "null";
    [[nodiscard]] bool delivered() const { return status == "done" || status == "qc_failed"; }
};

std::string record_path(const std::string& state_dir, const std::string& key);
void write_record(const std::string& state_dir, const ClipRecord& record);  // atomic
std::optional<ClipRecord> read_record(const std::string& state_dir, const std::string& key);

// True when the record says the clip was delivered with `fingerprint` and each output is
// still there at its recorded size; otherwise `why` says what is missing or changed.
bool record_still_valid(const ClipRecord& record, const std::string& output_folder,
                        const std::string& fingerprint, std::string& why);

std::string record_to_json(const ClipRecord& record);
ClipRecord record_from_json(const std::string& text, const std::string& where);

std::string utc_now_iso();
std::string file_time_iso(const std::string& path);

}  // namespace cinepipe::cli
