/**
 * Writes synthetic line-art pictures (src/train/line_art.ts) as PNG files: to look at what
 * `train --line-art` adds to the training data, and to make a held-out line-art set for `eval`
 * from a seed that training never uses (training draws from its run's `--seed`).
 *
 *   deno run -A tools/make_line_art.ts --out DIR [--count 20] [--seed 1000]
 */
import { parseArgs } from "node:util";
import { writeImage } from "../src/media/ffmpeg/image.ts";
import { tools as resolveTools } from "../src/media/ffmpeg/resolve.ts";
import { lineArtImages } from "../src/train/line_art.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    out: { type: "string" },
    count: { type: "string", default: "20" },
    seed: { type: "string", default: "1000" },
  },
});
if (!values.out) {
  console.error("usage: make_line_art.ts --out DIR [--count N] [--seed S]");
  Deno.exit(2);
}
const tools = await resolveTools();
await Deno.mkdir(values.out, { recursive: true });
for (const { name, image } of lineArtImages(Number(values.count), Number(values.seed))) {
  const path = `${values.out}/${name.replace(/^line-art\//, "")}.png`;
  await writeImage(tools, { ...image, pixFmt: "rgb24", codec: "png", path });
  console.log(path);
}
