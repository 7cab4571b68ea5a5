#!/usr/bin/env bash
# cinepipe transcode against the ffmpeg command a user would otherwise run for the same
# output, in the same run: median of N runs each, as a speed ratio (ffmpeg time / cinepipe
# time, >1 means cinepipe is faster) and peak memory.
#   benchmarks/compare_ffmpeg.sh [path/to/cinepipe] [runs]
set -euo pipefail
cinepipe="${1:-build/cli/cinepipe}"
runs="${2:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "source: 1920x1080 ProRes 422 HQ, 24 fps, 5 s, 24-bit stereo (cinepipe test pattern)"
"$cinepipe" samples "$work/src" --size 1920x1080 --duration 5 -q >/dev/null
src="$work/src/A001C001_prores_hq.mov"

# shellcheck source=measure.sh
source "$(dirname "${BASH_SOURCE[0]}")/measure.sh"

printf '%-28s %10s %10s %8s %12s %12s\n' case cinepipe_s ffmpeg_s ratio cinepipe_MB ffmpeg_MB
compare() {
  local name="$1" codec="$2" ext="$3"; shift 3
  read -r ct cm < <(measure "$cinepipe" transcode -q "$src" -o "$work/c.$ext" --codec "$codec" --overwrite)
  read -r ft fm < <(measure ffmpeg -v error -y -i "$src" "$@" "$work/f.$ext")
  printf '%-28s %10.2f %10.2f %8.2f %12d %12d\n' "$name" "$ct" "$ft" "$(echo "$ft / $ct" | bc -l)" \
    $((cm / 1024)) $((fm / 1024))
}
compare "prores_hq -> prores_hq" prores_hq mov -c:v prores_ks -profile:v 3 -vendor apl0 -pix_fmt yuv422p10le -c:a pcm_s24le
compare "prores_hq -> dnxhr_hqx mxf" dnxhr_hqx mxf -c:v dnxhd -profile:v dnxhr_hqx -pix_fmt yuv422p10le -c:a pcm_s24le
compare "prores_hq -> ffv1 mkv" ffv1 mkv -c:v ffv1 -level 3 -slices 16 -slicecrc 1 -g 1 -c:a pcm_s24le
compare "prores_hq -> h264 mp4" h264 mp4 -c:v libx264 -crf 18 -preset medium -pix_fmt yuv420p -c:a aac -b:a 192k

# A graph: one decode fanning out to a ProRes HQ master and a 1280x720 H.264 proxy, against
# the single ffmpeg command that does the same (split, decoded once too).
cat >"$work/fanout.yaml" <<YAML
nodes:
  - {id: src, type: source, params: {path: "$src"}}
  - {id: master, type: writer, input: src, params: {path: "$work/gm.mov", codec: prores_hq, overwrite: true}}
  - {id: small, type: scale, input: src, params: {width: 1280, height: 720, filter: lanczos}}
  - {id: proxy, type: writer, input: small, params: {path: "$work/gp.mp4", codec: h264, overwrite: true}}
YAML
read -r ct cm < <(measure "$cinepipe" render -q "$work/fanout.yaml")
read -r ft fm < <(measure ffmpeg -v error -y -i "$src" -filter_complex \
  "[0:v]split=2[m][p];[p]scale=1280:720:flags=lanczos+accurate_rnd+full_chroma_int,format=yuv420p[pv]" \
  -map "[m]" -map 0:a -c:v prores_ks -profile:v 3 -vendor apl0 -pix_fmt yuv422p10le -c:a pcm_s24le "$work/fm.mov" \
  -map "[pv]" -map 0:a -c:v libx264 -crf 18 -preset medium -c:a aac -b:a 192k "$work/fp.mp4")
printf '%-28s %10.2f %10.2f %8.2f %12d %12d\n' "graph: master + 720p proxy" "$ct" "$ft" \
  "$(echo "$ft / $ct" | bc -l)" $((cm / 1024)) $((fm / 1024))
