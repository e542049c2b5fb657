/** `eval`: PSNR/SSIM of weights (or bicubic) on a folder of HR images. */
import { Command, Option } from "commander";
import { evaluate } from "../../mod.ts";
import { parseBackend } from "../../src/model/create.ts";
import { positiveInt, runCommand } from "../run.ts";

export function evalCommand(): Command {
  return new Command("eval")
    .description(
      "score weights on HR images (Y PSNR/SSIM, the super-resolution literature's protocol)",
    )
    .requiredOption("--data <dir>", "folder of HR images (e.g. ../shared/datasets/Set5)")
    .option("--weights <file>", "FSRCNN weights (safetensors)")
    .addOption(new Option("--method <m>", "what to score").choices(["fsrcnn", "bicubic"]))
    .option("--scale <n>", "upscaling factor (default: the weights')", positiveInt("--scale"))
    .option("--backend <name>", "auto, webgpu, webgpu-wgsl, wasm, cpu or onnx", parseBackend)
    .option("--json", "print the report as JSON")
    .option("--ffmpeg <path>", "ffmpeg binary")
    .action((opts) =>
      runCommand(async () => {
        const r = await evaluate(opts);
        if (opts.json) {
          console.log(JSON.stringify(r, null, 2));
          return;
        }
        const label = r.method === "bicubic" ? "bicubic" : `${r.weights} (${r.backend})`;
        console.log(`${label} on ${r.data}, x${r.scale}`);
        const width = Math.max(5, ...r.images.map((i) => i.name.length));
        console.log(`${"image".padEnd(width)}  PSNR (dB)  SSIM`);
        for (const i of r.images) {
          console.log(
            `${i.name.padEnd(width)}  ${i.psnr.toFixed(2).padStart(9)}  ${i.ssim.toFixed(4)}`,
          );
        }
        console.log(
          `${"mean".padEnd(width)}  ${r.meanPsnr.toFixed(2).padStart(9)}  ${r.meanSsim.toFixed(4)}`,
        );
      })
    );
}
