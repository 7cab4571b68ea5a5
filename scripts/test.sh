#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test with ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${CINEPIPE_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${CINEPIPE_JOBS:-$(nproc)}" "$@"
# The suite above already runs every fuzz target (label fuzz: seeds plus seeded mutations,
# fuzz/replay_main.cpp). With CINEPIPE_CI_SANITIZE=1, then the clang ASan+UBSan build, its unit
# tests and coverage-guided libFuzzer smoke runs (scripts/sanitize.sh asan). Off by default:
# from scratch it adds ~29 min on the 2-core CI machine (docs/TESTING.md), which would take the
# suite from minutes to most of an hour.
if [ "${CINEPIPE_CI_SANITIZE:-0}" = 1 ]; then
  "$root/scripts/sanitize.sh" asan
fi
