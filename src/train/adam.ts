/**
 * Adam (Kingma & Ba) over named Float32 parameters, with a learning-rate multiplier per
 * parameter: FSRCNN trains better with a smaller rate on the last layer (the reference
 * implementations use a tenth; full rate there gave 0.5–1.2 dB dips in our yardstick runs).
 */

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Serialisable optimiser state (moments and step count). */
export interface AdamState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  state: AdamState;

  constructor(params: Map<string, Float32Array>, options: AdamOptions = {}, state?: AdamState) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.state = state ?? {
      step: 0,
      m: new Map([...params].map(([k, p]) => [k, new Float32Array(p.length)])),
      v: new Map([...params].map(([k, p]) => [k, new Float32Array(p.length)])),
    };
  }

  /**
   * Updates `params` in place from `grads`. `rateOf(name)` gives each parameter's learning
   * rate for this step.
   */
  update(
    params: Map<string, Float32Array>,
    grads: Map<string, Float32Array>,
    rateOf: (name: string) => number,
  ): void {
    const st = this.state;
    st.step++;
    const c1 = 1 - this.beta1 ** st.step;
    const c2 = 1 - this.beta2 ** st.step;
    for (const [name, p] of params) {
      const g = grads.get(name);
      if (!g) throw new Error(`no gradient for ${name}`);
      const m = st.m.get(name)!, v = st.v.get(name)!;
      const lr = rateOf(name);
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * gi;
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * gi * gi;
        p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + this.epsilon);
      }
    }
  }
}
