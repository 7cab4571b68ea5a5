#pragma once
// --stats: the table (or JSON) of where a command's time went, printed on stderr so that what
// the command prints on stdout stays exactly as it is without the flag.

#include <cstdint>
#include <string>

#include "cinepipe/run_stats.h"

namespace cinepipe::cli {

// This process's peak resident set size in bytes (getrusage), or 0 if it cannot be read.
std::int64_t peak_rss_bytes();

// "text": a table with, per stage, frames, busy seconds, ms per frame, frames/s of that stage
// alone, MB/s where bytes were counted, and its share of the summed busy time; then the wall
// time, frames/s overall, threads and peak RSS. "json": the same as one cinepipe.stats/1
// object on one line.
std::string format_stats(const std::string& command, const RunStats& stats, std::int64_t peak_rss,
                         const std::string& mode);

}  // namespace cinepipe::cli
