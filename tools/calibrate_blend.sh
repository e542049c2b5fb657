#!/bin/bash
# Cells for calibrating the blend that pictures of an unclear scaler get (tools/calibrate_blend.py):
# each real-footage clip's first 30 frames shrunk ×½ by `area` (the ground truth, as
# `eval --footage` makes it), its LR made by each ffmpeg scaler and coded as x264 CRF 18/23/28
# and VP9 CRF 33, and the LR upscaled by each of the two blended files alone.
#
#   tools/calibrate_blend.sh FOOTAGE_DIR OUT_DIR
#   /usr/bin/python3 tools/calibrate_blend.py OUT_DIR
set -euo pipefail
footage=$1 out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/up"
for clip in "$footage"/*.mp4; do
  n=$(basename "$clip" .mp4)
  IFS=, read -r w h < <(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0 "$clip")
  gw=$((w / 2 / 4 * 4)) gh=$((h / 2 / 4 * 4))
  ffmpeg -v error -y -i "$clip" -vf "scale=$gw:$gh:flags=area" -frames:v 30 -c:v ffv1 -pix_fmt yuv420p "$out/gt_$n.mkv"
  for s in bicubic area bilinear neighbor; do
    for c in x264_18 x264_23 x264_28 vp9_33; do
      crf=${c#*_}
      if [ "${c%_*}" = x264 ]; then
        args=(-c:v libx264 -crf "$crf") ext=mp4
      else
        args=(-c:v libvpx-vp9 -crf "$crf" -b:v 0 -deadline good -cpu-used 4 -row-mt 1) ext=webm
      fi
      lr="$out/lr_${n}_${s}_${c}.$ext"
      ffmpeg -v error -y -i "$out/gt_$n.mkv" -vf "scale=$((gw / 2)):$((gh / 2)):flags=$s" "${args[@]}" -pix_fmt yuv420p -an "$lr"
      ffmpeg -v error -y -i "$lr" -frames:v 1 -f rawvideo -pix_fmt gray "$out/lr_${n}_${s}_${c}_$((gw / 2))x$((gh / 2)).y"
      for wts in video-aliased video-compressed; do
        (cd "$root" && deno run -A cli/main.ts upscale "$lr" "$out/up/lr_${n}_${s}_${c}_$wts.mkv" \
          --scale 2 --weights "$wts" --codec ffv1 -y -q)
      done
    done
  done
  echo "$n"
done
