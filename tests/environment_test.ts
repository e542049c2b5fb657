/**
 * The CLI's process-wide settings for native libraries (cli/environment.ts), checked in a fresh
 * process each, as the CLI starts: WebGPU is asked for Vulkan only on Linux, so libEGL, whose
 * destructor at exit can corrupt the heap, is never loaded; a value the user set is kept.
 */
import assert from "node:assert/strict";
import { ROOT, run } from "./helpers.ts";

/** What a process that starts as the CLI does sees after it has asked for a GPU. */
interface Probe {
  backend: string | null;
  egl: boolean;
}

async function probe(env: Record<string, string>): Promise<Probe> {
  const code = `
    import "${ROOT}cli/environment.ts";
    import { getGpu } from "${ROOT}src/net/gpu.ts";
    await getGpu();
    const maps = await Deno.readTextFile("/proc/self/maps");
    console.log(JSON.stringify({
      backend: Deno.env.get("DENO_WEBGPU_BACKEND") ?? null,
      egl: /libEGL/.test(maps),
    }));`;
  const r = await run(Deno.execPath(), ["eval", code], {
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/",
      ...env,
    },
    clearEnv: true,
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Whether the dynamic linker can find libEGL here (wgpu's OpenGL backend opens it). */
async function eglInstalled(): Promise<boolean> {
  try {
    return /libEGL\.so\.1\b/.test((await run("/sbin/ldconfig", ["-p"])).stdout);
  } catch {
    return false;
  }
}

Deno.test({
  name: "CLI environment: WebGPU through Vulkan only on Linux (no EGL); the user's choice is kept",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const chosen = await probe({});
    assert.equal(chosen.backend, "vulkan");
    assert.equal(chosen.egl, false, "EGL was loaded although only Vulkan was asked for");

    // The control: with OpenGL asked for, EGL loads wherever it is installed, so the check
    // above can tell the difference.
    const users = await probe({ DENO_WEBGPU_BACKEND: "vulkan,gl" });
    assert.equal(users.backend, "vulkan,gl");
    assert.equal(users.egl, await eglInstalled());
  },
});
