/**
 * Settings for the native libraries this program loads, made before any of them loads (main.ts
 * imports this module first). They live here, not in the library, because they change the
 * whole process: a program that embeds the library decides them for itself.
 */

/**
 * onnxruntime (1.2x and later) starts Microsoft's telemetry with the first session: it writes a
 * device id and an event database under ~/.cache/Microsoft/DeveloperTools/, and mat-debug-PID.log
 * and .ses into the temporary folder, none of which it removes. ORT_DISABLE_TELEMETRY, read when
 * onnxruntime starts, turns all of it off. A value the user set is kept.
 */
if (Deno.env.get("ORT_DISABLE_TELEMETRY") === undefined) {
  Deno.env.set("ORT_DISABLE_TELEMETRY", "1");
}

/**
 * WebGPU's adapter request also looks for a Wayland display (wgpu's GL backend), and
 * libwayland prints "XDG_RUNTIME_DIR is invalid or not set" on our stderr where there is no
 * runtime folder (headless machines, services, CI), so no display either. A display name that
 * is an absolute path skips that check, and one that cannot exist makes the search fail
 * quietly, with no folder to create and remove.
 */
const runtimeDir = Deno.env.get("XDG_RUNTIME_DIR") ?? "";
const waylandDisplay = Deno.env.get("WAYLAND_DISPLAY") ?? "";
if (!runtimeDir.startsWith("/") && !waylandDisplay.startsWith("/")) {
  Deno.env.set("WAYLAND_DISPLAY", "/dev/null/no-wayland-display");
}

/**
 * On Linux, WebGPU is asked for Vulkan adapters only: the OpenGL search loads libEGL, whose
 * destructor at exit has crashed finished processes (docs/design.md, "Vulkan only"). Every GPU
 * that Linux drivers of the last decade support has a Vulkan driver. A value the user set is
 * kept (`vulkan,gl` brings OpenGL back).
 */
if (Deno.build.os === "linux" && Deno.env.get("DENO_WEBGPU_BACKEND") === undefined) {
  Deno.env.set("DENO_WEBGPU_BACKEND", "vulkan");
}
