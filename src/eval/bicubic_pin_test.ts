/**
 * The pin: our bicubic baseline, scored with our protocol on the real Set5 and Set14, must
 * land on the literature's published figures. This is what makes every other score this
 * project reports comparable with the papers.
 *
 * Published bicubic figures:
 * - Set5 33.66 / 30.39 / 28.42 dB, SSIM 0.9299 / 0.8682 / 0.8104 (×2 / ×3 / ×4; SRCNN,
 *   FSRCNN and VDSR papers alike),
 * - Set14 30.24 / 27.55 / 26.00 dB, SSIM 0.8688 / 0.7742 / 0.7027 (VDSR's table); the SRCNN
 *   and FSRCNN papers print 30.23 / 27.54 / 26.00 dB for the same protocol.
 * The tolerance is ±0.05 dB and ±0.003 SSIM. On top of it we check the printed digits
 * of the papers whose MATLAB code this protocol follows (SRCNN/FSRCNN), so that a change
 * which moves the scores by a few hundredths of a dB is caught.
 */
import assert from "node:assert/strict";
import { loadDataset } from "./dataset.ts";
import { bicubic, scoreImages } from "./protocol.ts";

interface Pin {
  set: string;
  psnr: [number, number, number];
  ssim: [number, number, number];
  /** The printed digits of the SRCNN/FSRCNN papers, where they exist. */
  printedPsnr: [number, number, number];
  printedSsim?: [number, number, number];
}

const PINS: Pin[] = [
  {
    set: "Set5",
    psnr: [33.66, 30.39, 28.42],
    ssim: [0.9299, 0.8682, 0.8104],
    printedPsnr: [33.66, 30.39, 28.42],
    printedSsim: [0.9299, 0.8682, 0.8104],
  },
  {
    set: "Set14",
    psnr: [30.24, 27.55, 26.0],
    ssim: [0.8688, 0.7742, 0.7027],
    printedPsnr: [30.23, 27.54, 26.0],
  },
];

function folderOf(set: string): string {
  return new URL(`../../../shared/datasets/${set}`, import.meta.url).pathname;
}

function present(dir: string): boolean {
  try {
    return Deno.statSync(dir).isDirectory;
  } catch {
    return false;
  }
}

for (const pin of PINS) {
  const dir = folderOf(pin.set);
  const missing = !present(dir);
  if (missing) console.log(`bicubic pin: ${dir} not found, skipping the ${pin.set} pin test`);
  Deno.test({
    name: `bicubic pin: ${pin.set} ×2/×3/×4 reproduces the published PSNR and SSIM`,
    ignore: missing,
    async fn() {
      const images = await loadDataset(dir);
      const failures: string[] = [];
      for (const [i, scale] of [2, 3, 4].entries()) {
        const r = await scoreImages(images, scale, bicubic);
        console.log(
          `${pin.set} x${scale}: PSNR ${r.meanPsnr.toFixed(4)} dB (published ${
            pin.psnr[i]
          }), SSIM ${r.meanSsim.toFixed(5)} (published ${pin.ssim[i]})`,
        );
        const check = (ok: boolean, what: string) => {
          if (!ok) failures.push(`${pin.set} x${scale}: ${what}`);
        };
        check(Math.abs(r.meanPsnr - pin.psnr[i]) <= 0.05, `PSNR ${r.meanPsnr} vs ${pin.psnr[i]}`);
        check(Math.abs(r.meanSsim - pin.ssim[i]) <= 0.003, `SSIM ${r.meanSsim} vs ${pin.ssim[i]}`);
        check(
          Math.abs(r.meanPsnr - pin.printedPsnr[i]) <= 0.0051,
          `PSNR ${r.meanPsnr} does not print as ${pin.printedPsnr[i]}`,
        );
        if (pin.printedSsim) {
          check(
            Math.abs(r.meanSsim - pin.printedSsim[i]) <= 0.00051,
            `SSIM ${r.meanSsim} does not print as ${pin.printedSsim[i]}`,
          );
        }
      }
      assert.deepEqual(failures, []);
    },
  });
}
