#!/usr/bin/env bash
# cinepipe proxy (review-1080 preset: fit, timecode/clip/frame burn-ins, x264 CRF 18 medium,
# AAC stereo, fast start) against the ffmpeg command a user would otherwise run (scale,
# drawtext with a running timecode and the clip name, the same x264 and AAC settings), in the
# same run: median wall time of N runs each, as a speed ratio (ffmpeg time / cinepipe time;
# >1: cinepipe faster) and peak memory. Also: proxy plus a ProRes HQ master from one decode,
# against two ffmpeg commands.
#   benchmarks/compare_proxy.sh [path/to/cinepipe] [runs]
set -euo pipefail
cinepipe="${1:-build/cli/cinepipe}"
runs="${2:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=measure.sh
source "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
font=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf

printf '%-40s %10s %10s %8s %12s %12s\n' case cinepipe_s ffmpeg_s ratio cinepipe_MB ffmpeg_MB
for spec in "3840x2160 2" "1920x1080 5"; do
  read -r size seconds <<<"$spec"
  "$cinepipe" samples "$work/src_$size" --size "$size" --duration "$seconds" -q >/dev/null
  src="$work/src_$size/A001C001_prores_hq.mov"
  mkdir -p "$work/out"
  read -r ct cm < <(measure "$cinepipe" proxy -q "$src" -o "$work/out" --preset review-1080 \
    --burnin timecode,clip,frame --overwrite)
  draw="drawtext=fontfile=$font:timecode='01\:00\:00\:00':rate=24:fontsize=48:fontcolor=white:box=1:boxcolor=black@0.6:x=w-tw-32:y=32,drawtext=fontfile=$font:text='A001C001':fontsize=48:fontcolor=white:box=1:boxcolor=black@0.6:x=32:y=32,drawtext=fontfile=$font:text='%{frame_num}':fontsize=48:fontcolor=white:box=1:boxcolor=black@0.6:x=w-tw-32:y=h-th-32"
  read -r ft fm < <(measure ffmpeg -v error -y -i "$src" -vf "scale=1920:1080:force_original_aspect_ratio=decrease,$draw,format=yuv420p" \
    -c:v libx264 -crf 18 -preset medium -c:a aac -ac 2 -b:a 192k -movflags +faststart "$work/f.mp4")
  printf '%-40s %10.2f %10.2f %8.2f %12d %12d\n' "proxy review-1080 + burn-ins from $size" "$ct" "$ft" \
    "$(echo "$ft / $ct" | bc -l)" $((cm / 1024)) $((fm / 1024))
  read -r ct cm < <(measure "$cinepipe" proxy -q "$src" -o "$work/out" --preset review-1080 \
    --burnin timecode,clip,frame --master prores-422-hq --overwrite)
  read -r ft fm < <(measure bash -c "ffmpeg -v error -y -i '$src' -c:v prores_ks -profile:v 3 -vendor apl0 -pix_fmt yuv422p10le -c:a pcm_s24le '$work/m.mov' && ffmpeg -v error -y -i '$src' -vf \"scale=1920:1080:force_original_aspect_ratio=decrease,$draw,format=yuv420p\" -c:v libx264 -crf 18 -preset medium -c:a aac -ac 2 -b:a 192k -movflags +faststart '$work/f.mp4'")
  printf '%-40s %10.2f %10.2f %8.2f %12d %12d\n' "proxy + ProRes HQ master from $size" "$ct" "$ft" \
    "$(echo "$ft / $ct" | bc -l)" $((cm / 1024)) $((fm / 1024))
done
