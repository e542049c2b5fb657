/**
 * Nothing outside the output: a run leaves no file in HOME or the temporary folder (the
 * native libraries' telemetry and logs included), and a run after one that was killed with
 * `kill -9` removes the temporaries that the killed run could not.
 */
import assert from "node:assert/strict";
import { CLI, FFMPEG, listDir, makeClip, run, tempDir } from "./helpers.ts";

/** Where Deno keeps its own caches: passed on, so that Deno itself does not fill the new HOME. */
const DENO_DIR = JSON.parse((await run(Deno.execPath(), ["info", "--json"])).stdout).denoDir;

/** Every path under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string) => {
    for await (const e of Deno.readDir(`${dir}${sub}`)) {
      out.push(`${sub}/${e.name}`);
      if (e.isDirectory) await walk(`${sub}/${e.name}`);
    }
  };
  await walk("");
  return out.sort();
}

/** A process id that no process has now: one of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command(FFMPEG, { args: ["-version"], stdout: "null" }).spawn();
  await child.status;
  return child.pid;
}

Deno.test("upscale leaves nothing in a fresh HOME and TMPDIR", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    for (const d of ["home", "tmp", "work", "work/frames"]) await Deno.mkdir(`${dir}/${d}`);
    await makeClip(`${dir}/work/in.mp4`, { frames: 5, audio: true });
    for (const n of [1, 2]) {
      await run(FFMPEG, [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=40x30",
        "-frames:v",
        "1",
        `${dir}/work/frames/${n}.png`,
      ]);
    }
    // What a headless machine has: no XDG_RUNTIME_DIR, no display, nothing but these.
    const env = {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: `${dir}/home`,
      TMPDIR: `${dir}/tmp`,
      DENO_DIR,
    };
    const runs = [
      ["in.mp4", "out.mp4"], // a video, auto backend (WebGPU is probed, onnxruntime runs)
      ["frames", "out_frames"], // a folder of images: numbered through links in TMPDIR
      ["frames/1.png", "big.png", "--backend", "wasm"], // a still, through tfjs
    ];
    for (const args of runs) {
      const r = await run(Deno.execPath(), ["run", "-A", CLI, "upscale", ...args], {
        cwd: `${dir}/work`,
        env,
        clearEnv: true,
      });
      assert.equal(r.code, 0, r.stderr);
      // One line, the summary: no complaint about XDG_RUNTIME_DIR from the GPU probe.
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    assert.deepEqual(await tree(`${dir}/home`), []);
    assert.deepEqual(await tree(`${dir}/tmp`), []);
    assert.deepEqual(await listDir(`${dir}/work`), [
      "big.png",
      "frames",
      "in.mp4",
      "out.mp4",
      "out_frames",
    ]);
  } finally {
    await cleanup();
  }
});

Deno.test("a run after kill -9 removes the temporaries of its output that the killed run left", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    // Long enough to be caught in the middle.
    await makeClip(`${dir}/in.mp4`, { width: 320, height: 240, frames: 250, audio: false });
    const args = ["run", "-A", CLI, "upscale", "in.mp4", "out.mp4", "--backend", "onnx", "-q"];
    const child = new Deno.Command(Deno.execPath(), {
      args: [...args, "--threads", "1"],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).spawn();
    let temp: string | undefined;
    for (let i = 0; i < 600 && !temp; i++) {
      await new Promise((r) => setTimeout(r, 100));
      temp = (await listDir(dir)).find((n) => n.startsWith(`.out.partial-${child.pid}-`));
    }
    assert.ok(temp, "the run never wrote its temporary output");
    assert.match(temp, new RegExp(`^\\.out\\.partial-${child.pid}-[0-9a-f]{8}\\.mp4$`));
    child.kill("SIGKILL");
    await child.status;
    // The killed run's encoder (ffmpeg) finishes on its own once its input closes.
    assert.ok((await listDir(dir)).includes(temp), "kill -9 left no temporary: nothing to test");

    // Stale temporaries of other kinds and runs: a sequence's frame folder of a dead process,
    // one of a process id now taken by a process that started after the file was written
    // (pid 1), and one of a live process (this test), which must stay.
    const dead = await deadPid();
    const staleFolder = `.fsrcnn-partial-${dead}-0badf00d`;
    await Deno.mkdir(`${dir}/frames/${staleFolder}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/frames/${staleFolder}/000001.png`, "half");
    const reused = `.out.partial-1-12345678.mp4`;
    await Deno.writeTextFile(`${dir}/${reused}`, "old");
    await Deno.utime(`${dir}/${reused}`, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const live = `.out.partial-${Deno.pid}-abcdef01.mp4`;
    await Deno.writeTextFile(`${dir}/${live}`, "being written");
    const otherOutput = `.other.partial-${dead}-abcdef02.mp4`;
    await Deno.writeTextFile(`${dir}/${otherOutput}`, "not this output's");

    const small = ["run", "-A", CLI, "upscale", "--backend", "onnx"];
    await makeClip(`${dir}/small.mp4`, { frames: 3, audio: false });
    const again = await run(Deno.execPath(), [...small, "small.mp4", "out.mp4"], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    const lines = again.stderr.trim().split("\n");
    assert.deepEqual(
      lines.slice(0, -1).sort(),
      [
        `fsrcnn: removed ./${reused}, left by an earlier run that was killed (process 1)`,
        `fsrcnn: removed ./${temp}, left by an earlier run that was killed (process ${child.pid})`,
      ].sort(),
    );
    assert.deepEqual(
      await listDir(dir),
      [
        otherOutput,
        live,
        "frames",
        "in.mp4",
        "out.mp4",
        "small.mp4",
      ].sort(),
    );

    // A frame-folder output sweeps its own kind.
    const seq = await run(Deno.execPath(), [...small, "small.mp4", "frames", "-q"], { cwd: dir });
    assert.equal(seq.code, 0, seq.stderr);
    assert.deepEqual(await listDir(`${dir}/frames`), ["000001.png", "000002.png", "000003.png"]);
  } finally {
    await cleanup();
  }
});
