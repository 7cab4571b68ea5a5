#!/usr/bin/env bash
# cinepipe grade (33^3 .cube, tetrahedral) against the ffmpeg command a user would otherwise
# run (-vf lut3d, prores_ks HQ), in the same run: median wall time of N runs each, as a speed
# ratio (ffmpeg time / cinepipe time; >1: cinepipe faster) and peak memory.
#   benchmarks/compare_grade.sh [path/to/cinepipe] [runs]
set -euo pipefail
cinepipe="${1:-build/cli/cinepipe}"
runs="${2:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work/look.cube" <<'PY'
import math, sys
n = 33
with open(sys.argv[1], "w") as f:
    f.write("LUT_3D_SIZE %d\n" % n)
    for b in range(n):
        for g in range(n):
            for r in range(n):
                R, G, B = r / (n - 1), g / (n - 1), b / (n - 1)
                f.write("%.6f %.6f %.6f\n" % ((0.8 * R + 0.2 * G) ** 0.9, 0.1 * R + 0.8 * G + 0.1 * B,
                                              math.sqrt(0.3 * G + 0.7 * B)))
PY

# shellcheck source=measure.sh
source "$(dirname "${BASH_SOURCE[0]}")/measure.sh"

printf '%-34s %10s %10s %8s %12s %12s\n' case cinepipe_s ffmpeg_s ratio cinepipe_MB ffmpeg_MB
for spec in "1920x1080 5" "3840x2160 2"; do
  read -r size seconds <<<"$spec"
  "$cinepipe" samples "$work/src_$size" --size "$size" --duration "$seconds" -q >/dev/null
  src="$work/src_$size/A001C001_prores_hq.mov"
  read -r ct cm < <(measure "$cinepipe" grade -q "$src" -o "$work/c.mov" --codec prores_hq \
    --lut "$work/look.cube" --overwrite)
  read -r ft fm < <(measure ffmpeg -v error -y -i "$src" -vf "lut3d=file=$work/look.cube:interp=tetrahedral" \
    -c:v prores_ks -profile:v 3 -vendor apl0 -pix_fmt yuv422p10le -c:a pcm_s24le "$work/f.mov")
  printf '%-34s %10.2f %10.2f %8.2f %12d %12d\n' "grade 33^3 cube -> prores_hq $size" "$ct" "$ft" \
    "$(echo "$ft / $ct" | bc -l)" $((cm / 1024)) $((fm / 1024))
done
