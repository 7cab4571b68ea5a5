#!/usr/bin/env bash
# End to end against FFmpeg, the issue-9 table: each case runs cinepipe and the FFmpeg command a
# user would otherwise run, ALTERNATELY (c f c f ...) so that a noisy neighbour hits both, and
# prints the median wall time of each, the speed ratio (ffmpeg / cinepipe: >1 means cinepipe
# is faster) and both peak RSS. Media is generated first (ProRes 422 HQ from ffmpeg's testsrc2,
# Rec.709 tags, timecode, 24-bit stereo).
#   benchmarks/e2e.sh [path/to/cinepipe] [runs] [--markdown]
# Cases: grade to a discarding sink (33^3 .cube), grade + ProRes HQ transcode (and the
# transcode alone, for the grade's own cost), QC (default profile) against pure decoding and
# the FFmpeg QC chain, a 4K -> 1080p H.264 proxy with LUT and timecode burn-in, cinepipe's
# scaling from 1 to 2 threads, and FFmpeg's own decoding's, for reference.
set -euo pipefail
cinepipe="$(realpath "${1:-build/cli/cinepipe}")"
runs="${2:-3}"
markdown="${3:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- media --------------------------------------------------------------------------------
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
# Camera-like ProRes 422 HQ: moving test pattern, Rec.709 tags, timecode, 24-bit stereo.
make_clip() {  # SIZE SECONDS OUT
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=$1:rate=24" \
    -f lavfi -i "sine=frequency=1000:sample_rate=48000" -f lavfi -i "anoisesrc=color=pink:amplitude=0.1" \
    -filter_complex "[1:a][2:a]amerge=inputs=2[a]" -map 0:v -map "[a]" -t "$2" \
    -c:v prores_ks -profile:v 3 -vendor apl0 -pix_fmt yuv422p10le \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv \
    -timecode 01:00:00:00 -c:a pcm_s24le "$3"
}
hd="$work/hd.mov"
uhd="$work/uhd.mov"
make_clip 1920x1080 10 "$hd"
make_clip 3840x2160 3 "$uhd"
# 40 s for the scaling rows: on the 10 s clip about 0.15 s of each run is start-up that no
# thread count shortens (loading libraries, probing the file, writing the report).
hd40="$work/hd40.mov"
make_clip 1920x1080 40 "$hd40"
lut="$work/look.cube"

# --- timing -------------------------------------------------------------------------------
# one CMD...: wall seconds and peak RSS (KB) of one run. Exit 1 is accepted (a QC verdict).
one() {
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
    local rc=$?
    if [ "$rc" -ne 1 ]; then echo "failed ($rc): $*" >&2; cat "$work/err" >&2; exit 1; fi
  }
  tail -n 1 "$work/t"  # time writes "Command exited with non-zero status" first
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# pair NAME -- CINEPIPE_CMD... -- FFMPEG_CMD...: alternate runs, print one table row.
rows=()
pair() {
  local name="$1"; shift; shift
  if skip "$name"; then return; fi
  local a=() b=()
  while [ "$1" != "--" ]; do a+=("$1"); shift; done; shift
  b=("$@")
  local at=() bt=() am=0 bm=0 t m
  for _ in $(seq "$runs"); do
    read -r t m < <(one "${a[@]}"); at+=("$t"); (( m > am )) && am=$m
    read -r t m < <(one "${b[@]}"); bt+=("$t"); (( m > bm )) && bm=$m
  done
  local ma mb
  ma=$(median "${at[@]}"); mb=$(median "${bt[@]}")
  rows+=("$(printf '%s|%.2f|%.2f|%.2f|%d|%d' "$name" "$ma" "$mb" "$(echo "$mb / $ma" | bc -l)" \
    $((am / 1024)) $((bm / 1024)))")
  printf '%-52s cinepipe %7.2f s  other %7.2f s  ratio %5.2f  RSS %5d / %5d MB\n' "$name" "$ma" "$mb" \
    "$(echo "$mb / $ma" | bc -l)" $((am / 1024)) $((bm / 1024)) >&2
}

cat >"$work/grade_discard.yaml" <<EOF
version: 1
nodes:
  - {id: src, type: source, params: {path: "$hd"}}
  - {id: look, type: lut, input: src, params: {path: "$lut"}}
  - {id: out, type: discard, input: look}
EOF
cat >"$work/decode_discard.yaml" <<EOF
version: 1
nodes:
  - {id: src, type: source, params: {path: "$hd"}}
  - {id: out, type: discard, input: src}
EOF

c="$cinepipe"
if [ -n "${E2E_ONLY:-}" ]; then  # a regex over case names, to rerun some
  skip() { ! [[ "$1" =~ $E2E_ONLY ]]; }
else
  skip() { false; }
fi
pair "decode + grade 33^3 cube, 1080p 240 frames, discard" -- \
  "$c" render -q "$work/grade_discard.yaml" -- \
  ffmpeg -v error -i "$hd" -map 0:v -vf "lut3d=file=$lut:interp=tetrahedral" -f null -
pair "decode only, 1080p (cinepipe render vs ffmpeg -f null)" -- \
  "$c" render -q "$work/decode_discard.yaml" -- \
  ffmpeg -v error -i "$hd" -map 0:v -f null -
pair "grade 33^3 + ProRes HQ, 1080p" -- \
  "$c" grade -q "$hd" -o "$work/g.mov" --codec prores_hq --lut "$lut" --overwrite -- \
  ffmpeg -v error -y -i "$hd" -vf "lut3d=file=$lut:interp=tetrahedral" -c:v prores_ks -profile:v 3 \
    -vendor apl0 -pix_fmt yuv422p10le -c:a pcm_s24le "$work/gf.mov"
pair "transcode ProRes HQ -> ProRes HQ (no grade), 1080p" -- \
  "$c" transcode -q "$hd" -o "$work/t.mov" --codec prores_hq --overwrite -- \
  ffmpeg -v error -y -i "$hd" -c:v prores_ks -profile:v 3 -vendor apl0 -pix_fmt yuv422p10le \
    -c:a pcm_s24le "$work/tf.mov"
pair "grade 33^3 + ProRes HQ, 4K 72 frames" -- \
  "$c" grade -q "$uhd" -o "$work/g4.mov" --codec prores_hq --lut "$lut" --overwrite -- \
  ffmpeg -v error -y -i "$uhd" -vf "lut3d=file=$lut:interp=tetrahedral" -c:v prores_ks -profile:v 3 \
    -vendor apl0 -pix_fmt yuv422p10le -c:a pcm_s24le "$work/gf4.mov"
pair "qc default profile vs ffmpeg QC chain, 1080p" -- \
  "$c" qc -q "$hd" --json "$work/r.json" --overwrite -- \
  ffmpeg -v error -i "$hd" -filter_complex \
    "[0:v]blackdetect=d=0.5,freezedetect=d=0.2,signalstats,blockdetect[v];[0:a]silencedetect,ebur128=peak=true[a]" \
    -map "[v]" -map "[a]" -f null -
pair "qc default profile vs pure decode (ffmpeg -f null)" -- \
  "$c" qc -q "$hd" --json "$work/r.json" --overwrite -- \
  ffmpeg -v error -i "$hd" -map 0:v -f null -
mkdir -p "$work/px"
pair "proxy 4K -> 1080p H.264 CRF 18 medium, LUT + TC burn-in" -- \
  "$c" proxy -q "$uhd" -o "$work/px" --lut "$lut" --burnin timecode@bl --overwrite -- \
  ffmpeg -v error -y -i "$uhd" -vf "scale=1920:1080:force_original_aspect_ratio=decrease,lut3d=file=$lut:interp=tetrahedral,drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf:timecode='01\:00\:00\:00':rate=24:fontsize=48:fontcolor=white:box=1:boxcolor=black@0.6:x=40:y=h-th-40,format=yuv420p" \
    -c:v libx264 -crf 18 -preset medium -c:a aac -b:a 192k -ac 2 -movflags +faststart "$work/pf.mp4"
# The same with x264 veryfast on both sides: the command the performance issue measured
# FFmpeg with (about 14 fps here).
pair "proxy 4K -> 1080p H.264 CRF 18 veryfast, LUT + TC burn-in" -- \
  "$c" proxy -q "$uhd" -o "$work/px" --speed veryfast --lut "$lut" --burnin timecode@bl --overwrite -- \
  ffmpeg -v error -y -i "$uhd" -vf "scale=1920:1080:force_original_aspect_ratio=decrease,lut3d=file=$lut:interp=tetrahedral,drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf:timecode='01\:00\:00\:00':rate=24:fontsize=48:fontcolor=white:box=1:boxcolor=black@0.6:x=40:y=h-th-40,format=yuv420p" \
    -c:v libx264 -crf 18 -preset veryfast -c:a aac -b:a 192k -ac 2 -movflags +faststart "$work/pf.mp4"
pair "grade 1080p: 2 threads vs 1 thread (ratio = scaling)" -- \
  "$c" grade -q --threads 2 "$hd" -o "$work/s2.mov" --codec prores_hq --lut "$lut" --overwrite -- \
  "$c" grade -q --threads 1 "$hd" -o "$work/s1.mov" --codec prores_hq --lut "$lut" --overwrite
pair "qc 1080p: 2 threads vs 1 thread (ratio = scaling)" -- \
  "$c" qc -q --threads 2 "$hd" --json "$work/r2.json" --overwrite -- \
  "$c" qc -q --threads 1 "$hd" --json "$work/r1.json" --overwrite
pair "qc 1080p 40 s: 2 threads vs 1 thread (ratio = scaling)" -- \
  "$c" qc -q --threads 2 "$hd40" --json "$work/r2.json" --overwrite -- \
  "$c" qc -q --threads 1 "$hd40" --json "$work/r1.json" --overwrite
# What QC's scaling is up against: most of its work is decoding, and this is how far FFmpeg's
# own decoding of the same clip scales from one thread to two.
pair "ffmpeg decode 1080p: 2 threads vs 1 thread (reference)" -- \
  ffmpeg -v error -threads 2 -i "$hd" -map 0:v -f null - -- \
  ffmpeg -v error -threads 1 -i "$hd" -map 0:v -f null -
pair "ffmpeg decode 1080p 40 s: 2 threads vs 1 thread (reference)" -- \
  ffmpeg -v error -threads 2 -i "$hd40" -map 0:v -f null - -- \
  ffmpeg -v error -threads 1 -i "$hd40" -map 0:v -f null -

if [ "$markdown" = "--markdown" ]; then
  echo "| case | cinepipe s | other s | ratio | cinepipe MB | other MB |"
  echo "|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
else
  printf '%s\n' "${rows[@]}"
fi
