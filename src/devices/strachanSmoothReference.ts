/**
 * The reference evaluation of the rate of `strachan-taox-smooth`: the header equations of
 * strachanSmooth.ts transcribed term by term (softplus for ln θ and for the soft cap, one exp per
 * capped exponential), as the model computed them before the fast form. It is the oracle that
 * the fast smoothStateRate is tested and benchmarked against
 * (test/devices/strachanSmoothFast.test.ts, bench/memristor-eval.ts); the model uses the fast one.
 */
import { sinhFactor, softCap, softplus } from "./smoothKernels.js";
import { boundaryWindow, type SmoothConstants, smoothConductance } from "./strachanSmooth.js";

/**
 * The log-rates at (w, v): dw/dt = [h(v/σ_on)·e^{cap(lamOn)} + h(v/σ_off)·e^{cap(lamOff)}]·W;
 * kOn, kOff are the sums of the magnitudes of their summands (the rounding scale of Λ).
 */
export interface SmoothExponents {
  lamOn: number;
  lamOff: number;
  kOn: number;
  kOff: number;
  window: number;
}

const scratch = new Float64Array(3);

export function smoothReferenceExponents(
  K: SmoothConstants,
  w: number,
  v: number,
): SmoothExponents {
  boundaryWindow(K, w, v, scratch);
  const wc = Math.min(Math.max(w, K.w_min), K.w_max);
  const p = smoothConductance(K, w, v) * v * v;
  const av = Math.abs(v);
  const kv = K.k_theta * v;
  const wx = wc / K.x_on;
  const xw = K.x_off / wc;
  const spOn = softplus(-kv);
  const spOff = softplus(kv);
  return {
    lamOn: K.lnB_on + av / K.sigma_on - wx * wx + p / K.sigma_p - spOn,
    lamOff: K.lnA_off + av / K.sigma_off - xw * xw + 1 / (1 + K.beta * p) - spOff,
    kOn: Math.abs(K.lnB_on) + av / K.sigma_on + wx * wx + p / K.sigma_p + spOn,
    kOff: Math.abs(K.lnA_off) + av / K.sigma_off + xw * xw + 1 / (1 + K.beta * p) + spOff,
    window: scratch[0],
  };
}

/** dw/dt(w, v) [1/s] by the reference formulas. */
export function smoothStateRateReference(K: SmoothConstants, w: number, v: number): number {
  const x = smoothReferenceExponents(K, w, v);
  if (x.window === 0) return 0;
  const on = sinhFactor(v / K.sigma_on) * Math.exp(softCap(x.lamOn, K.M));
  const off = sinhFactor(v / K.sigma_off) * Math.exp(softCap(x.lamOff, K.M));
  return (on + off) * x.window;
}
