/**
 * FSRCNN as an evaluation method: the LR Y plane (0..255 units) goes through the network in
 * [0, 1] and comes back in 0..255 units, unrounded (the protocol rounds). With the shipped
 * weights chosen per image, each LR image is measured and goes through the weights chosen for
 * it, as `upscaleFile` chooses for an input.
 */
import { lrStatistics } from "../net/weights/lr_statistics.ts";
import type { BackendChoice } from "../net/backends.ts";
import { createEngine } from "../net/create.ts";
import type { SrEngine } from "../net/engine.ts";
import { TiledUpscaler } from "../net/tiling/tiled.ts";
import { loadWeights } from "../net/weights/file.ts";
import { shippedWeightsFor } from "../net/weights/shipped.ts";
import { chooseWeights } from "../net/weights/choice.ts";
import { shippedWeightsFile, type ShippedWeightsName } from "../net/weights/shipped.ts";
import type { SrMethod } from "./protocol.ts";

export function modelMethod(upscaler: TiledUpscaler): SrMethod {
  return async ({ lrY }) => {
    const input = new Float32Array(lrY.data.length);
    for (let i = 0; i < input.length; i++) input[i] = lrY.data[i] / 255;
    const [out] = await upscaler.upscale([{ data: input, width: lrY.width, height: lrY.height }]);
    for (let i = 0; i < out.data.length; i++) out.data[i] *= 255;
    return out;
  };
}

/** Every shipped weights file of a scale, each in an engine of its own. */
export interface ShippedEngines {
  engines: Map<ShippedWeightsName, SrEngine>;
  dispose(): void;
}

/** Engines for every set of shipped weights of `scale` that `auto` may choose (see chooseWeights). */
export async function shippedEngines(
  scale: number,
  backend: BackendChoice,
): Promise<ShippedEngines> {
  const engines = new Map<ShippedWeightsName, SrEngine>();
  const dispose = () => {
    for (const e of engines.values()) e.dispose();
  };
  try {
    for (const name of await shippedWeightsFor(scale, { auto: true })) {
      const weights = await loadWeights(await shippedWeightsFile(name, scale), scale);
      engines.set(name, await createEngine(weights, { backend }));
    }
  } catch (e) {
    dispose();
    throw e;
  }
  return { engines, dispose };
}

/** What {@link choosingMethod} counts a blend of two shipped files as, e.g. `video-aliased+video-compressed`. */
export function blendLabel(names: readonly [ShippedWeightsName, ShippedWeightsName]): string {
  return names.join("+");
}

/**
 * The shipped weights chosen per LR image (see chooseWeights): each image (or the keyframe
 * given as its `choiceLr`) is measured as a picture holds it (rounded to 8 bits) and goes
 * through the engine of the weights chosen for it; a blend, through both engines, their
 * outputs mixed by its share (what the blended network computes, up to float rounding).
 * `chosen` counts the choices by name (a blend by {@link blendLabel}); `lossyCodec` names the
 * codec the LR images went through, as `upscale` knows an input's.
 */
export function choosingMethod(
  engines: ReadonlyMap<ShippedWeightsName, SrEngine>,
  chosen: Map<string, number>,
  lossyCodec?: string,
): SrMethod {
  const shipped = [...engines.keys()];
  const methods = new Map(
    [...engines].map(([name, engine]) => [name, modelMethod(new TiledUpscaler(engine))]),
  );
  return ({ lrY, scale, choiceLr }) => {
    const measured = choiceLr ?? lrY;
    const codes = Uint8Array.from(measured.data, (v) => Math.min(255, Math.max(0, Math.round(v))));
    const statistics = shipped.length > 1
      ? lrStatistics([{ data: codes, width: measured.width, height: measured.height }], 255)
      : null;
    const choice = chooseWeights(statistics, scale, shipped, lossyCodec);
    const label = choice.blend ? blendLabel(choice.blend.names) : choice.name!;
    chosen.set(label, (chosen.get(label) ?? 0) + 1);
    if (!choice.blend) return methods.get(choice.name!)!({ lrY, scale });
    const { names: [a, b], share } = choice.blend;
    return Promise.all([methods.get(a)!({ lrY, scale }), methods.get(b)!({ lrY, scale })]).then(
      ([ya, yb]) => {
        for (let i = 0; i < ya.data.length; i++) {
          ya.data[i] = share * ya.data[i] + (1 - share) * yb.data[i];
        }
        return ya;
      },
    );
  };
}
