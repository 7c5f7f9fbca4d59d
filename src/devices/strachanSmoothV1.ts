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
 */
import { checkParamTable, type ParamTable, resolveParams } from "../core/params.js";
import { softplus } from "./smoothKernels.js";
import { STRACHAN_PARAMS, type StrachanParams } from "./strachanParams.js";
import type { MemristorModel } from "./types.js";

export const STRACHAN_SMOOTH_V1_NAME = "strachan-taox-smooth-v1";

export const SMOOTH_V1_PARAMS: ParamTable = [
  ...STRACHAN_PARAMS,
  {
    name: "rho",
    unit: "1/V",
    min: 10,
    max: 1e4,
    default: 100,
    description: "slope of the smooth |v| = v*tanh(rho*v/2)",
  },
  {
    name: "k_theta",
    unit: "1/V",
    min: 10,
    max: 1e5,
    default: 500,
    description: "slope of the logistic step theta(v) = sigma(k*v)",
  },
  {
    name: "eps",
    unit: "V",
    min: 0,
    max: 1e-3,
    default: 1e-12,
    description: "offset under the square root, sqrt(|v| + eps)",
  },
  {
    name: "w_min",
    unit: "",
    min: 0,
    max: 0.5,
    minExclusive: true,
    default: 1e-3,
    description: "lower clamp of w",
  },
  {
    name: "rate_cap",
    unit: "",
    min: 1e-3,
    max: 1e12,
    default: 10,
    description: "largest |dw/dt| per unit of normalised cell time",
  },
  {
    name: "tau",
    unit: "s",
    min: 0,
    max: 1e6,
    minExclusive: true,
    default: 1e-4,
    description: "seconds per unit of cell time, the unit of rate_cap",
  },
];
checkParamTable(SMOOTH_V1_PARAMS, "SMOOTH_V1_PARAMS");

interface V1 extends StrachanParams {
  rho: number;
  k_theta: number;
  eps: number;
  w_min: number;
  rate_cap: number;
  tau: number;
}

const softCap = (e: number, eMax: number) => eMax - softplus(eMax - e);
/** ln σ(z) = −softplus(−z). */
const logSigmoid = (z: number) => -softplus(-z);

function clampW(P: V1, w: number): number {
  return w < P.w_min ? P.w_min : w > 1 ? 1 : w;
}

function conductance(P: V1, w: number, v: number): number {
  const wc = clampW(P, w);
  return (
    P.G_m * wc + P.a * (1 - wc) * Math.exp(P.b * Math.sqrt(v * Math.tanh(0.5 * P.rho * v) + P.eps))
  );
}

/** R(L, s) = ½(e^{cap(L+s)} − e^{cap(L−s)}). */
function cappedRate(l: number, s: number, eMax: number): number {
  return 0.5 * (Math.exp(softCap(l + s, eMax)) - Math.exp(softCap(l - s, eMax)));
}

/** The parameter-only logarithms of the rate, computed once per model (same values as inline). */
interface RateConstants {
  eMax: number;
  logOff: number;
  logOn: number;
}

function rateConstants(P: V1): RateConstants {
  return {
    eMax: Math.log(2 * P.rate_cap),
    logOff: Math.log(P.tau * P.A_off),
    logOn: Math.log(P.tau * P.B_on),
  };
}

/** τ·dw/dt, per unit of normalised cell time. */
function normalisedRate(P: V1, K: RateConstants, w: number, v: number): number {
  return rateAtConductance(P, K, w, v, conductance(P, w, v));
}

/** τ·dw/dt given the conductance G = conductance(P, w, v). */
function rateAtConductance(P: V1, K: RateConstants, w: number, v: number, G: number): number {
  const wc = clampW(P, w);
  const p = G * v * v;
  const thetaOn = logSigmoid(P.k_theta * v);
  const xw = P.x_off / wc;
  const wx = wc / P.x_on;
  const lOff = K.logOff - xw * xw + 1 / (1 + P.beta * p) + (thetaOn - P.k_theta * v);
  const lOn = K.logOn - wx * wx + p / P.sigma_p + thetaOn;
  return cappedRate(lOff, v / P.sigma_off, K.eMax) + cappedRate(lOn, v / P.sigma_on, K.eMax);
}

export function createStrachanSmoothV1(
  overrides?: Readonly<Record<string, unknown>>,
): MemristorModel {
  const params = resolveParams(SMOOTH_V1_PARAMS, overrides, "memristor.params");
  const P = params as unknown as V1;
  const K = rateConstants(P);
  const h = 1e-7;
  return {
    name: STRACHAN_SMOOTH_V1_NAME,
    params: Object.freeze(params),
    wMin: 0,
    wMax: 1,
    current: (w, v) => conductance(P, w, v) * v,
    stateRate: (w, v) => normalisedRate(P, K, w, v) / P.tau,
    currentAndRate: (w, v, out) => {
      const G = conductance(P, w, v);
      out[0] = G * v;
      out[1] = rateAtConductance(P, K, w, v, G) / P.tau;
    },
    // Central differences: this model serves parity with trained layers, where explicit fixed-step
    // solvers (the training preset) never ask for a Jacobian; implicit solvers still get one.
    partials: (w, v, out) => {
      const i = (ww: number, vv: number) => conductance(P, ww, vv) * vv;
      const g = (ww: number, vv: number) => normalisedRate(P, K, ww, vv) / P.tau;
      out[0] = (i(w + h, v) - i(w - h, v)) / (2 * h);
      out[1] = (i(w, v + h) - i(w, v - h)) / (2 * h);
      out[2] = (g(w + h, v) - g(w - h, v)) / (2 * h);
      out[3] = (g(w, v + h) - g(w, v - h)) / (2 * h);
    },
  };
}
