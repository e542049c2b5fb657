"""Calibrates the blend that pictures of an unclear scaler get (src/net/weights/choice.ts).

Reads the cells tools/calibrate_blend.sh made; for each, the keyframe's aliasing (the median
tile ratio of src/net/weights/lr_statistics.ts, recomputed here with numpy), its share of
tiles with detail, and the Y-PSNR gain over ffmpeg lanczos of every blend
`w · video-aliased + (1 − w) · video-compressed` (from three blends' errors: the error of a blend
is quadratic in w). Then sweeps the band's foot and cut and the shares at its foot and top and
for flat pictures, on the clips outside the validation split, and prints the best settings
that leave no training cell under −0.1 dB, beside what they give on the validation clips.

    /usr/bin/python3 tools/calibrate_blend.py OUT_DIR
"""
import glob
import itertools
import os
import re
import subprocess
import sys

import numpy as np

VALIDATION = {"cotracker_bear", "davis_rollercoaster", "intel_car_detection", "sam2_03_blocks",
              "yolov4ds_street_1080p"}
TILE, FLAT = 16, 0.03


def aliasing(y):
    """Median over tiles with detail of e1·e4/e2², and the share of tiles with detail."""
    h, w = (s - s % TILE for s in y.shape)
    t = y[:h, :w].reshape(h // TILE, TILE, w // TILE, TILE).transpose(0, 2, 1, 3).reshape(-1, TILE, TILE)

    def energy(lag):
        c = t[:, :, 4:TILE - 4]
        ex = ((t[:, :, 4 - lag:TILE - 4 - lag] + t[:, :, 4 + lag:TILE - 4 + lag] - 2 * c) ** 2).sum((1, 2))
        c = t[:, 4:TILE - 4, :]
        ey = ((t[:, 4 - lag:TILE - 4 - lag, :] + t[:, 4 + lag:TILE - 4 + lag, :] - 2 * c) ** 2).sum((1, 2))
        return ex + ey

    e1, e2, e4 = energy(1), energy(2), energy(4)
    k = (e2 >= 2 * TILE * (TILE - 8) * FLAT ** 2) & (e1 > 0) & (e4 > 0)
    ratio = float(np.exp(np.median(np.log(e1[k] * e4[k] / e2[k] ** 2)))) if k.sum() else 0.0
    return ratio, int(k.sum()), len(t)


def gray(path, vf=None):
    args = ["ffmpeg", "-v", "error", "-i", path] + (["-vf", vf] if vf else []) + \
        ["-frames:v", "30", "-f", "rawvideo", "-pix_fmt", "gray", "-"]
    return np.frombuffer(subprocess.run(args, capture_output=True, check=True).stdout, np.uint8).astype(np.float64)


def cells(out):
    for y in sorted(glob.glob(f"{out}/lr_*.y")):
        m = re.match(r"lr_(.+)_(bicubic|area|bilinear|neighbor)_((?:x264|vp9)_\d+)_(\d+)x(\d+)\.y$", os.path.basename(y))
        clip, scaler, codec, w, h = m.group(1), m.group(2), m.group(3), int(m.group(4)), int(m.group(5))
        base = f"lr_{clip}_{scaler}_{codec}"
        lr = next(p for p in glob.glob(f"{out}/{base}.*") if not p.endswith(".y"))
        ups = [f"{out}/up/{base}_{n}.mkv" for n in ("video-aliased", "video-compressed")]
        if not all(os.path.exists(p) for p in ups):
            print(f"{base}: not upscaled by both files, left out")
            continue
        gt = gray(f"{out}/gt_{clip}.mkv")
        lanczos = gray(lr, f"scale={2 * w}:{2 * h}:flags=lanczos")
        a, b = (gray(p) for p in ups)
        ra, rb = a - gt, b - gt
        al, detailed, tiles = aliasing(np.fromfile(y, np.uint8).reshape(h, w).astype(np.float64) / 255)
        yield dict(clip=clip, scaler=scaler, codec=codec, aliasing=al, detailed=detailed, tiles=tiles,
                   lanczos=((lanczos - gt) ** 2).mean(), aa=(ra ** 2).mean(), bb=(rb ** 2).mean(), ab=(ra * rb).mean())


def gain(c, w):
    mse = w * w * c["aa"] + (1 - w) ** 2 * c["bb"] + 2 * w * (1 - w) * c["ab"]
    return 10 * np.log10(c["lanczos"] / mse)


def chosen(c, foot, cut, bottom, top, flat, min_tiles=16, min_share=0.15):
    if c["detailed"] < min_tiles or c["detailed"] < min_share * c["tiles"]:
        return gain(c, flat)
    if c["aliasing"] >= cut:
        return gain(c, 1)
    if c["aliasing"] < foot:
        return gain(c, 0)
    return gain(c, bottom + (top - bottom) * (c["aliasing"] - foot) / (cut - foot))


def main(out):
    all_cells = list(cells(out))
    train = [c for c in all_cells if c["clip"] not in VALIDATION]
    val = [c for c in all_cells if c["clip"] in VALIDATION]
    print(f"{len(train)} training cells, {len(val)} validation cells; the shipped settings first")
    rows = []
    for foot, cut, bottom, top, flat in itertools.product(
            [0.5, 0.55, 0.6], [0.8, 0.85, 0.88, 0.9, 0.95], [0.2, 0.25, 0.3, 0.35],
            [0.3, 0.4, 0.5, 0.6], [0.3, 0.35, 0.4]):
        if top < bottom:
            continue
        t = np.array([chosen(c, foot, cut, bottom, top, flat) for c in train])
        v = np.array([chosen(c, foot, cut, bottom, top, flat) for c in val])
        rows.append((t.mean(), t.min(), v.mean(), v.min(), int((v < -0.1).sum()), foot, cut, bottom, top, flat))
    rows = sorted((r for r in rows if r[1] >= -0.1), key=lambda r: -r[0])
    shipped = (0.55, 0.88, 0.25, 0.6, 0.3)
    rows = [r for r in rows if tuple(r[5:]) == shipped] + rows
    for r in rows[:16]:
        print("train mean %+.3f worst %+.2f | validation mean %+.3f worst %+.2f, %d under -0.1 | "
              "foot %.2f cut %.2f shares %.2f..%.2f flat %.2f" % r)


if __name__ == "__main__":
    main(sys.argv[1])
