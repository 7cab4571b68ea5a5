#!/usr/bin/env bash
# The main job on generated sample dailies: install what is missing, build, write the
# sample dailies, probe each one and transcode each to a ProRes 422 HQ master.
# Results land in out/ (override with CINEPIPE_OUT).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cinepipe="${CINEPIPE_BUILD_DIR:-$root/build}/cli/cinepipe"
out="${CINEPIPE_OUT:-$root/out}"
mkdir -p "$out/masters"

echo "== writing sample dailies to $out/dailies"
"$cinepipe" samples "$out/dailies" --overwrite | tee "$out/dailies.txt"

while IFS= read -r line; do
  src="${line%%  (*}"
  echo
  echo "== probe $src"
  "$cinepipe" probe "$src"
  name="$(basename "$src")"
  name="${name%%.*}"
  echo "== transcode to $out/masters/${name}_prores_hq.mov"
  "$cinepipe" transcode "$src" -o "$out/masters/${name}_prores_hq.mov" --codec prores_hq --overwrite
done < "$out/dailies.txt"
echo
echo "demo: done; masters in $out/masters"
