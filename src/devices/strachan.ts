/**
 * The original Strachan TaOx memristor model (IEEE TED 60(7):2194–2202, 2013), DESIGN.md 2.1:
 *
 *   i = G(w, v)·v,   G(w, v) = G_m·w + a·(1 − w)·exp(b·√|v|),   p = i·v
 *   dw/dt = A_off·sinh(v/σ_off)·exp(−(x_off/w)²)·exp(1/(1 + β·p))·θ(−v)
 *         + B_on ·sinh(v/σ_on) ·exp(−(w/x_on)²) ·exp(p/σ_p)        ·θ(v)
 *
 * exactly as published: θ is the unit step, nothing keeps w in (0, 1], rates overflow to ∞ at
 * high voltage (p/σ_p > 709). Use the smooth model (strachanSmooth.ts) inside circuits.
 */
import { resolveParams } from "../core/params.js";
import { STRACHAN_PARAMS, type StrachanParams } from "./strachanParams.js";
import type { MemristorModel } from "./types.js";

export const STRACHAN_NAME = "strachan-taox";

/** G(w, v) [S]. */
export function strachanConductance(P: StrachanParams, w: number, v: number): number {
  return P.G_m * w + P.a * (1 - w) * Math.exp(P.b * Math.sqrt(Math.abs(v)));
}

/** i(w, v) = G(w, v)·v [A]. */
export function strachanCurrent(P: StrachanParams, w: number, v: number): number {
  return strachanConductance(P, w, v) * v;
}

/** The ON term without its step: B_on·sinh(v/σ_on)·exp(−(w/x_on)²)·exp(p/σ_p) [1/s]. */
export function strachanOnRate(P: StrachanParams, w: number, v: number): number {
  const p = strachanConductance(P, w, v) * v * v;
  const wx = w / P.x_on;
  return P.B_on * Math.sinh(v / P.sigma_on) * Math.exp(p / P.sigma_p - wx * wx);
}

/** The OFF term without its step: A_off·sinh(v/σ_off)·exp(−(x_off/w)²)·exp(1/(1+β·p)) [1/s]. */
export function strachanOffRate(P: StrachanParams, w: number, v: number): number {
  const p = strachanConductance(P, w, v) * v * v;
  const xw = P.x_off / w;
  return P.A_off * Math.sinh(v / P.sigma_off) * Math.exp(1 / (1 + P.beta * p) - xw * xw);
}

/** dw/dt(w, v) [1/s]: the OFF term for v < 0, the ON term for v > 0, 0 at v = 0. */
export function strachanStateRate(P: StrachanParams, w: number, v: number): number {
  if (v > 0) return strachanOnRate(P, w, v);
  if (v < 0) return strachanOffRate(P, w, v);
  return 0;
}

/**
 * [∂i/∂w, ∂i/∂v, ∂(dw/dt)/∂w, ∂(dw/dt)/∂v] into out, analytically. ∂i/∂v is finite at v = 0
 * (the √|v| singularity of ∂G/∂v is cancelled by the factor v): ∂i/∂v = G + a(1−w)·b·e^{b√|v|}·√|v|/2.
 * θ makes dw/dt non-differentiable at v = 0; there the ON-side (right) derivative is returned.
 */
export function strachanPartials(P: StrachanParams, w: number, v: number, out: Float64Array): void {
  const sv = Math.sqrt(Math.abs(v));
  const E = Math.exp(P.b * sv);
  const G = P.G_m * w + P.a * (1 - w) * E;
  const G_w = P.G_m - P.a * E;
  const i_w = G_w * v;
  const i_v = G + 0.5 * P.a * (1 - w) * P.b * E * sv;
  const p = G * v * v;
  const p_w = v * i_w;
  const p_v = v * (G + i_v);
  out[0] = i_w;
  out[1] = i_v;
  if (v >= 0) {
    const wx = w / P.x_on;
    const F = P.B_on * Math.exp(p / P.sigma_p - wx * wx);
    const S = Math.sinh(v / P.sigma_on);
    const rate = S * F;
    out[2] = rate === 0 ? 0 : rate * (p_w / P.sigma_p - (2 * w) / (P.x_on * P.x_on));
    out[3] =
      (Math.cosh(v / P.sigma_on) / P.sigma_on) * F + (rate === 0 ? 0 : (rate * p_v) / P.sigma_p);
  } else {
    const xw = P.x_off / w;
    const q = 1 + P.beta * p;
    const F = P.A_off * Math.exp(1 / q - xw * xw);
    const S = Math.sinh(v / P.sigma_off);
    const rate = S * F;
    const dlnq = -P.beta / (q * q);
    out[2] = rate === 0 ? 0 : rate * ((2 * xw * xw) / w + dlnq * p_w);
    out[3] = (Math.cosh(v / P.sigma_off) / P.sigma_off) * F + (rate === 0 ? 0 : rate * dlnq * p_v);
  }
}

/** The original model as a MemristorModel; w's nominal domain is [0, 1] (not enforced). */
export function createStrachan(overrides?: Readonly<Record<string, unknown>>): MemristorModel {
  const params = resolveParams(STRACHAN_PARAMS, overrides, "memristor.params");
  const P = params as unknown as StrachanParams;
  return {
    name: STRACHAN_NAME,
    params: Object.freeze(params),
    wMin: 0,
    wMax: 1,
    current: (w, v) => strachanCurrent(P, w, v),
    stateRate: (w, v) => strachanStateRate(P, w, v),
    partials: (w, v, out) => strachanPartials(P, w, v, out),
  };
}
