#!/bin/sh
# Tiny media seeds for the media reader fuzzer, written by ffmpeg at test time (nothing binary
# is committed): 64x64, 3-5 frames, with sound where the container takes it, a few KB each.
set -eu
out=$1
mkdir -p "$out"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
v="-f lavfi -i testsrc2=size=64x64:rate=24:duration=0.125"
a="-f lavfi -i sine=frequency=1000:sample_rate=48000:duration=0.125"
ff $v $a -c:v prores_ks -profile:v 0 -c:a pcm_s16le -timecode 01:00:00:00 "$out/prores.mov"
ff $v $a -c:v ffv1 -c:a pcm_s24le "$out/ffv1.mkv"
ff $v -c:v libx264 -preset ultrafast -bf 2 -g 3 "$out/h264.mp4"
ff $v $a -c:v mpeg2video -pix_fmt yuv422p -c:a pcm_s16le "$out/mpeg2.mxf"
ff $a -c:a pcm_s16le "$out/sound.wav"
ff -f lavfi -i testsrc2=size=64x64:rate=30000/1001:duration=0.1 -c:v mjpeg -timecode '00:59:59;28' "$out/mjpeg_df.mov"
