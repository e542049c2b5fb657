/** `train`: fits FSRCNN weights with our own training loop. */
import { Command, Option } from "commander";
import { NETWORK_NAMES, parseNetwork } from "../../src/net/mod.ts";
import {
  DEFAULT_CHECKPOINT_MINUTES,
  DEFAULT_HOLDOUT,
  DEFAULT_SETTINGS as d,
  train as runTraining,
  TRAIN_INITS,
  type TrainReport,
} from "../../src/train/mod.ts";
import {
  degradationList,
  degradationsHelp,
  flagParser,
  listOf,
  nameList,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  x264Crf,
} from "../flags.ts";
import { runCommand, withCancel } from "../run.ts";

/** A help line with the library's default, which the library applies (the flag stays unset). */
const withDefault = (help: string, value: number) => `${help} (default: ${value})`;

export function trainCommand(): Command {
  return new Command("train")
    .description("train FSRCNN weights on HR image folders (LR made as `eval` makes it)")
    .requiredOption("--scale <n>", "upscaling factor: 2, 3 or 4", positiveInt("--scale"))
    .requiredOption("--data <dirs>", "comma-separated folders of HR training images", nameList)
    .requiredOption("--out <file>", "where the best weights (on --val) are written")
    .option(
      "--val <dir>",
      "validation images kept apart from --data (default: hold out --holdout images of --data)",
    )
    .option(
      "--holdout <n>",
      "training images held out for validation when --val is not given",
      positiveInt("--holdout"),
      DEFAULT_HOLDOUT,
    )
    .option(
      "--degradations <names>",
      "make LR inputs as video is made, every image each way (comma-separated, listed below; " +
        "default: MATLAB bicubic only, the paper's protocol)",
      degradationList("--degradations"),
    )
    .option(
      "--crfs <list>",
      "x264 CRFs used in turn after the ffmpeg degradations (default: no codec round trip)",
      listOf(x264Crf("--crfs")),
    )
    .option(
      "--inter <fraction>",
      withDefault(
        "with --crfs: fraction of training pairs whose LR is a predicted (P/B) frame of a short " +
          "clip panning over the image, as most frames of a video are, not a picture coded alone",
        d.inter,
      ),
      nonNegativeNumber("--inter"),
    )
    .option("--checkpoint <file>", "checkpoint file (default: <out>.ckpt.safetensors)")
    .option("--resume", "continue from the checkpoint")
    .option("--from <file>", "start from these weights (fine-tune; e.g. x2 weights for x3)")
    .option("--steps <n>", withDefault("total optimisation steps", d.steps), positiveInt("--steps"))
    .option("--batch <n>", withDefault("patches per step", d.batch), positiveInt("--batch"))
    .option("--patch <n>", withDefault("LR patch side", d.patch), positiveInt("--patch"))
    .option(
      "--lr <rate>",
      withDefault("peak learning rate of the convolutions", d.lr),
      positiveNumber("--lr"),
    )
    .option(
      "--last-lr <rate>",
      withDefault("peak learning rate of the deconvolution", d.lastLr),
      positiveNumber("--last-lr"),
    )
    .option("--seed <n>", withDefault("random seed", d.seed), positiveInt("--seed"))
    .option(
      "--levels <fraction>",
      withDefault(
        "fraction of patches remapped to other brightness and contrast (clipped), so flat " +
          "areas keep their level from black to white",
        d.levels,
      ),
      nonNegativeNumber("--levels"),
    )
    .option(
      "--line-art <n>",
      withDefault(
        "synthetic line-art pictures (animation, drawings, titles, screen content) added to " +
          "the training images",
        d.lineArt,
      ),
      nonNegativeInt("--line-art"),
    )
    .addOption(
      new Option(
        "--init <name>",
        "how a run from scratch starts: the reference's random weights with bicubic upscaling " +
          "built into one channel, or those alone (default: bicubic)",
      ).choices(TRAIN_INITS),
    )
    .option(
      "--validate-every <n>",
      withDefault("steps between validations", d.validateEvery),
      positiveInt("--validate-every"),
    )
    .option(
      "--checkpoint-minutes <n>",
      withDefault("minutes between checkpoints", DEFAULT_CHECKPOINT_MINUTES),
      positiveNumber("--checkpoint-minutes"),
    )
    .option(
      "--max-minutes <n>",
      "stop (resumably) after this long",
      positiveNumber("--max-minutes"),
    )
    .option("--max-steps <n>", "stop (resumably) after this many steps", positiveInt("--max-steps"))
    .option("--threads <n>", "CPU threads", positiveInt("--threads"))
    .addOption(
      new Option("--backend <name>", "where gradients are computed").choices([
        "onnx",
        "webgpu",
        "wasm",
        "cpu",
      ]).default("onnx"),
    )
    .option(
      "--network <name>",
      `the network to train: ${NETWORK_NAMES.join(", ")} (default: fsrcnn, or the --from ` +
        "weights' own shape; fsrcnn-s is the small, fast one); --d, --s and --m change its shape",
      flagParser(parseNetwork),
    )
    .option(
      "--d <n>",
      "feature channels (default 56; more than --from weights have: channels are added that " +
        "start switched off, so training starts from the same function)",
      positiveInt("--d"),
    )
    .option("--s <n>", "shrunk channels (default 12; grown like --d)", positiveInt("--s"))
    .option(
      "--m <n>",
      "mapping layers (default 4; from --from weights with fewer, identity layers are added, so " +
        "training starts from the same function)",
      positiveInt("--m"),
    )
    .option("--ffmpeg <path>", "ffmpeg binary")
    .addHelpText("after", degradationsHelp())
    .action((opts) =>
      runCommand(() =>
        withCancel(async (signal) => {
          let lastPairsReport = 0;
          const result = await runTraining({
            ...opts,
            signal,
            onReport: printReport,
            onPairsProgress: (done, total) => {
              // Making video pairs runs ffmpeg twice per pair: say how far it is, now and then.
              if (done === total || performance.now() - lastPairsReport > 10_000) {
                lastPairsReport = performance.now();
                console.error(`making degraded training pairs: ${done}/${total} images`);
              }
            },
          });
          console.log(
            `trained ${result.step} steps (${
              Math.round(result.seconds / 60)
            } min); best validation ` +
              `${result.bestPsnr.toFixed(3)} dB at step ${result.bestStep}; weights in ${opts.out}`,
          );
        })
      )
    );
}

function printReport(r: TrainReport): void {
  console.error(reportLine(r));
}

/**
 * One line of training progress. A run resumed into a new `--out` has a last validation score
 * but no best yet (its `--out` holds nothing), so "best" is shown only once there is one.
 */
export function reportLine(r: TrainReport): string {
  const best = r.bestPsnr === undefined ? "" : ` (best ${r.bestPsnr.toFixed(3)})`;
  const val = r.psnr === undefined ? "" : ` val ${r.psnr.toFixed(3)} dB${best}`;
  if (r.event === "progress") {
    return `step ${r.step}/${r.steps} loss ${r.loss.toExponential(3)} ${
      r.patchesPerSecond.toFixed(0)
    } patches/s lr ${r.learningRate.toExponential(2)}${val}`;
  }
  return r.event === "validation"
    ? `step ${r.step}: validation${val}`
    : `step ${r.step}: checkpoint saved`;
}
