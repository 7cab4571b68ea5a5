#!/usr/bin/env bash
# cinepipe batch (show LUT, ProRes 422 HQ master + review-1080 H.264 proxy with a timecode
# burn-in, xxh64 of every output, two clips at a time) against what a user would otherwise
# script: one ffmpeg per clip decoding once into both outputs (lut3d, split, scale, drawtext),
# two clips at a time with xargs -P 2, then xxhsum over the outputs. Same run, median of N:
# ratio = ffmpeg time / cinepipe time (>1: cinepipe faster), and peak memory of one process.
#   benchmarks/compare_batch.sh [path/to/cinepipe] [runs] [clips] [seconds]
set -euo pipefail
cinepipe="$(realpath "${1:-build/cli/cinepipe}")"
runs="${2:-3}"
clips="${3:-6}"
seconds="${4:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=measure.sh
source "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
lut="$root/samples/luts/show_look.cube"
font=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf

mkdir -p "$work/cards"
for i in $(seq "$clips"); do
  ffmpeg -v error -f lavfi -i "testsrc2=size=1920x1080:rate=24:duration=$seconds" \
    -f lavfi -i "sine=frequency=$((200 + 50 * i)):sample_rate=48000:duration=$seconds" \
    -c:v prores_ks -profile:v 3 -pix_fmt yuv422p10le -c:a pcm_s24le -timecode "1$i:00:00:00" \
    "$work/cards/A001C00${i}_bench.mov"
done
cat >"$work/job.yaml" <<JOB
name: bench
sources: [cards]
grade: {lut: $lut}
outputs:
  folder: out
  master: {preset: prores-422-hq}
  proxy: {preset: review-1080, burnin: timecode}
JOB
cat >"$work/ffmpeg_clip.sh" <<SH
#!/usr/bin/env bash
set -e
clip="\$1"; name="\$(basename "\${clip%.*}")"; tc="\$(ffprobe -v error -show_entries format_tags=timecode:stream_tags=timecode -of default=nw=1:nk=1 "\$clip" | head -1)"
ffmpeg -v error -y -i "\$clip" -filter_complex "[0:v]lut3d=file=$lut:interp=tetrahedral,split[m][p];[p]scale=1920:1080:force_original_aspect_ratio=decrease,drawtext=fontfile=$font:timecode='\${tc//:/\\\\:}':rate=24:fontsize=48:fontcolor=white:box=1:boxcolor=black@0.6:x=w-tw-32:y=32,format=yuv420p[pp]" \
  -map "[m]" -map 0:a -c:v prores_ks -profile:v 3 -vendor apl0 -pix_fmt yuv422p10le -c:a pcm_s24le "$work/ff/masters/\$name.mov" \
  -map "[pp]" -map 0:a -c:v libx264 -crf 18 -preset medium -c:a aac -ac 2 -b:a 192k -movflags +faststart "$work/ff/proxies/\$name.mp4"
SH
chmod +x "$work/ffmpeg_clip.sh"
ffmpeg_batch() {
  rm -rf "$work/ff" && mkdir -p "$work/ff/masters" "$work/ff/proxies"
  find "$work/cards" -name '*.mov' -print0 | xargs -0 -n 1 -P 2 "$work/ffmpeg_clip.sh"
  xxhsum -H1 "$work"/ff/masters/* "$work"/ff/proxies/* >"$work/ff/hashes.txt"
}
export -f ffmpeg_batch
export work

printf '%-52s %10s %10s %8s %12s %12s\n' case cinepipe_s ffmpeg_s ratio cinepipe_MB ffmpeg_MB
cd "$work"
read -r ct cm < <(measure "$cinepipe" batch "$work/job.yaml" -j 2 --overwrite --progress none)
read -r ft fm < <(measure bash -c ffmpeg_batch)
printf '%-52s %10.2f %10.2f %8.2f %12d %12d\n' "batch of $clips x ${seconds}s 1080p: LUT, master+proxy, -j 2" \
  "$ct" "$ft" "$(echo "$ft / $ct" | bc -l)" $((cm / 1024)) $((fm / 1024))
