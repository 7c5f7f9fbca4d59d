/**
 * Smooth (C¹, overflow-free, bounded) reformulation of the Strachan TaOx model, DESIGN.md 2.2
 * [choice]; docs/memristor.md justifies each kernel and its default constant. With
 * w_c = clamp(w, w_min, w_max) (only a solver's trial stage can leave the bounds):
 *
 *   |v|_ρ  = v·tanh(ρv/2)                                  smooth |v| (Ascoli et al. 2015)
 *   s(v)   = √(|v|_ρ + ε²) − ε = |v|_ρ / (√(|v|_ρ + ε²) + ε)   safe √|v|, C^∞ at v = 0
 *   G      = G_m·w_c + a·(1 − w_c)·exp(b·s(v)),   i = G·v,   p = G·v²
 *   Λ_on   = ln B_on  + |v|/σ_on  − (w_c/x_on)²  + p/σ_p        − softplus(−k·v)
 *   Λ_off  = ln A_off + |v|/σ_off − (x_off/w_c)² + 1/(1 + β·p)  − softplus(k·v)
 *   cap(Λ) = M − softplus(M − Λ),   M = ln r_max
 *   h(u)   = sign(u)·(1 − e^{−2|u|})/2                         (sinh(u) = h(u)·e^{|u|})
 *   t_up   = (w_max − w)/δ_w + (min(v, 0)/v_w)²,   t_down = (w − w_min)/δ_w + (max(v, 0)/v_w)²
 *   W      = S(t_up)·S(t_down),   S(t) = t²(3 − 2t) clamped to [0, 1]
 *   dw/dt  = [h(v/σ_on)·e^{cap(Λ_on)} + h(v/σ_off)·e^{cap(Λ_off)}]·W
 *
 * Without cap and windows, e^{Λ_on}·h = B_on·sinh(v/σ_on)·exp(−(w/x_on)²)·exp(p/σ_p)·σ(kv): the
 * original ON term with θ(v) replaced by the logistic σ(kv) (likewise OFF with σ(−kv)).
 * The rate is evaluated with e^{cap(Λ)} = 1/(e^{−Λ} + 1/r_max) and one shared e^{−k|v|}
 * (rateAtPower); strachanSmoothReference.ts keeps the term-by-term form as its oracle.
 */

import { ValidationError } from "../core/errors.js";
import { resolveParams } from "../core/params.js";
import {
  logistic,
  sinhFactor,
  sinhFactorDerivative,
  smoothStep,
  smoothStepDerivative,
  softCap,
  softplus,
} from "./smoothKernels.js";
import { STRACHAN_SMOOTH_PARAMS, type StrachanSmoothParams } from "./strachanParams.js";
import type { MemristorModel } from "./types.js";

export const STRACHAN_SMOOTH_NAME = "strachan-taox-smooth";

/** Parameters with the derived constants ln A_off, ln B_on and M = ln r_max. */
export interface SmoothConstants extends StrachanSmoothParams {
  readonly lnA_off: number;
  readonly lnB_on: number;
  readonly M: number;
  /** 1/r_max = e^{−M}. */
  readonly invR_max: number;
}

export function smoothConstants(P: StrachanSmoothParams): SmoothConstants {
  return {
    ...P,
    lnA_off: Math.log(P.A_off),
    lnB_on: Math.log(P.B_on),
    M: Math.log(P.r_max),
    invR_max: 1 / P.r_max,
  };
}

function clampW(K: SmoothConstants, w: number): number {
  return Math.min(Math.max(w, K.w_min), K.w_max);
}

/** The safe smooth root s(v) ≈ √|v| [V^½]. */
export function smoothRoot(K: SmoothConstants, v: number): number {
  const x = v * Math.tanh(0.5 * K.rho * v);
  return x / (Math.sqrt(x + K.eps_sqrt * K.eps_sqrt) + K.eps_sqrt);
}

/** G(w, v) [S] of the smooth model. */
export function smoothConductance(K: SmoothConstants, w: number, v: number): number {
  const wc = clampW(K, w);
  const c = K.a * (1 - wc); // 0 at w_c = 1 or a = 0: skipped, never 0·∞ (|v| ≳ 1e3 V)
  return c === 0 ? K.G_m * wc : K.G_m * wc + c * Math.exp(K.b * smoothRoot(K, v));
}

/** i(w, v) = G·v [A]. */
export function smoothCurrent(K: SmoothConstants, w: number, v: number): number {
  return smoothConductance(K, w, v) * v;
}

/**
 * The boundary window W(w, v) = S(t_up)·S(t_down) with
 * t_up = (w_max − w)/δ_w + (min(v, 0)/v_w)², t_down = (w − w_min)/δ_w + (max(v, 0)/v_w)²:
 * 0 at w_max for v ≥ 0 and at w_min for v ≤ 0 (the rate has the sign of v, so w can approach a
 * bound but never cross it), 1 in the interior and, for |v| ≥ v_w, away from the bound it
 * would move w toward. C¹ in (w, v). Writes [W, ∂W/∂w, ∂W/∂v] into out.
 */
export function boundaryWindow(K: SmoothConstants, w: number, v: number, out: Float64Array): void {
  const vn = v < 0 ? v / K.v_w : 0;
  const vp = v > 0 ? v / K.v_w : 0;
  const tUp = (K.w_max - w) / K.delta_w + vn * vn;
  const tDn = (w - K.w_min) / K.delta_w + vp * vp;
  const sUp = smoothStep(tUp);
  const sDn = smoothStep(tDn);
  const dUp = smoothStepDerivative(tUp);
  const dDn = smoothStepDerivative(tDn);
  out[0] = sUp * sDn;
  out[1] = (sUp * dDn - dUp * sDn) / K.delta_w;
  out[2] = (2 * dUp * vn * sDn + 2 * sUp * dDn * vp) / K.v_w;
}

/** Where a log-rate or window summand is clamped: beyond, e^{−Λ} is 0 or ∞ and S(t) 0 or 1. */
const BIG = 1e300;

/**
 * W(w, v) as boundaryWindow computes it, each summand of t_up and t_down clamped to ±1e300 so that
 * extreme (w, v) (|w| or |v| ≳ 1e150·δ_w) give no ∞ − ∞; S(t) saturates long before.
 */
function windowValue(K: SmoothConstants, w: number, v: number): number {
  const vn = v < 0 ? v / K.v_w : 0;
  const vp = v > 0 ? v / K.v_w : 0;
  return (
    smoothStep(clampBig((K.w_max - w) / K.delta_w) + clampBig(vn * vn)) *
    smoothStep(clampBig((w - K.w_min) / K.delta_w) + clampBig(vp * vp))
  );
}

function clampBig(x: number): number {
  return x > BIG ? BIG : x < -BIG ? -BIG : x;
}

/**
 * dw/dt at (w, v) given p = G·v², with e^{cap(Λ)} = r_max/(1 + e^{M−Λ}) = 1/(e^{−Λ} + 1/r_max)
 * and softplus(∓kv) = max(∓kv, 0) + ln(1 + z), z = e^{−k|v|}, so e^{−Λ} = e^{−Λ′}·(1 + z) with
 * the integer part max(∓kv, 0) left in Λ′: 2 exps, 1 shared exp and the 2 expm1 of h instead of
 * 4 softplus (exp and log1p each), 2 exps and 2 expm1 (strachanSmoothReference.ts). Finite for
 * every finite (w, v): the summands that can exceed the doubles ((w_c/x_on)², (x_off/w_c)², p/σ_p,
 * p in β·p, |v|/σ) are clamped at 1e300, where e^{−Λ′} is 0 or ∞ anyway, so Λ′ is finite, the
 * denominator lies in (0, ∞] and each term in [−r_max/2, r_max/2].
 */
function rateAtPower(K: SmoothConstants, w: number, v: number, p: number): number {
  const W = windowValue(K, w, v);
  if (W === 0) return 0;
  const wc = clampW(K, w);
  const vr = v > BIG ? BIG : v < -BIG ? -BIG : v;
  const pc = p < BIG ? p : BIG;
  const av = Math.abs(vr);
  const kv = K.k_theta * vr;
  const q = 1 + Math.exp(-Math.abs(kv));
  const wx = wc / K.x_on;
  const xw = K.x_off / wc;
  const wx2 = wx * wx;
  const xw2 = xw * xw;
  const pOn = pc / K.sigma_p;
  const lamOn =
    K.lnB_on +
    av / K.sigma_on -
    (wx2 < BIG ? wx2 : BIG) +
    (pOn < BIG ? pOn : BIG) +
    (kv < 0 ? kv : 0);
  const lamOff =
    K.lnA_off +
    av / K.sigma_off -
    (xw2 < BIG ? xw2 : BIG) +
    1 / (1 + K.beta * pc) -
    (kv > 0 ? kv : 0);
  const on = sinhFactor(vr / K.sigma_on) / (Math.exp(-lamOn) * q + K.invR_max);
  const off = sinhFactor(vr / K.sigma_off) / (Math.exp(-lamOff) * q + K.invR_max);
  return (on + off) * W;
}

/** dw/dt(w, v) [1/s] of the smooth model. */
export function smoothStateRate(K: SmoothConstants, w: number, v: number): number {
  return rateAtPower(K, w, v, smoothConductance(K, w, v) * v * v);
}

/** i(w, v) into out[0] and dw/dt(w, v) into out[1], sharing G: the values of smoothCurrent and smoothStateRate. */
export function smoothCurrentAndRate(
  K: SmoothConstants,
  w: number,
  v: number,
  out: Float64Array,
): void {
  const G = smoothConductance(K, w, v);
  out[0] = G * v;
  out[1] = rateAtPower(K, w, v, G * v * v);
}

/** [∂i/∂w, ∂i/∂v, ∂(dw/dt)/∂w, ∂(dw/dt)/∂v] into out, analytically (see the header's equations). */
export function smoothPartials(K: SmoothConstants, w: number, v: number, out: Float64Array): void {
  const inside = w >= K.w_min && w <= K.w_max ? 1 : 0; // dw_c/dw
  const wc = clampW(K, w);
  // s(v) and s'(v)
  const T = Math.tanh(0.5 * K.rho * v);
  const x = v * T;
  const x_v = T + 0.5 * K.rho * v * (1 - T * T);
  const r = Math.sqrt(x + K.eps_sqrt * K.eps_sqrt);
  const s = x / (r + K.eps_sqrt);
  const s_v = x_v / (2 * r);
  // G, i, p
  const aE = K.a * Math.exp(K.b * s);
  const G = K.G_m * wc + (1 - wc) * aE;
  const G_w = (K.G_m - aE) * inside;
  const G_v = (1 - wc) * aE * K.b * s_v;
  const i_w = G_w * v;
  const i_v = G + v * G_v;
  const p = G * v * v;
  const p_w = v * i_w;
  const p_v = v * (G + i_v);
  out[0] = i_w;
  out[1] = i_v;
  const av = Math.abs(v);
  const sgn = Math.sign(v);
  const kv = K.k_theta * v;
  let g = 0;
  let g_w = 0;
  let g_v = 0;
  // ON term: h(v/σ_on)·e^{cap(Λ_on)}
  {
    const wx = wc / K.x_on;
    const lam = K.lnB_on + av / K.sigma_on - wx * wx + p / K.sigma_p - softplus(-kv);
    const lam_w = ((-2 * wx) / K.x_on) * inside + p_w / K.sigma_p;
    const lam_v = sgn / K.sigma_on + p_v / K.sigma_p + K.k_theta * logistic(-kv);
    const e = Math.exp(softCap(lam, K.M));
    const c = logistic(K.M - lam);
    const u = v / K.sigma_on;
    const h = sinhFactor(u);
    g += h * e;
    g_w += h * e * c * lam_w;
    g_v += (sinhFactorDerivative(u) / K.sigma_on + h * c * lam_v) * e;
  }
  // OFF term: h(v/σ_off)·e^{cap(Λ_off)}
  {
    const xw = K.x_off / wc;
    const q = 1 + K.beta * p;
    const lam = K.lnA_off + av / K.sigma_off - xw * xw + 1 / q - softplus(kv);
    const dq = -K.beta / (q * q);
    const lam_w = ((2 * xw * xw) / wc) * inside + dq * p_w;
    const lam_v = sgn / K.sigma_off + dq * p_v - K.k_theta * logistic(kv);
    const e = Math.exp(softCap(lam, K.M));
    const c = logistic(K.M - lam);
    const u = v / K.sigma_off;
    const h = sinhFactor(u);
    g += h * e;
    g_w += h * e * c * lam_w;
    g_v += (sinhFactorDerivative(u) / K.sigma_off + h * c * lam_v) * e;
  }
  const win = windowScratch;
  boundaryWindow(K, w, v, win);
  out[2] = g_w * win[0] + g * win[1];
  out[3] = g_v * win[0] + g * win[2];
}

/** Scratch for [W, W_w, W_v]: partials stay allocation-free (JS is single-threaded). */
const windowScratch = new Float64Array(3);

/** The smooth model as a MemristorModel; w stays inside [w_min, w_max]. */
export function createStrachanSmooth(
  overrides?: Readonly<Record<string, unknown>>,
): MemristorModel {
  const params = resolveParams(STRACHAN_SMOOTH_PARAMS, overrides, "memristor.params");
  const P = params as unknown as StrachanSmoothParams;
  if (!(P.w_min + 2 * P.delta_w <= P.w_max)) {
    throw new ValidationError(
      "memristor.params.delta_w",
      `got ${P.delta_w} with w_min = ${P.w_min}, w_max = ${P.w_max}`,
      "w_min + 2*delta_w <= w_max (the two boundary windows must not overlap)",
    );
  }
  const K = smoothConstants(P);
  return {
    name: STRACHAN_SMOOTH_NAME,
    params: Object.freeze(params),
    wMin: P.w_min,
    wMax: P.w_max,
    current: (w, v) => smoothCurrent(K, w, v),
    stateRate: (w, v) => smoothStateRate(K, w, v),
    currentAndRate: (w, v, out) => smoothCurrentAndRate(K, w, v, out),
    partials: (w, v, out) => smoothPartials(K, w, v, out),
  };
}
