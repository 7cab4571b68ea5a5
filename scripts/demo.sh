#!/usr/bin/env bash
# The main job on generated sample dailies: install what is missing, build, write the
# sample dailies, probe each one and transcode each to a ProRes 422 HQ master, then render
# two sample filter graphs (master + proxy fan-out; a look from the example plugins).
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

# Filter graphs: one decode feeding a master, a proxy and luma stats; then a look made of the
# example plugins. The sample graphs name out/dailies and out/render; --set points them here.
mkdir -p "$out/render"
clip="$out/dailies/A001C001_prores_hq.mov"
echo
echo "== render samples/graphs/master_proxy.yaml (decoded once: master + 640x360 proxy + stats)"
"$cinepipe" render "$root/samples/graphs/master_proxy.yaml" --overwrite \
  --set src.path="$clip" --set master.path="$out/render/A001C001_master.mov" \
  --set proxy_scale.width=640 --set proxy_scale.height=360 \
  --set proxy.path="$out/render/A001C001_proxy.mp4" \
  --set levels.path="$out/render/A001C001_stats.json"
echo "== render samples/graphs/plugin_look.yaml (vignette and grain example plugins)"
"$cinepipe" render "$root/samples/graphs/plugin_look.yaml" --overwrite \
  --plugin-path "${CINEPIPE_BUILD_DIR:-$root/build}/plugins" \
  --set src.path="$clip" --set master.path="$out/render/A001C001_look.mov"
echo
# QC every daily with the dailies profile (slates and sync flashes are expected there); a
# failing clip is reported, not fatal to the demo.
mkdir -p "$out/qc"
for src in "$out"/dailies/*.mov "$out"/dailies/*.mxf "$out"/dailies/*.mp4 "$out"/dailies/*.mkv; do
  name="$(basename "${src%.*}")"
  echo "== qc $src (profile dailies) -> $out/qc/$name.json"
  "$cinepipe" qc -q "$src" --profile dailies --json "$out/qc/$name.json" --overwrite || true
done
# Lip-sync of every daily from its slate's beep/flash, against EBU R37's window.
mkdir -p "$out/sync"
for src in "$out"/dailies/*.mov "$out"/dailies/*.mxf "$out"/dailies/*.mp4 "$out"/dailies/*.mkv; do
  name="$(basename "${src%.*}")"
  "$cinepipe" sync "$src" --json "$out/sync/$name.json" --overwrite || true
done
# Review proxies of every movie daily: H.264 inside 1280x720 with timecode, clip name and frame
# burn-ins, a poster frame and a contact sheet each, decoded once per clip.
mkdir -p "$out/proxies"
echo "== proxy -> $out/proxies (review-720, burn-ins, thumbnails)"
"$cinepipe" proxy -q "$out"/dailies/*.mov "$out"/dailies/*.mxf "$out"/dailies/*.mp4 \
  "$out"/dailies/*.mkv -o "$out/proxies" --preset review-720 \
  --burnin "timecode,clip,frame,text=FOR REVIEW ONLY" --thumbnails --overwrite
# The shoot day as one batch job: per-shot CDLs from samples/grades/day01.ccc, the show LUT,
# QC, ProRes masters, review proxies, thumbnails, a report and an ASC MHL, two clips at a time.
echo "== batch samples/jobs/shoot_day.yaml -> $out/batch"
CINEPIPE_OUT="$out" "$cinepipe" batch "$root/samples/jobs/shoot_day.yaml" -j 2 --overwrite \
  || echo "(batch exit $?: see $out/batch/day01_report.html)"
"$cinepipe" verify "$out/batch"
echo "demo: done; masters in $out/masters, graph renders in $out/render, QC reports in $out/qc, sync in $out/sync, proxies in $out/proxies, the batch in $out/batch"
