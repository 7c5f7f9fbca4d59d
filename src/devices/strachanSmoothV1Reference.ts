/**
 * The reference evaluation of `strachan-taox-smooth-v1`: the equations of strachanSmoothV1.ts
 * transcribed term by term as training/memristor.py writes them (softplus soft cap, ln σ via
 * softplus, each of the four capped exponentials formed on its own), with central-difference
 * partials. It is the oracle the fast evaluation (smoothV1Eval.ts) is tested and benchmarked
 * against (test/devices/strachanSmoothV1Fast.test.ts, bench/memristor-eval.ts); models use the
 * fast one.
 */
import { resolveParams } from "../core/params.js";
import { softplus } from "./smoothKernels.js";
import {
  SMOOTH_V1_PARAMS,
  type SmoothV1Params,
  STRACHAN_SMOOTH_V1_NAME,
} from "./strachanSmoothV1Params.js";
import type { MemristorModel } from "./types.js";

const softCap = (e: number, eMax: number) => eMax - softplus(eMax - e);
/** ln σ(z) = −softplus(−z). */
const logSigmoid = (z: number) => -softplus(-z);

function clampW(P: SmoothV1Params, w: number): number {
  return w < P.w_min ? P.w_min : w > 1 ? 1 : w;
}

/** G(w, v) [S]. */
export function smoothV1ReferenceConductance(P: SmoothV1Params, w: number, v: number): number {
  const wc = clampW(P, w);
  return (
    P.G_m * wc + P.a * (1 - wc) * Math.exp(P.b * Math.sqrt(v * Math.tanh(0.5 * P.rho * v) + P.eps))
  );
}

/** R(L, s) = ½(e^{cap(L+s)} − e^{cap(L−s)}). */
function cappedRate(l: number, s: number, eMax: number): number {
  return 0.5 * (Math.exp(softCap(l + s, eMax)) - Math.exp(softCap(l - s, eMax)));
}

/**
 * The exponents of the rate at (w, v): τ·dw/dt = R(lOff, sOff) + R(lOn, sOn) with cap level
 * eMax; kOff, kOn are the sums of the magnitudes of the summands of lOff ± sOff and lOn ± sOn,
 * which bound the rounding of the exponents (u·k absolute) in any formulation.
 */
export interface SmoothV1Exponents {
  lOff: number;
  lOn: number;
  sOff: number;
  sOn: number;
  eMax: number;
  kOff: number;
  kOn: number;
}

export function smoothV1ReferenceExponents(
  P: SmoothV1Params,
  w: number,
  v: number,
): SmoothV1Exponents {
  const wc = clampW(P, w);
  const G = smoothV1ReferenceConductance(P, w, v);
  const p = G * v * v;
  const thetaOn = logSigmoid(P.k_theta * v);
  const xw = P.x_off / wc;
  const wx = wc / P.x_on;
  const logOff = Math.log(P.tau * P.A_off);
  const logOn = Math.log(P.tau * P.B_on);
  const inv1 = 1 / (1 + P.beta * p);
  const thetaOff = thetaOn - P.k_theta * v; // ln σ(−kv) = ln σ(kv) − kv
  const sOff = v / P.sigma_off;
  const sOn = v / P.sigma_on;
  return {
    lOff: logOff - xw * xw + inv1 + thetaOff,
    lOn: logOn - wx * wx + p / P.sigma_p + thetaOn,
    sOff,
    sOn,
    eMax: Math.log(2 * P.rate_cap),
    kOff: Math.abs(logOff) + xw * xw + inv1 + Math.abs(thetaOff) + Math.abs(sOff),
    kOn: Math.abs(logOn) + wx * wx + p / P.sigma_p + Math.abs(thetaOn) + Math.abs(sOn),
  };
}

/** τ·dw/dt, per unit of normalised cell time. */
export function smoothV1ReferenceRate(P: SmoothV1Params, w: number, v: number): number {
  const x = smoothV1ReferenceExponents(P, w, v);
  return cappedRate(x.lOff, x.sOff, x.eMax) + cappedRate(x.lOn, x.sOn, x.eMax);
}

/** e^{cap(E)}, the reference's capped exponential. */
export function smoothV1ReferenceCappedExp(e: number, eMax: number): number {
  return Math.exp(softCap(e, eMax));
}

/** The model evaluated by the reference formulas (central-difference partials, step 1e-7). */
export function createStrachanSmoothV1Reference(
  overrides?: Readonly<Record<string, unknown>>,
): MemristorModel {
  const params = resolveParams(SMOOTH_V1_PARAMS, overrides, "memristor.params");
  const P = params as unknown as SmoothV1Params;
  const h = 1e-7;
  const i = (w: number, v: number) => smoothV1ReferenceConductance(P, w, v) * v;
  const g = (w: number, v: number) => smoothV1ReferenceRate(P, w, v) / P.tau;
  return {
    name: STRACHAN_SMOOTH_V1_NAME,
    params: Object.freeze(params),
    wMin: 0,
    wMax: 1,
    current: i,
    stateRate: g,
    currentAndRate: (w, v, out) => {
      out[0] = i(w, v);
      out[1] = g(w, v);
    },
    partials: (w, v, out) => {
      out[0] = (i(w + h, v) - i(w - h, v)) / (2 * h);
      out[1] = (i(w, v + h) - i(w, v - h)) / (2 * h);
      out[2] = (g(w + h, v) - g(w - h, v)) / (2 * h);
      out[3] = (g(w, v + h) - g(w, v - h)) / (2 * h);
    },
  };
}
