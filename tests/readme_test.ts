/**
 * The README's two commands work from a fresh clone: the clip the first one upscales ships in
 * the repository (small, with audio), and the command itself, run as written (only the output
 * moved to a temporary folder), gives the promised ×2 video with the audio kept.
 */
import assert from "node:assert/strict";
import { normalize } from "node:path";
import { SUPPORTED_SCALES } from "../src/net/arch.ts";
import { shippedWeightsFor } from "../src/net/weights/shipped.ts";
import { shippedWeightsFile } from "../src/net/weights/shipped.ts";
import { ffprobe, packetMd5, ROOT, run, tempDir } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** The shell commands of the README's "Two commands" section, in order. */
async function quickStartCommands(): Promise<string[][]> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const section = readme.split(/^## /m).find((s) => s.startsWith("Two commands"));
  assert.ok(section, 'README.md has no "## Two commands" section');
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim().split(/\s+/));
}

// deno-lint-ignore no-explicit-any
function streamOf(info: any, type: string) {
  // deno-lint-ignore no-explicit-any
  return info.streams.find((s: any) => s.codec_type === type);
}

Deno.test("README: the quick start is npx upscale of a shipped clip, then npx deno task test", async () => {
  const [upscale, test, ...rest] = await quickStartCommands();
  assert.equal(rest.length, 0);
  assert.deepEqual(upscale.slice(0, 7), [
    "npx",
    "-y",
    "deno",
    "run",
    "-A",
    "cli/main.ts",
    "upscale",
  ]);
  assert.deepEqual(test, ["npx", "-y", "deno", "task", "test"]);
  const input = upscale[7];
  assert.ok(
    !input.startsWith("/") && !normalize(input).startsWith(".."),
    `${input} lies outside the repository: a fresh clone does not have it`,
  );
  const size = (await Deno.stat(`${ROOT}${input}`)).size;
  assert.ok(size < 400_000, `${input} is ${size} bytes; the sample should stay small`);
  const info = await ffprobe(`${ROOT}${input}`);
  assert.ok(streamOf(info, "video") && streamOf(info, "audio"), `${input} needs video and audio`);
});

Deno.test({
  ...opts,
  name: "README: the upscale command, as written, doubles the sample and keeps its audio and title",
  fn: async () => {
    const [upscale] = await quickStartCommands();
    const [input, output, ...flags] = upscale.slice(7);
    const { dir, cleanup } = await tempDir();
    try {
      const out = `${dir}/${output}`;
      const r = await run(Deno.execPath(), [
        "run",
        "-A",
        "cli/main.ts",
        "upscale",
        input,
        out,
        ...flags,
      ], {
        cwd: ROOT,
      });
      assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
      const a = await ffprobe(`${ROOT}${input}`), b = await ffprobe(out);
      const va = streamOf(a, "video"), vb = streamOf(b, "video");
      assert.deepEqual([vb.width, vb.height], [2 * va.width, 2 * va.height]);
      assert.equal(vb.nb_frames, va.nb_frames);
      assert.equal(await packetMd5(out, "0:a"), await packetMd5(`${ROOT}${input}`, "0:a"));
      assert.equal(b.format.tags?.title, a.format.tags?.title);
    } finally {
      await cleanup();
    }
  },
});

Deno.test("models/README.md says which weights to use when, for every file that is shipped", async () => {
  const readme = await Deno.readTextFile(`${ROOT}models/README.md`);
  const section = readme.split(/^## /m).find((s) => s.startsWith("Which weights when"));
  assert.ok(section, 'models/README.md has no "## Which weights when" section');
  const items = section.split(/^- /m).slice(1);
  assert.ok(items.some((i) => i.startsWith("`--weights auto` (the default)")), section);
  for (const scale of SUPPORTED_SCALES) {
    for (const name of await shippedWeightsFor(scale)) {
      const file = (await shippedWeightsFile(name, scale)).split("/").pop()!;
      const item = items.find((i) => i.startsWith(`\`--weights ${name}\``));
      assert.ok(item, `no "--weights ${name}" item`);
      assert.ok(item.includes(`\`${file}\``), `the ${name} item does not name ${file}`);
    }
  }
});
