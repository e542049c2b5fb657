#!/usr/bin/env bash
# End-to-end `upscale` of one clip (×2, onnx backend, default encoder settings: x264 CRF 18,
# preset medium) by this checkout and, when OTHER names another checkout, by that one too,
# interleaved over ROUNDS; then what each stage costs alone on the same clip: decoding (ffmpeg to
# the null muxer), encoding the 2× frames with the same encoder settings (bicubic-scaled frames,
# less the decoding), and the model (bench, model only, at the clip's size). Wall and CPU seconds
# from /usr/bin/time, for docs/benchmarks.md.
#   OTHER=/path/to/old/checkout ROUNDS=2 tools/e2e_shares.sh clip.mp4
source "$(dirname "$0")/clip_setup.sh"
timed() { # label, command…: prints "label wall_s cpu_s"
  local label=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" >/dev/null 2>&1
  awk -v l="$label" '{ printf "%s wall %.1f s, CPU %.1f s\n", l, $1, $2 + $3 }' "$tmp/t"
}
frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
  -of csv=p=0 "$clip")
size=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$clip")
echo "clip: $clip, $size, $frames frames"
for round in $(seq 1 "${ROUNDS:-2}"); do
  for dir in "$here" ${OTHER:+"$OTHER"}; do
    (cd "$dir" && timed "upscale ($(git -C "$dir" log -1 --format=%h)) round $round" \
      deno run -A cli/main.ts upscale "$clip" "$tmp/out.mp4" --scale 2 --backend onnx -y -q)
  done
done
timed "decode alone" "$ffmpeg" -v error -i "$clip" -map 0:v -f null -
timed "decode + bicubic 2x + encode (x264 CRF 18 medium)" "$ffmpeg" -v error -i "$clip" -map 0:v \
  -vf "scale=2*iw:2*ih:flags=bicubic" -c:v libx264 -crf 18 -pix_fmt yuv420p -f null -
cd "$here" && deno run -A cli/main.ts bench --sizes "$size" --scales 2 --backends onnx --seconds 5 |
  tail -1 | awk -v n="$frames" '{ printf "model alone (bench): %s ms/frame → %.1f s for %d frames\n", $7, $7 * n / 1000, n }'
