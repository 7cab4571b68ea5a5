#!/usr/bin/env bash
# Soak: memory and open files over a long run (issue 10). Generates its media, then
#  1. `qc` of a long 1080p clip (default 30 minutes) and of a 1-minute cut of it;
#  2. `batch` of many short clips (default 200) and of a tenth as many, each clip graded to a
#     ProRes master and an H.264 proxy with burn-ins, QC'd, thumbnailed;
# sampling the process's resident memory and open file descriptors every second. Memory is
# flat when the long run's peak is about the short run's; nothing leaks a descriptor when the
# count at the end of the run is the count early in it.
#   benchmarks/soak.sh build/cli/cinepipe [MINUTES] [CLIPS]
# Needs ~1.5 GB of disk per 30 minutes of clip. Leaks are checked on short runs by
# scripts/sanitize.sh (LeakSanitizer) and by `valgrind --leak-check=full` (docs/RELIABILITY.md).
set -euo pipefail
cinepipe="$(realpath "${1:?usage: soak.sh CINEPIPE [MINUTES] [CLIPS]}")"
minutes="${2:-30}"
clips="${3:-200}"
work="${SOAK_DIR:-$(mktemp -d /tmp/cinepipe-soak.XXXXXX)}"
mkdir -p "$work"
echo "soak in $work ($minutes min clip, $clips clips)"

# watch LABEL CMD...: runs CMD, sampling its VmRSS and open descriptors each second; prints
# wall time, peak RSS (ru_maxrss), RSS at 10% / 50% / end of the samples, fds first/max/last.
watch() {
  local label="$1"
  shift
  local samples="$work/samples.$label"
  : >"$samples"
  /usr/bin/time -f "%e %M" -o "$work/time.$label" "$@" >/dev/null 2>"$work/err.$label" &
  local timer=$!
  local pid=""
  for _ in $(seq 50); do
    pid=$(pgrep -P "$timer" || true)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
    local rss fds
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    [ -n "$rss" ] && echo "$rss $fds" >>"$samples"
    sleep 1
  done
  local rc=0
  wait "$timer" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "$label: exit $rc: $(cat "$work/err.$label")" >&2
    exit 1
  fi
  # time(1) puts "Command exited with non-zero status" first when QC finds faults (exit 1).
  read -r wall peak < <(tail -n 1 "$work/time.$label")
  awk -v label="$label" -v wall="$wall" -v peak="$peak" '
    { rss[NR] = $1; fd[NR] = $2; if ($2 > fdmax) fdmax = $2 }
    END {
      a = int(NR * 0.1); if (a < 1) a = 1; b = int(NR * 0.5); if (b < 1) b = 1;
      printf "%-26s %8.1f s  peak RSS %6.1f MB  RSS at 10%%/50%%/end %6.1f/%6.1f/%6.1f MB  fds first/max/last %d/%d/%d  (%d samples)\n",
        label, wall, peak / 1024, rss[a] / 1024, rss[b] / 1024, rss[NR] / 1024, fd[a], fdmax, fd[NR], NR
    }' "$samples"
}

# 1. A long clip: 10 s of 1080p H.264 (2 s GOP) with stereo PCM, joined end to end without
#    re-encoding; H.264 keeps 30 minutes at about 1 GB.
if [ ! -s "$work/long.mov" ]; then
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=1920x1080:rate=24" \
    -f lavfi -i "sine=frequency=1000:sample_rate=48000" -t 10 \
    -c:v libx264 -preset ultrafast -g 48 -pix_fmt yuv420p -c:a pcm_s16le -ac 2 "$work/piece.mov"
  for _ in $(seq $((minutes * 6))); do echo "file 'piece.mov'"; done >"$work/list.txt"
  ffmpeg -v error -y -f concat -safe 0 -i "$work/list.txt" -c copy \
    -timecode 01:00:00:00 "$work/long.mov"
  ffmpeg -v error -y -i "$work/long.mov" -t 60 -c copy "$work/minute.mov"
fi
watch "qc 1 min" "$cinepipe" qc -q "$work/minute.mov" --json "$work/minute.json" --overwrite
watch "qc $minutes min" "$cinepipe" qc -q "$work/long.mov" --json "$work/long.json" --overwrite

# 2. Many short clips through a whole dailies job.
make_clips() {  # COUNT FOLDER
  mkdir -p "$2"
  [ -s "$work/clip.mov" ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=24" \
    -f lavfi -i "sine=frequency=1000:sample_rate=48000" -t 1 -c:v prores_ks -profile:v 2 \
    -c:a pcm_s24le -timecode 01:00:00:00 "$work/clip.mov"
  for i in $(seq -w "$1"); do cp "$work/clip.mov" "$2/A${i}C001.mov"; done
}
job() {  # SOURCES OUT
  cat <<EOF
version: 1
name: soak
sources:
  - folder: $1
qc:
  profile: dailies
outputs:
  folder: $2
  master:
    preset: prores-422-hq
    name: "{clip}.mov"
  proxy:
    preset: review-720
    name: "{clip}.mp4"
    burnin: timecode,clip
  thumbnails: true
EOF
}
for n in $((clips / 10)) "$clips"; do
  rm -rf "$work/clips$n" "$work/out$n"
  make_clips "$n" "$work/clips$n"
  job "$work/clips$n" "$work/out$n" >"$work/job$n.yaml"
  watch "batch $n clips" "$cinepipe" batch -q "$work/job$n.yaml" -j 2
  delivered=$(find "$work/out$n" -name '*.mov' | wc -l)
  [ "$delivered" -eq "$n" ] || { echo "batch $n: $delivered of $n masters delivered" >&2; exit 1; }
  rm -rf "$work/clips$n" "$work/out$n"
done
[ -n "${SOAK_DIR:-}" ] || rm -rf "$work"
