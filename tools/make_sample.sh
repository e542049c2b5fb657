#!/usr/bin/env bash
# Regenerates samples/sample.mp4, the clip the README's first command upscales. Everything in it
# is made here from ffmpeg's own test sources, so the project may ship it: a pan over the
# Mandelbrot set (`mandelbrot`), a test pattern with a running timecode (`testsrc2`), Conway's
# game of life (`life`), scrolling text set in DejaVu Sans, and a 440 Hz tone with a higher beep
# each second (`sine`); a title tag and an English audio track show that the upscaled copy keeps
# them. The scene is drawn at 960x540 and scaled down to 480x270 with swscale's (antialiased)
# bicubic, the kind of degradation FSRCNN was trained to undo. The output is the same file, byte
# for byte, on every run with the same ffmpeg build.
#
#   tools/make_sample.sh [OUT]          (default samples/sample.mp4)
#
# Uses the embedded ffmpeg (npm:@ffmpeg-installer/ffmpeg, the one every user has) unless FFMPEG
# names another; needs the DejaVu Sans font (Debian: fonts-dejavu-core) or FONT=path.ttf.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-samples/sample.mp4}
font=${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}
ffmpeg=${FFMPEG:-$(deno eval 'import f from "@ffmpeg-installer/ffmpeg"; console.log(f.path)')}
[ -f "$font" ] || { echo "make_sample.sh: no font at $font (set FONT)" >&2; exit 1; }

text=$(mktemp)
trap 'rm -f "$text"' EXIT
cat >"$text" <<'EOF'
fsrcnn-deno sample clip, made by
tools/make_sample.sh from ffmpeg's
test sources: mandelbrot, testsrc2,
life, sine; text in DejaVu Sans.
Drawn at 960x540, scaled down to
480x270: upscale it x2 and compare.
EOF

mkdir -p "$(dirname "$out")"
"$ffmpeg" -hide_banner -loglevel error -y \
  -f lavfi -i "mandelbrot=size=1120x540:rate=24:start_scale=2.2:end_scale=2.2:maxiter=96:outer=iteration_count:inner=black,crop=960:540:x='t*40':y=0" \
  -f lavfi -i "testsrc2=size=400x225:rate=24" \
  -f lavfi -i "life=size=100x56:rate=8:mold=20:ratio=0.2:seed=7:life_color=#ffe070:mold_color=#204080:death_color=#101828,fps=24,scale=400:224:flags=neighbor" \
  -f lavfi -i "sine=frequency=440:beep_factor=4:sample_rate=48000" \
  -filter_complex "[0:v][1:v]overlay=x=W-w-24:y=24[a];[a][2:v]overlay=x=W-w-24:y=H-h-24[b];[b]drawtext=fontfile=$font:textfile=$text:fontsize=26:fontcolor=white:line_spacing=8:box=1:boxcolor=black@0.55:boxborderw=12:x=36:y=h-60-t*55,scale=480:270:flags=bicubic,format=yuv420p[v]" \
  -map "[v]" -map 3:a -t 4 \
  -c:v libx264 -preset veryslow -crf 22 -c:a aac -b:a 48k -ac 1 \
  -metadata title="fsrcnn-deno sample" -metadata:s:a:0 language=eng -movflags +faststart \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
  "$out"
echo "$out: $(wc -c <"$out") bytes"
