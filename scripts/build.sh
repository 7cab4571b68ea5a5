#!/usr/bin/env bash
# Configures and builds cinepipe (engine, CLI, tests) into build/. Re-runs are incremental.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CINEPIPE_BUILD_DIR:-$root/build}"
jobs="${CINEPIPE_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build" -j "$jobs"
