#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test with ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${CINEPIPE_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${CINEPIPE_JOBS:-$(nproc)}" "$@"
