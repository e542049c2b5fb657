/**
 * The shipped weights: one table of the files in this package's `models/` folder, each with the
 * network it runs and the pictures `auto` chooses it for, and the one way to a shipped file.
 */
import { fileURLToPath } from "node:url";
import { OptionError } from "../../core/errors.ts";
import type { NetworkName } from "../networks.ts";

/**
 * How a low-resolution picture looks to have been made, as far as its luma tells: `unclear` is
 * a scaler the aliasing cannot name (a band where nearest-neighbour and antialiased pictures
 * overlap), which is given weights that suit both.
 */
export type LrOrigin = "clean" | "compressed" | "unclear" | "aliased";

/** One set of shipped weights and the pictures it is chosen for. */
export interface ShippedWeights<Name extends string = ShippedWeightsName> {
  /** Its name, by which it is asked for. */
  name: Name;
  /** File name in `models/`; `{scale}` stands for the scale. */
  file: string;
  /** The network the file holds (see src/net/networks.ts). */
  network: NetworkName;
  /**
   * The origins `auto` chooses it for; the first entry of the table that is shipped wins. None:
   * only ever chosen by name.
   */
  chosenFor: readonly LrOrigin[];
}

/** A line of {@link SHIPPED_WEIGHTS}. */
function weights<const Name extends string>(
  name: Name,
  file: string,
  network: NetworkName,
  chosenFor: readonly LrOrigin[],
): ShippedWeights<Name> {
  return { name, file, network, chosenFor };
}

/**
 * The shipped weights in order of preference: for an origin, the first entry that lists it and
 * whose file exists for the scale is chosen. The paper weights come last and serve every origin,
 * so that a scale with nothing else shipped (×3, ×4) still has its weights; weights chosen for
no origin are used only when named. One line per file:
 * adding or dropping weights is adding or dropping a line (their names follow).
 */
export const SHIPPED_WEIGHTS = [
  weights("video-aliased", "fsrcnn_video_aliased_x{scale}.safetensors", "fsrcnn", ["aliased"]),
  weights("video-compressed", "fsrcnn_video_compressed_x{scale}.safetensors", "fsrcnn", [
    "compressed",
  ]),
  weights("video", "fsrcnn_video_x{scale}.safetensors", "fsrcnn", [
    "unclear",
    "compressed",
    "aliased",
  ]),
  weights("paper", "fsrcnn_x{scale}.safetensors", "fsrcnn", [
    "clean",
    "compressed",
    "unclear",
    "aliased",
  ]),
  // FSRCNN-s: about a third of FSRCNN's work per pixel, for speed over pictures; by name only.
  // `fast` is trained as `video` is, `fast-paper` as `paper` is.
  weights("fast", "fsrcnn_s_video_x{scale}.safetensors", "fsrcnn-s", []),
  weights("fast-paper", "fsrcnn_s_x{scale}.safetensors", "fsrcnn-s", []),
] as const;

/**
 * The two specialists that pictures of an unclear scaler get blended, where both are shipped
 * for the scale (see chooseWeights): the nearest-neighbour one first. Where either is missing,
 * such pictures get the first entry of {@link SHIPPED_WEIGHTS} chosen for `unclear`.
 */
export const UNCLEAR_BLEND = ["video-aliased", "video-compressed"] as const satisfies readonly [
  ShippedWeightsName,
  ShippedWeightsName,
];

/** The names of the shipped weights (`paper`, `video`, …). */
export type ShippedWeightsName = (typeof SHIPPED_WEIGHTS)[number]["name"];

/** A named choice of shipped weights: one of them, or `auto` to choose from the input. */
export type ShippedChoice = "auto" | ShippedWeightsName;

/** Every name a shipped choice may have: `auto` and the names of {@link SHIPPED_WEIGHTS}. */
export const SHIPPED_CHOICES: readonly ShippedChoice[] = [
  "auto",
  ...SHIPPED_WEIGHTS.map((w) => w.name),
];

/** Whether a string names a shipped choice (`auto`, `paper`, `video`, …). */
export function isShippedChoice(value: string): value is ShippedChoice {
  return (SHIPPED_CHOICES as readonly string[]).includes(value);
}

/** The file of shipped weights for a scale, whether or not it is there. */
function pathOf(name: ShippedWeightsName, scale: number): string {
  const entry = SHIPPED_WEIGHTS.find((w) => w.name === name)!;
  const file = entry.file.replace("{scale}", String(scale));
  return fileURLToPath(new URL(`../../../models/${file}`, import.meta.url));
}

/**
 * The names of the shipped weights whose files exist for `scale`, in the order of
 * {@link SHIPPED_WEIGHTS}.
 *
 * @param scale Upscaling factor.
 * @param auto Only those `auto` may choose (see {@link ShippedWeights.chosenFor}).
 */
export async function shippedWeightsFor(
  scale: number,
  { auto = false }: { auto?: boolean } = {},
): Promise<ShippedWeightsName[]> {
  const names: ShippedWeightsName[] = [];
  for (const w of SHIPPED_WEIGHTS) {
    if (auto && w.chosenFor.length === 0) continue;
    try {
      if ((await Deno.stat(pathOf(w.name, scale))).isFile) names.push(w.name);
    } catch {
      // Not shipped for this scale.
    }
  }
  return names;
}

/**
 * The file of shipped weights named for a scale, in this package's `models/` folder (for
 * example `paper` at ×2: `models/fsrcnn_x2.safetensors`), checked to be shipped.
 *
 * @param name Which weights.
 * @param scale Upscaling factor.
 * @returns An absolute file path.
 * @throws {OptionError} (for the option `weights`) They are not shipped for `scale`.
 */
export async function shippedWeightsFile(name: ShippedWeightsName, scale: number): Promise<string> {
  const shipped = await shippedWeightsFor(scale);
  if (!shipped.includes(name)) {
    throw new OptionError(
      "weights",
      `${name}: no ${name} weights are shipped for x${scale} (shipped: ${shipped.join(", ")})`,
    );
  }
  return pathOf(name, scale);
}
