/**
 * Weight layouts: PyTorch's OIHW ([out, in, kh, kw]) and tfjs' HWIO ([kh, kw, in, out]).
 */

/** Flat index pairs of the same weight in OIHW and HWIO order, visited by `visit`. */
function forEachWeight(
  o: number,
  i: number,
  k: number,
  visit: (oihw: number, hwio: number) => void,
): void {
  for (let oc = 0; oc < o; oc++) {
    for (let ic = 0; ic < i; ic++) {
      for (let y = 0; y < k; y++) {
        for (let x = 0; x < k; x++) {
          visit(((oc * i + ic) * k + y) * k + x, ((y * k + x) * i + ic) * o + oc);
        }
      }
    }
  }
}

/** OIHW (PyTorch) → HWIO (tfjs). */
export function oihwToHwio(w: ArrayLike<number>, o: number, i: number, k: number): Float32Array {
  const out = new Float32Array(o * i * k * k);
  forEachWeight(o, i, k, (a, b) => (out[b] = w[a]));
  return out;
}

/** HWIO (tfjs) → OIHW (PyTorch). */
export function hwioToOihw(w: ArrayLike<number>, o: number, i: number, k: number): Float32Array {
  const out = new Float32Array(o * i * k * k);
  forEachWeight(o, i, k, (a, b) => (out[a] = w[b]));
  return out;
}
