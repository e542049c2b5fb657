#!/usr/bin/env bash
# Packs what a GPU session needs into .gpu/ (ignored by git; carried with the device tool's
# `carry: [".gpu"]`): Deno, the npm packages without the native binaries the GPU run does not
# use, ffmpeg/ffprobe (for the end-to-end run), the Vulkan loader .debs, and the PyTorch
# reference script. The machine there has no network. Sizes: deno ≈ 30 MB, packages ≈ 4 MB,
# ffmpeg ≈ 16 MB, ffprobe ≈ 21 MB — over the 64 MiB carry limit together, so the run is split
# in two calls (tools/gpu/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
mkdir -p .gpu/model .gpu/e2e .gpu/model/debs
deno cache cli/main.ts >/dev/null 2>&1 || true   # make sure node_modules is complete
xz -T0 -9 -c "$(readlink -f "$(command -v deno)")" > .gpu/model/deno.xz
tar -cf - --exclude='onnxruntime-node@*/node_modules/onnxruntime-node/bin' \
  --exclude='*/linux-x64/ffmpeg' --exclude='*/linux-x64/ffprobe' --exclude='*.map' node_modules |
  xz -T0 -6 > .gpu/model/node_modules.tar.xz
cp ../shared/bench/torch_fsrcnn.py .gpu/model/
ff=$(deno eval 'import f from "@ffmpeg-installer/ffmpeg"; console.log(f.path)')
fp=$(deno eval 'import f from "@ffprobe-installer/ffprobe"; console.log(f.path)')
xz -T0 -9 -c "$ff" > .gpu/e2e/ffmpeg.xz
xz -T0 -9 -c "$fp" > .gpu/e2e/ffprobe.xz
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial
apt-get $o update -qq
(cd .gpu/model/debs && apt-get $o download libvulkan1 >/dev/null)
du -sh .gpu/model .gpu/e2e
