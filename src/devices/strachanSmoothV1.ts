/**
 * `strachan-taox-smooth-v1`: the smooth TaOx form that the diffusion UNets of training/ are
 * trained with (training/memristor.py), so that cellspice reproduces their M-CellNN layers
 * exactly. Its differences from `strachan-taox-smooth` (strachanSmooth.ts): the state is clamped
 * rather than windowed, and the rate cap is set in normalised cell time (r_max per unit of τ).
 * With ŵ = clamp(w, w_min, 1), |v|_ρ = v·tanh(ρv/2):
 *
 *   G = G_m·ŵ + a·(1 − ŵ)·exp(b·√(|v|_ρ + ε)),   i = G·v,   p = i·v
 *   L_off = ln(τ·A_off) − (x_off/ŵ)² + 1/(1 + β·p) + ln σ(−k·v)
 *   L_on  = ln(τ·B_on)  − (ŵ/x_on)²  + p/σ_p       + ln σ(k·v)
 *   τ·dw/dt = R(L_off, v/σ_off) + R(L_on, v/σ_on),   R(L, s) = ½(e^{cap(L+s)} − e^{cap(L−s)})
 *   cap(E) = E_max − softplus(E_max − E),  E_max = ln(2·r_max)
 *
 * so without the cap R(L, s) = e^L·sinh(s): the original rates with θ replaced by the logistic σ.
 * Evaluated by smoothV1Eval.ts (e^{cap(E)} = 1/(e^{−E} + e^{−E_max}), shared factors, analytic
 * partials); strachanSmoothV1Reference.ts keeps the term-by-term transcription as its oracle.
 */
import { resolveParams } from "../core/params.js";
import {
  smoothV1Constants,
  smoothV1Current,
  smoothV1CurrentAndRate,
  smoothV1Partials,
  smoothV1Rate,
} from "./smoothV1Eval.js";
import {
  SMOOTH_V1_PARAMS,
  type SmoothV1Params,
  STRACHAN_SMOOTH_V1_NAME,
} from "./strachanSmoothV1Params.js";
import type { MemristorModel } from "./types.js";

export { SMOOTH_V1_PARAMS, type SmoothV1Params, STRACHAN_SMOOTH_V1_NAME };

export function createStrachanSmoothV1(
  overrides?: Readonly<Record<string, unknown>>,
): MemristorModel {
  const params = resolveParams(SMOOTH_V1_PARAMS, overrides, "memristor.params");
  const P = params as unknown as SmoothV1Params;
  const K = smoothV1Constants(P);
  const invTau = 1 / P.tau;
  const tau = P.tau;
  return {
    name: STRACHAN_SMOOTH_V1_NAME,
    params: Object.freeze(params),
    wMin: 0,
    wMax: 1,
    current: (w, v) => smoothV1Current(K, w, v),
    stateRate: (w, v) => smoothV1Rate(K, w, v) / tau,
    currentAndRate: (w, v, out) => {
      smoothV1CurrentAndRate(K, w, v, out);
      out[1] /= tau;
    },
    partials: (w, v, out) => {
      smoothV1Partials(K, w, v, out);
      out[2] *= invTau;
      out[3] *= invTau;
    },
  };
}
