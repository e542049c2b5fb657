#!/bin/bash
# Interleaved: file-to-file, then the same clip piped through, three times each.
export ORT_DISABLE_TELEMETRY=1 DENO_WEBGPU_BACKEND=vulkan WAYLAND_DISPLAY=/dev/null/no-wayland-display
U="deno run -A /work/h7-pipes/cli/main.ts upscale --backend onnx --weights video -q -y"
for i in 1 2 3; do
  /usr/bin/time -v $U clip.mkv out_file.mkv 2> t_file_$i.txt
  /usr/bin/time -v bash -c "cat clip.mkv | $U - - | cat > out_pipe.mkv" 2> t_pipe_$i.txt
done
