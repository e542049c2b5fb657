#!/usr/bin/env bash
# Ours (bench, onnx backend, 1 and all threads) next to the PyTorch reference (1 and all
# threads), interleaved: every round runs every cell once, in the same order, so drifts of a
# shared machine hit all of them alike. Prints one JSON line per measurement (with its round);
# tools/side_by_side_table.ts turns them into the docs/benchmarks.md table (medians of rounds).
#   ROUNDS=3 SCALES="2 3 4" [NETWORKS="fsrcnn fsrcnn-s"] [FIRST_ROUND=1] \
#     tools/cpu_side_by_side.sh 480x270 960x540 > side.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-/usr/bin/python3}
ref=../shared/bench/torch_fsrcnn.py
all=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for round in $(seq "${FIRST_ROUND:-1}" "${ROUNDS:-3}"); do
  for size in "${@:-480x270}"; do
    w=${size%x*}; h=${size#*x}
    for scale in ${SCALES:-2 3 4}; do
     for net in ${NETWORKS:-fsrcnn}; do
      # The reference's shape flags for each registered network.
      case $net in fsrcnn-s) shape="--d 32 --s 5 --m 1" ;; *) shape="" ;; esac
      for t in 1 "$all"; do
        # shellcheck disable=SC2086
        $py $ref time --width "$w" --height "$h" --scale "$scale" $shape --threads "$t" \
          --iters "${TORCH_ITERS:-5}" | sed "s/^{/{\"round\": $round, \"network\": \"$net\", /"
        deno run -A cli/main.ts bench --sizes "$size" --scales "$scale" --backends onnx \
          --network "$net" --threads "$t" --seconds "${SECONDS_PER_CELL:-3}" \
          --json "$tmp/ours.json" >/dev/null 2>&1
        ROUND=$round THREADS=$t NET=$net deno eval "const r = JSON.parse(Deno.readTextFileSync('$tmp/ours.json'));
          for (const c of r.cells) console.log(JSON.stringify({ round: +Deno.env.get('ROUND'),
            network: Deno.env.get('NET'),
            impl: 'fsrcnn-deno', backend: c.backend, threads: +Deno.env.get('THREADS'),
            in: [c.width, c.height], scale: c.scale, ms_per_frame: +c.msPerFrame.median.toFixed(2),
            p10: +c.msPerFrame.p10.toFixed(1), p90: +c.msPerFrame.p90.toFixed(1),
            gmac_per_s: +c.gmacPerSecond.toFixed(1) }));"
      done
     done
    done
  done
done
