#!/usr/bin/env python3
"""PyTorch reference training throughput (patches/s) for the side-by-side in docs/benchmarks.md.

Uses the reference FSRCNN from ../shared/bench/torch_fsrcnn.py: random 24x24 LR patches,
batch 64, Adam 1e-3, MSE: the yardstick our training speed is measured against.

  /usr/bin/python3 tools/torch_train_speed.py [--threads N] [--scale 2] [--seconds 20]
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench"))
import torch  # noqa: E402
from torch_fsrcnn import FSRCNN  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=0)
p.add_argument("--scale", type=int, default=2)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--patch", type=int, default=24)
p.add_argument("--seconds", type=float, default=20)
a = p.parse_args()
if a.threads:
    torch.set_num_threads(a.threads)
net = FSRCNN(a.scale)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
lr = torch.rand(a.batch, 1, a.patch, a.patch)
hr = torch.rand(a.batch, 1, a.patch * a.scale, a.patch * a.scale)
loss_fn = torch.nn.MSELoss()

def step():
    opt.zero_grad()
    loss = loss_fn(net(lr), hr)
    loss.backward()
    opt.step()

step()
n, t0 = 0, time.perf_counter()
while time.perf_counter() - t0 < a.seconds:
    step()
    n += 1
dt = time.perf_counter() - t0
print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                  "scale": a.scale, "batch": a.batch, "patch": a.patch,
                  "patches_per_s": round(n * a.batch / dt, 1), "ms_per_step": round(1000 * dt / n, 1)}))
