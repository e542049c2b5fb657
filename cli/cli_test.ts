import assert from "node:assert/strict";
import { InvalidArgumentError } from "commander";
import {
  CancelledError,
  FsrcnnError,
  InputError,
  OptionError,
  OutputError,
  ToolError,
  type UpscaleSummary,
  UsageError,
  WeightsError,
} from "../mod.ts";
import { leftoverLines, summaryLine } from "./commands/upscale.ts";
import { splitArgs } from "./flags.ts";
import { progressLine } from "./lines.ts";
import { describeError, exitCodeFor } from "./run.ts";
import { reportLine } from "./commands/train.ts";

Deno.test("--encoder-args splits into separate arguments, quotes grouping", () => {
  assert.deepEqual(splitArgs("-tune film  -x264-params keyint=60"), [
    "-tune",
    "film",
    "-x264-params",
    "keyint=60",
  ]);
  assert.deepEqual(splitArgs(`-metadata "title=My film" -vf 'scale=1:2'`), [
    "-metadata",
    "title=My film",
    "-vf",
    "scale=1:2",
  ]);
  assert.deepEqual(splitArgs(`a "b \\" c"`), ["a", 'b " c']);
  assert.deepEqual(splitArgs("   "), []);
});

Deno.test("progress line shows frames, percentage, fps and ETA", () => {
  assert.equal(
    progressLine({ frames: 50, total: 200, seconds: 10, fps: 5, eta: 30 }),
    "frame 50/200 (25%) 5.0 fps 0:10 ETA 0:30",
  );
  assert.equal(progressLine({ frames: 7, seconds: 3725, fps: 0.0019 }), "frame 7 0.0 fps 1:02:05");
});

Deno.test("errors: exit status by class, words about flags from the error's facts", () => {
  const cases: Array<[Error, number, string]> = [
    [new UsageError("unsupported scale 5"), 2, "unsupported scale 5"],
    [new OptionError("pixFmt", "is not a pixel format"), 2, "--pix-fmt is not a pixel format"],
    [new OptionError("fps", "must be positive (got 0)"), 2, "--fps must be positive (got 0)"],
    [new InvalidArgumentError("bad"), 2, "bad"],
    [
      new OutputError("o.mp4", "already exists", { exists: true }),
      1,
      "o.mp4: already exists (use --overwrite or -y to replace it)",
    ],
    [new OutputError("o.mp4", "is a folder"), 1, "o.mp4: is a folder"],
    [
      new InputError(
        "i.mp4",
        "corrupt or truncated: x; 7 frames were upscaled, no output written",
        {
          keepableFrames: 7,
        },
      ),
      1,
      "i.mp4: corrupt or truncated: x; 7 frames were upscaled, no output written (use --keep-partial to keep them)",
    ],
    [new InputError("i.mp4", "contains no video frames"), 1, "i.mp4: contains no video frames"],
    [
      new InputError("big.png", "16000x16000 is 256 megapixels, over the limit of 100", {
        overLimit: "maxPixels",
      }),
      1,
      "big.png: 16000x16000 is 256 megapixels, over the limit of 100 (--max-pixels)",
    ],
    [
      new WeightsError("w.safetensors", "weights file not found"),
      1,
      "w.safetensors: weights file not found",
    ],
    [new ToolError("ffmpeg failed"), 1, "ffmpeg failed"],
    [new CancelledError("interrupted"), 130, "interrupted"],
  ];
  for (const [e, code, line] of cases) {
    assert.equal(exitCodeFor(e), code, e.message);
    assert.equal(describeError(e as FsrcnnError), line);
  }
  assert.equal(exitCodeFor(new TypeError("bug")), 1);
});

const summary: UpscaleSummary = {
  input: "in.png",
  output: "out.png",
  kind: "image",
  frames: 1,
  seconds: 0.42,
  fps: 1 / 0.42,
  width: 128,
  height: 96,
  backend: "onnx",
  leftovers: { removed: [], kept: [] },
};

Deno.test("summary: a picture's size and time; frames and their rate only for videos", () => {
  assert.equal(summaryLine(summary), "out.png: 128x96 in 0.4 s (onnx)");
  assert.equal(
    summaryLine({ ...summary, output: "o.mkv", kind: "video", frames: 50, seconds: 10, fps: 5 }),
    "o.mkv: 50 frames 128x96 in 10.0 s (5.00 fps, onnx)",
  );
});

Deno.test("leftover lines: removed ones, and ones left where they are", () => {
  assert.deepEqual(
    leftoverLines({
      ...summary,
      leftovers: {
        removed: [{ path: "./.o.partial-12-0123abcd.mp4", pid: 12 }],
        kept: [{ path: "./.o.partial-13-0123abcd.mp4", pid: 13 }],
      },
    }),
    [
      "fsrcnn: removed ./.o.partial-12-0123abcd.mp4, left by an earlier run that was killed (process 12)",
      "fsrcnn: note: ./.o.partial-13-0123abcd.mp4 was left by process 13; remove it unless that run is still going",
    ],
  );
});

Deno.test("train progress line: the best score only once there is one", () => {
  const r = {
    step: 801151,
    steps: 1100000,
    seconds: 60,
    loss: 1.744e-3,
    patchesPerSecond: 920,
    learningRate: 1.8e-4,
    event: "progress" as const,
  };
  const table: Array<[Partial<typeof r> & { psnr?: number; bestPsnr?: number }, string]> = [
    [{}, "step 801151/1100000 loss 1.744e-3 920 patches/s lr 1.80e-4"],
    [{ psnr: 29.93 }, "step 801151/1100000 loss 1.744e-3 920 patches/s lr 1.80e-4 val 29.930 dB"],
    [
      { psnr: 29.93, bestPsnr: 29.935 },
      "step 801151/1100000 loss 1.744e-3 920 patches/s lr 1.80e-4 val 29.930 dB (best 29.935)",
    ],
  ];
  for (const [extra, want] of table) assert.equal(reportLine({ ...r, ...extra }), want);
  assert.equal(
    reportLine({ ...r, event: "validation", psnr: 29.93, bestPsnr: 29.93 }),
    "step 801151: validation val 29.930 dB (best 29.930)",
  );
  assert.equal(reportLine({ ...r, event: "checkpoint" }), "step 801151: checkpoint saved");
});
