/**
 * Writes training pictures from the real-footage clips that are not in the validation split
 * (src/eval/holdout.ts, FOOTAGE_VALIDATION_CLIPS): every 30th frame, at most 8 a clip, shrunk
 * ×½ by `area` as `eval --footage` makes its ground truth, as `<clip>_NN.png`. The folder then
 * goes to `train --data` beside the photo folders. `--validation` writes the validation clips'
 * pictures instead, for `train --val`.
 *
 *   deno run -A tools/footage_frames.ts --footage ../shared/media/footage --out DIR [--validation]
 *     [--every 30] [--count 8]
 */
import { parseArgs } from "node:util";
import { capabilities } from "../src/media/ffmpeg/capabilities.ts";
import { writeTrainingFrames } from "../src/media/ffmpeg/footage.ts";
import { tools as resolveTools } from "../src/media/ffmpeg/resolve.ts";
import { isFootageValidationClip } from "../src/eval/holdout.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    footage: { type: "string" },
    out: { type: "string" },
    every: { type: "string", default: "30" },
    count: { type: "string", default: "8" },
    validation: { type: "boolean", default: false },
  },
});
if (!values.footage || !values.out) {
  console.error("usage: footage_frames.ts --footage DIR --out DIR [--every N] [--count N]");
  Deno.exit(2);
}
const tools = await resolveTools();
const caps = await capabilities(tools);
await Deno.mkdir(values.out, { recursive: true });
const clips = [];
for await (const e of Deno.readDir(values.footage)) {
  const stem = e.name.replace(/\.[^.]+$/, "");
  const held = isFootageValidationClip(stem);
  if (e.isFile && /\.(mp4|mkv|mov|webm)$/.test(e.name) && held === values.validation) {
    clips.push(e.name);
  }
}
for (const clip of clips.sort()) {
  const stem = clip.replace(/\.[^.]+$/, "");
  await writeTrainingFrames(tools, caps, {
    input: `${values.footage}/${clip}`,
    prefix: `${values.out}/${stem}_`,
    every: Number(values.every),
    count: Number(values.count),
  });
  console.log(stem);
}
