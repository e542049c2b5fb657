#!/usr/bin/env bash
# GPU benchmark and check: run from the repository root on a machine with a GPU and a WebGPU
# driver (Vulkan on Linux). See tools/gpu/README.md.
#
#   tools/gpu/bench.sh [OUT_DIR]            (default OUT_DIR: gpu-bench-<date>)
#
# Writes log.txt, bench_model.json and bench_e2e.json (and torch.jsonl when a PyTorch
# reference is given) to OUT_DIR.
set -uo pipefail
out=${1:-gpu-bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
log() { echo "=== $*" | tee -a "$out/log.txt"; }
run() { "$@" 2>&1 | tee -a "$out/log.txt"; }

log "WebGPU adapter"
run deno eval 'const a = await navigator.gpu?.requestAdapter();
console.log(a ? JSON.stringify(a.info) : "no WebGPU adapter", a?.features.has("shader-f16") ? "f16" : "")'

log "correctness on this adapter: golden values, WGSL and tfjs engines, tfjs training step"
run deno test -A src/net/golden_test.ts src/net/fsrcnn/wgsl/ src/net/tfjs/engine_test.ts \
  src/train/tfjs_step_test.ts

log "the network alone: webgpu-wgsl and webgpu, x2/x3/x4, batch 1 and 4"
run deno run -A cli/main.ts bench --backends webgpu-wgsl,webgpu \
  --sizes 480x270,960x540,1920x1080 --scales 2,3,4 --batch 1,4 --seconds 3 \
  --json "$out/bench_model.json"

log "WGSL variants (per layer / fused mapping, f32 / f16) against tfjs, 1920x1080 x2"
FSRCNN_BENCH_SIZE=1920x1080 run deno bench -A src/bench/wgsl_bench.ts

log "end to end, 1080p -> 4K (decode, SR on the GPU, x264 ultrafast on the CPU)"
run deno run -A cli/main.ts bench --mode e2e --backends webgpu-wgsl,webgpu --sizes 1920x1080 \
  --frames 120 --batch 1,4 --seconds 1 --json "$out/bench_e2e.json"

# The independent PyTorch FSRCNN, timed on the same GPU, when its script is given.
if [ -n "${TORCH_FSRCNN:-}" ]; then
  log "PyTorch reference ($TORCH_FSRCNN), CUDA fp32 / TF32 / fp16"
  for size in 480x270 960x540 1920x1080; do
    for flags in "" "--tf32" "--half"; do
      # shellcheck disable=SC2086
      python3 "$TORCH_FSRCNN" time --device cuda --width "${size%x*}" --height "${size#*x}" \
        --scale 2 --iters 50 $flags 2>&1 | tee -a "$out/torch.jsonl"
    done
  done
fi
log "done: results in $out"
