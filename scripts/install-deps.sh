#!/usr/bin/env bash
# Installs (with apt-get, as root) only the Debian 12 packages cinepipe needs that are not
# already installed. Safe to run any number of times.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config git
  # media I/O and colour: FFmpeg 5.1 libav*, OpenImageIO 2.4 (image sequences only, in the
  # cinepipe_oiio module), OpenColorIO 2.1
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
  libopenimageio-dev openimageio-tools libopencolorio-dev
  # audio QC: EBU R128 / BS.1770 loudness and true peak
  libebur128-dev
  # dual-system sound: FFT cross-correlation (GCC-PHAT)
  libfftw3-dev
  # production sound metadata: the iXML chunk of BWF files (timecode)
  libpugixml-dev
  # ASC MHL checksum histories: xxHash (xxh64/xxh3/xxh128); xxhsum is the tests' oracle
  libxxhash-dev xxhash
  # burn-ins and contact sheets: FreeType renders the text; the font is DejaVu Sans Mono
  libfreetype-dev fonts-dejavu-core
  # scheduling, CLI, JSON, formatting
  libtbb-dev libcli11-dev nlohmann-json3-dev libfmt-dev libyaml-cpp-dev
  # tests and benchmarks (ffmpeg/ffprobe are the tests' independent oracle)
  libgtest-dev libgmock-dev libbenchmark-dev ffmpeg time bc
  # sanitizer builds and fuzzing (scripts/sanitize.sh, docs/TESTING.md): clang 14, its
  # runtimes (libFuzzer, ASan, UBSan, LSan, TSan), llvm-symbolizer for readable reports
  clang libclang-rt-14-dev llvm
  # the HTML QC report is opened in headless Chromium by its test
  chromium
  # batch --slurm: its test runs a one-node Slurm cluster on localhost (scripts/slurm-local.sh,
  # docs/slurm.md): controller, node daemon, sbatch/squeue/scontrol, MUNGE authentication.
  # Their postinst scripts do not start the services here (no systemd, no runlevel).
  slurmctld slurmd slurm-client munge
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
