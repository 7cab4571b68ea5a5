#!/usr/bin/env bash
# cinepipe qc (broadcast profile: every video check in one pass) against, in the same run,
# pure decoding (ffmpeg -i X -f null -) and the FFmpeg filter chain a QC operator would
# otherwise run (blackdetect, freezedetect, signalstats, blockdetect, idet). Median wall time
# of N runs; ratios are times relative to cinepipe (>1: cinepipe faster).
#   benchmarks/compare_qc.sh [path/to/cinepipe] [runs]
set -euo pipefail
cinepipe="${1:-build/cli/cinepipe}"
runs="${2:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=measure.sh
source "$(dirname "${BASH_SOURCE[0]}")/measure.sh"

# cinepipe's fixed start-up (before issue 9 mostly OpenImageIO's ~260 shared libraries, which
# only image-sequence jobs load now) is measured apart, so the per-frame cost can be compared.
read -r st _ < <(measure "$cinepipe" --version)
printf 'cinepipe start-up: %.2f s\n' "$st"
printf '%-28s %10s %10s %10s %12s %14s %12s %10s %10s\n' case qc_s decode_s chain_s \
  qc/decode qc/decode_net chain/qc qc_MB chain_MB
for spec in "1920x1080 30"; do
  read -r size seconds <<<"$spec"
  "$cinepipe" samples "$work/src" --size "$size" --duration "$seconds" -q >/dev/null
  src="$work/src/A001C001_prores_hq.mov"
  # Exit 1 is a QC verdict (the sample's slate is a freeze for broadcast), not a failure.
  read -r qt qm < <(measure sh -c '"$0" qc -q "$1" --profile broadcast --json "$2" --overwrite; [ $? -le 1 ]' \
    "$cinepipe" "$src" "$work/r.json")
  read -r dt _ < <(measure ffmpeg -v error -i "$src" -map 0:v -f null -)
  read -r ct cm < <(measure ffmpeg -v error -i "$src" -map 0:v \
    -vf "blackdetect=d=0.5,freezedetect=d=0.2,signalstats,blockdetect,idet" -f null -)
  printf '%-28s %10.2f %10.2f %10.2f %12.2f %14.2f %12.2f %10d %10d\n' "qc prores_hq $size ${seconds}s" \
    "$qt" "$dt" "$ct" "$(echo "$dt / $qt" | bc -l)" "$(echo "$dt / ($qt - $st)" | bc -l)" \
    "$(echo "$ct / $qt" | bc -l)" $((qm / 1024)) $((cm / 1024))
done
