#!/usr/bin/env bash
# Does the network's gain over lanczos survive the encoder? The footage yardstick's protocol on
# one clip (docs/quality.md): its first FRAMES frames shrunk ×½ by `area` into the ground truth,
# the LR made from that by `area` ×½ and x264 CRF 23; upscaled ×2 by `upscale` (defaults, into
# FFV1) and by ffmpeg lanczos; each then encoded by x264 at every CRF × preset given, and scored
# as Y-PSNR against the ground truth frame by frame (timestamps renumbered, since the FFV1 and MP4
# time bases differ), with the encoder's CPU seconds and the file's size. For docs/benchmarks.md.
#   CRFS="18 23" PRESETS="medium fast faster veryfast" FRAMES=60 tools/encoder_gain.sh clip.mp4
source "$(dirname "$0")/clip_setup.sh"
"$ffmpeg" -v error -i "$clip" -frames:v "${FRAMES:-60}" -an -vf scale=iw/2:ih/2:flags=area \
  -c:v ffv1 "$tmp/truth.mkv"
"$ffmpeg" -v error -i "$tmp/truth.mkv" -vf scale=iw/2:ih/2:flags=area -c:v libx264 -crf 23 \
  "$tmp/lr.mp4"
(cd "$here" && deno run -A cli/main.ts upscale "$tmp/lr.mp4" "$tmp/ours.mkv" --scale 2 -q \
  --codec ffv1)
"$ffmpeg" -v error -i "$tmp/lr.mp4" -vf scale=2*iw:2*ih:flags=lanczos -c:v ffv1 "$tmp/lanczos.mkv"
psnr() { # Y-PSNR of $1 against the truth, frame n against frame n
  "$ffmpeg" -i "$1" -i "$tmp/truth.mkv" \
    -lavfi "[0:v]settb=1/1000,setpts=N[a];[1:v]settb=1/1000,setpts=N[b];[a][b]psnr" -f null - 2>&1 |
    grep -o 'y:[0-9.]*' | tail -1 | cut -d: -f2
}
ours=$(psnr "$tmp/ours.mkv") lanczos=$(psnr "$tmp/lanczos.mkv")
awk -v o="$ours" -v l="$lanczos" 'BEGIN { printf "uncoded: ours %.2f dB, lanczos %.2f, gain %+.2f\n", o, l, o - l }'
for crf in ${CRFS:-18 23}; do
  for preset in ${PRESETS:-medium fast faster veryfast}; do
    for who in ours lanczos; do
      /usr/bin/time -f "%U %S" -o "$tmp/t" "$ffmpeg" -v error -i "$tmp/$who.mkv" -c:v libx264 \
        -crf "$crf" -preset "$preset" -pix_fmt yuv420p -y "$tmp/$who.mp4"
      printf -v "${who}_q" %s "$(psnr "$tmp/$who.mp4")"
      printf -v "${who}_kb" %s "$(($(stat -c %s "$tmp/$who.mp4") / 1000))"
      printf -v "${who}_cpu" %s "$(awk '{ print $1 + $2 }' "$tmp/t")"
    done
    awk -v c="$crf" -v p="$preset" -v o="$ours_q" -v l="$lanczos_q" -v kb="$ours_kb" \
      -v cpu="$ours_cpu" 'BEGIN { printf "x264 CRF %s %s: ours %.2f dB (%d kB, %.2f s CPU), lanczos %.2f, gain %+.2f\n", c, p, o, kb, cpu, l, o - l }'
  done
done
