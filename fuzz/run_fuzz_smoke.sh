#!/bin/sh
# A short libFuzzer run for ctest: run_fuzz_smoke.sh FUZZER WORK_CORPUS SECONDS SEED_DIR...
# The fuzzer starts from the seeds and the corpus earlier runs grew (kept in WORK_CORPUS, in
# the build tree); a crash, leak, sanitizer report, timeout or uncaught exception fails the
# test and leaves the input in WORK_CORPUS.artifacts/ (re-run it: FUZZER FILE).
set -eu
fuzzer=$1 work=$2 seconds=$3
shift 3
mkdir -p "$work" "$work.artifacts"
exec "$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
  -artifact_prefix="$work.artifacts/" "$work" "$@"
