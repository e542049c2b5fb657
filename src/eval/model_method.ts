/**
 * FSRCNN as an evaluation method: the LR Y plane (0..255 units) goes through the network in
 * [0, 1] and comes back in 0..255 units, unrounded (the protocol rounds).
 */
import type { TiledUpscaler } from "../model/tiled.ts";
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
