/** Whether an existing work folder may be continued, and discarding one when asked to. */
import { InputError } from "../core/errors.ts";
import { checkInputFile } from "../media/ffmpeg/probe.ts";
import { exists } from "../core/fs.ts";
import {
  absolutePath,
  identityChange,
  inputIdentity,
  type PixelSettings,
  type PlanItem,
  settingsChange,
  type WorkPlan,
  writing,
} from "./manifest.ts";
import { isWorkFolder, lockFolder, notWorkFolder } from "./work.ts";

/**
 * Why a plan cannot be continued for these inputs, outputs and settings, or null when it can.
 */
export async function reuseProblem(
  plan: WorkPlan,
  io: { input: string; output: string }[],
  settings: PixelSettings,
): Promise<string | null> {
  if (
    plan.items.length !== io.length ||
    plan.items.some((it, i) => it.output !== absolutePath(io[i].output))
  ) {
    return "was made for other outputs";
  }
  for (let i = 0; i < io.length; i++) {
    const it = plan.items[i];
    if (it.input !== absolutePath(io[i].input)) return `was made for another input (${it.input})`;
    await checkInputFile(io[i].input);
    const change = identityChange(it.identity, await inputIdentity(io[i].input));
    if (change) return `was made for ${io[i].input} before ${change}`;
  }
  const change = settingsChange(plan.settings, settings);
  return change ? `was made with other settings (${change})` : null;
}

/**
 * Removes a work folder that the caller asked to discard; refuses folders that are not ours,
 * and folders in use (see lockFolder).
 */
export async function discardWork(
  work: string,
  output: string,
  onNotice?: (message: string) => void,
): Promise<void> {
  if (!(await exists(work))) return;
  if (!(await isWorkFolder(work))) {
    throw notWorkFolder(output, work);
  }
  await lockFolder(work, onNotice);
  await writing(work, () => Deno.remove(work, { recursive: true }));
}

/** Checks that a planned input is still the file that was planned. */
export async function checkUnchanged(item: PlanItem): Promise<void> {
  await checkInputFile(item.input);
  const change = identityChange(item.identity, await inputIdentity(item.input));
  if (change) throw new InputError(item.input, `changed since it was planned: ${change}`);
}
