#!/usr/bin/env bash
# Ours (bench, onnx and wasm backends) next to the PyTorch reference, in one run on one
# machine, for docs/benchmarks.md. Prints JSON lines; pass sizes as arguments.
#   tools/cpu_side_by_side.sh 480x270 960x540
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-/usr/bin/python3}
ref=../shared/bench/torch_fsrcnn.py
for size in "${@:-480x270}"; do
  w=${size%x*}; h=${size#*x}
  for scale in 2 3 4; do
    for t in 1 $(nproc); do
      $py $ref time --width "$w" --height "$h" --scale "$scale" --threads "$t" --iters 5
    done
    deno run -A cli/main.ts bench --sizes "$size" --scales "$scale" --backends onnx --seconds 4 \
      --json "/tmp/ours_${size}_${scale}.json" >/dev/null 2>&1
    deno eval "const r = JSON.parse(Deno.readTextFileSync('/tmp/ours_${size}_${scale}.json'));
      for (const c of r.cells) console.log(JSON.stringify({ impl: 'fsrcnn-deno', backend: c.backend,
        in: [c.width, c.height], scale: c.scale, ms_per_frame: +c.msPerFrame.median.toFixed(1),
        p10: +c.msPerFrame.p10.toFixed(1), p90: +c.msPerFrame.p90.toFixed(1), fps: +c.fps.toFixed(2),
        gmac_per_s: +c.gmacPerSecond.toFixed(1) }));"
  done
done
