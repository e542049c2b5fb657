#!/usr/bin/env bash
# Runs on the GPU machine (device tool), from the repository root. Two calls, in this order,
# the second within the machine's warm window so that Deno stays unpacked:
#   run: bash tools/gpu/run.sh model   carry: [".gpu/model"]   timeout_s: 540
#   run: bash tools/gpu/run.sh e2e     carry: [".gpu/e2e"]     timeout_s: 300
# Results (JSON, logs) go to $OUT.
set -uo pipefail
mode=${1:-model}
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT" .gpu/bin
log() { echo "=== $*" | tee -a "$OUT/log.txt"; }
for f in .gpu/model/debs/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done 2>/dev/null
ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
export XDG_RUNTIME_DIR=/tmp/xdg; mkdir -p -m 700 /tmp/xdg
if [ ! -x .gpu/bin/deno ]; then xz -dc .gpu/model/deno.xz > .gpu/bin/deno && chmod +x .gpu/bin/deno; fi
if [ ! -d node_modules/@tensorflow ]; then tar -xJf .gpu/model/node_modules.tar.xz; fi
export PATH="$PWD/.gpu/bin:$PATH"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee -a "$OUT/log.txt"
if [ "$mode" = model ]; then
  log "WebGPU adapter"
  deno eval 'const a = await navigator.gpu.requestAdapter(); console.log(JSON.stringify(a?.info), a?.features.has("shader-f16"))' 2>&1 | tee -a "$OUT/log.txt"
  log "golden + WGSL tests on the GPU"
  deno test -A src/model/golden_test.ts src/model/wgsl/ src/model/tfjs_engine_test.ts src/train/tfjs_step_test.ts 2>&1 | tail -40 | tee -a "$OUT/log.txt"
  log "bench: model, webgpu and webgpu-wgsl"
  deno run -A cli/main.ts bench --backends webgpu-wgsl,webgpu --sizes 480x270,960x540,1920x1080 \
    --scales 2,3,4 --batch 1,4 --seconds 3 --json "$OUT/bench_gpu.json" 2>&1 | tee -a "$OUT/log.txt"
  log "WGSL variants (per layer / fused mapping, f32 / f16) against tfjs, 1920x1080 x2"
  FSRCNN_BENCH_SIZE=1920x1080 deno bench -A src/model/wgsl/wgsl_bench.ts 2>&1 | tail -12 | tee -a "$OUT/log.txt"
  log "PyTorch reference, same machine, same run"
  for size in 480x270 960x540 1920x1080; do
    w=${size%x*}; h=${size#*x}
    for flags in "" "--tf32" "--half"; do
      python3 .gpu/model/torch_fsrcnn.py time --device cuda --width "$w" --height "$h" --scale 2 --iters 50 $flags 2>&1 | tee -a "$OUT/torch.jsonl"
    done
  done
  python3 .gpu/model/torch_fsrcnn.py time --device cuda --width 1920 --height 1080 --scale 2 --batch 4 --iters 20 --half | tee -a "$OUT/torch.jsonl"
else
  log "end to end, 1080p -> 4K"
  ff=$(ls -d node_modules/.deno/@ffmpeg-installer+linux-x64@*/node_modules/@ffmpeg-installer/linux-x64)
  fp=$(ls -d node_modules/.deno/@ffprobe-installer+linux-x64@*/node_modules/@ffprobe-installer/linux-x64)
  xz -dc .gpu/e2e/ffmpeg.xz > "$ff/ffmpeg" && chmod +x "$ff/ffmpeg"
  xz -dc .gpu/e2e/ffprobe.xz > "$fp/ffprobe" && chmod +x "$fp/ffprobe"
  deno run -A cli/main.ts bench --mode e2e --backends webgpu-wgsl,webgpu --sizes 1920x1080 --frames 120 \
    --batch 1,4 --seconds 1 --json "$OUT/bench_e2e.json" 2>&1 | tee -a "$OUT/log.txt"
fi
