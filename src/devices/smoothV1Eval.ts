/**
 * The fast evaluation of `strachan-taox-smooth-v1` (equations in strachanSmoothV1.ts): the same
 * function as the reference transcription (strachanSmoothV1Reference.ts), with 7 transcendental
 * calls and a square root per (current, rate) pair instead of 17.
 *
 * Algebra. With C = 2·r_max = e^{E_max}, the capped exponential is
 *   e^{cap(E)} = e^{E_max − softplus(E_max − E)} = C/(1 + C·e^{−E}) = 1/(e^{−E} + 1/C),
 * so no softplus and no log. The logistic steps, ln σ(±kv) = −max(∓kv, 0) − ln(1 + z) with
 * z = e^{−k|v|}, leave −max(∓kv, 0) in the exponent and the factor 1 + z ∈ (1, 2] outside it:
 * e^{−(L ± s)} = e^{−(L′ ± s)}·(1 + z) with L′ = L + ln(1 + z). One exp (z) serves both steps.
 * Per rate term R(L, s) = ½(F(L′ + s) − F(L′ − s)) with
 *   F(E′) = 1 / (e^{−E′}·(1 + z) + 1/C)                           (one exp each, four in all)
 * plus tanh and e^{b·√(|v|_ρ + ε)} for G: 7 transcendentals, against 17 (4 softplus in the caps
 * and 1 in ln σ, each an exp and a log1p, the 4 capped exps, tanh and the conductance's exp).
 * The current uses the very same operations as the reference, so it is equal bit for bit.
 *
 * No overflow, no NaN, for every finite (w, v) and every parameter in its declared range:
 * - ŵ ∈ [w_min, 1] with w_min > 0; the terms that can exceed the double range for extreme
 *   arguments or parameters, (x_off/ŵ)², (ŵ/x_on)², p/σ_p and p itself (β·p with β = 0), are
 *   clamped at 1e300, and v at ±1e300 inside the rate (k·v ≤ 1e305, v/σ ≤ 1e303): each exponent
 *   E′ is a sum of at most six finite terms, so finite. A clamp acts only where a term is beyond
 *   1e300, where e^{−E′} is 0 or ∞ either way: the value is unchanged wherever the reference is
 *   not NaN itself.
 * - e^{−E′} ∈ [0, ∞], so the denominator e^{−E′}(1 + z) + 1/C ∈ (0, ∞] and F ∈ [0, C]: each
 *   term lies in [−C/2, C/2] and |τ·dw/dt| ≤ C = 2·r_max. An exponent −E′ above 709.8 gives
 *   F = 0, the exact result rounded (F < 1e-308): underflow, never 0·∞.
 * - the conductance: a·(1 − ŵ)·e^{b·√(|v|_ρ + ε)} is skipped when a·(1 − ŵ) = 0 (never 0·∞);
 *   e^{b·√…} is finite for |v| ≤ (709/b)² (≥ 1257 V at the largest b = 20), so i is finite there;
 *   beyond, the exact current exceeds the doubles and is returned as ±∞ (the rate stays finite).
 *
 * The switched-off branch (OFF for v > 0, ON for v < 0) is skipped when its exponent bound
 * L + |s| < −110 and the active term is ≥ 1e-30 in magnitude: then |skipped term| ≤ ½(1 + 4u)e^{−110}
 * = 8.4e-49 is below half an ulp of the active term (≥ 2⁻⁵⁴·1e-30 = 5.5e-47), so the sum is the
 * active term exactly and the result is the same to the bit; at the defaults that holds for
 * |v| ≳ 0.2 V and saves two of the seven calls.
 *
 * Partials are analytic: with f(E) = 1/(m + 1/C), m = e^{−E}(1 + z), f′(E) = f·(m·f) ∈ [0, C/4]
 * (no cancellation near the cap), and ∂R/∂θ = ½[(f′₊ − f′₋)·∂L/∂θ + (f′₊ + f′₋)·∂s/∂θ].
 */
import type { SmoothV1Params } from "./strachanSmoothV1Params.js";

/** The model's functions of (w, v); rates in normalised cell time (τ·dw/dt). */
export interface SmoothV1Evaluator {
  /** i(w, v) [A]. */
  current(w: number, v: number): number;
  /** τ·dw/dt. */
  rate(w: number, v: number): number;
  /** i(w, v) into out[0] and τ·dw/dt into out[1]: the same values as current and rate. */
  currentAndRate(w: number, v: number, out: Float64Array): void;
  /** [∂i/∂w, ∂i/∂v, ∂(τ·dw/dt)/∂w, ∂(τ·dw/dt)/∂v] into out. */
  partials(w: number, v: number, out: Float64Array): void;
}

/** Where an exponent term is clamped (see the header): far beyond ±745, far inside the doubles. */
const BIG = 1e300;

/** ln(x·y) for x, y > 0, also where the product underflows or overflows. */
function logProduct(x: number, y: number): number {
  const xy = x * y;
  return xy > 1e-300 && xy < 1e300 ? Math.log(xy) : Math.log(x) + Math.log(y);
}

/**
 * R(L, s) = ½(F(L + s) − F(L − s)), F(E) = 1/(e^{−E}·q + 1/C): one rate term, with
 * q = 1 + e^{−k|v|} and the ln σ's integer part already in L.
 */
function cappedSinh(l: number, s: number, q: number, invC: number): number {
  return 0.5 * (1 / (Math.exp(-(l + s)) * q + invC) - 1 / (Math.exp(s - l) * q + invC));
}

/** Skip test of the inactive branch: L + |s| below this while |active term| ≥ ACTIVE. */
const NEGLIGIBLE = -110;
const ACTIVE = 1e-30;

/** The parameter-only constants of the evaluation (a fixed-shape object). */
export interface SmoothV1Constants {
  readonly G_m: number;
  readonly a: number;
  readonly b: number;
  readonly eps: number;
  readonly beta: number;
  readonly k: number;
  readonly wMin: number;
  readonly halfRho: number;
  readonly xOff: number;
  readonly invXOn: number;
  readonly invSigmaP: number;
  readonly invSigmaOff: number;
  readonly invSigmaOn: number;
  /** ln(τ·A_off), ln(τ·B_on). */
  readonly logOff: number;
  readonly logOn: number;
  /** 1/C = 1/(2·rate_cap) = e^{−E_max}. */
  readonly invC: number;
  /** Leave out the switched-off branch where it cannot change a bit (the header). */
  readonly skipNegligible: boolean;
}

export function smoothV1Constants(P: SmoothV1Params, skipNegligible = true): SmoothV1Constants {
  return {
    G_m: P.G_m,
    a: P.a,
    b: P.b,
    eps: P.eps,
    beta: P.beta,
    k: P.k_theta,
    wMin: P.w_min,
    halfRho: 0.5 * P.rho,
    xOff: P.x_off,
    invXOn: 1 / P.x_on,
    invSigmaP: 1 / P.sigma_p,
    invSigmaOff: 1 / P.sigma_off,
    invSigmaOn: 1 / P.sigma_on,
    logOff: logProduct(P.tau, P.A_off),
    logOn: logProduct(P.tau, P.B_on),
    invC: 1 / (2 * P.rate_cap),
    skipNegligible,
  };
}

function clampW(K: SmoothV1Constants, w: number): number {
  return w < K.wMin ? K.wMin : w > 1 ? 1 : w;
}

/** G(ŵ, v) by the reference's operations. */
function conductance(K: SmoothV1Constants, wc: number, v: number): number {
  const c = K.a * (1 - wc);
  return c === 0
    ? K.G_m * wc
    : K.G_m * wc + c * Math.exp(K.b * Math.sqrt(v * Math.tanh(K.halfRho * v) + K.eps));
}

/** τ·dw/dt at the clamped state ŵ, voltage v and power p = G·v². */
function rateAt(K: SmoothV1Constants, wc: number, v: number, p: number): number {
  const vr = v > BIG ? BIG : v < -BIG ? -BIG : v;
  const pc = p < BIG ? p : BIG;
  const kv = K.k * vr;
  const q = 1 + Math.exp(-Math.abs(kv)); // 1/σ(k|v|)
  const xw = K.xOff / wc;
  const xw2 = xw * xw;
  const wx = wc * K.invXOn;
  const wx2 = wx * wx;
  const pOn = pc * K.invSigmaP;
  const lOff = K.logOff - (xw2 < BIG ? xw2 : BIG) + 1 / (1 + K.beta * pc) - (kv > 0 ? kv : 0);
  const lOn = K.logOn - (wx2 < BIG ? wx2 : BIG) + (pOn < BIG ? pOn : BIG) + (kv < 0 ? kv : 0);
  const sOff = vr * K.invSigmaOff;
  const sOn = vr * K.invSigmaOn;
  const invC = K.invC;
  if (!K.skipNegligible) return cappedSinh(lOff, sOff, q, invC) + cappedSinh(lOn, sOn, q, invC);
  // The branch that v's sign switches off is left out where it cannot change the sum's bits
  // (the header): |its term| ≤ ½(1 + 4u)·e^{L + |s|} < 2⁻⁵⁵·|active term|.
  if (v > 0) {
    const on = cappedSinh(lOn, sOn, q, invC);
    if (lOff + sOff < NEGLIGIBLE && on >= ACTIVE) return on;
    return cappedSinh(lOff, sOff, q, invC) + on;
  }
  const off = cappedSinh(lOff, sOff, q, invC);
  if (lOn - sOn < NEGLIGIBLE && off <= -ACTIVE) return off;
  return off + cappedSinh(lOn, sOn, q, invC);
}

/** i(w, v) [A]. */
export function smoothV1Current(K: SmoothV1Constants, w: number, v: number): number {
  return conductance(K, clampW(K, w), v) * v;
}

/** τ·dw/dt. */
export function smoothV1Rate(K: SmoothV1Constants, w: number, v: number): number {
  const wc = clampW(K, w);
  return rateAt(K, wc, v, conductance(K, wc, v) * v * v);
}

/** i(w, v) into out[0] and τ·dw/dt into out[1]: the values of smoothV1Current and smoothV1Rate. */
export function smoothV1CurrentAndRate(
  K: SmoothV1Constants,
  w: number,
  v: number,
  out: Float64Array,
): void {
  const wc = clampW(K, w);
  const i = conductance(K, wc, v) * v;
  out[0] = i;
  out[1] = rateAt(K, wc, v, i * v);
}

/** [∂i/∂w, ∂i/∂v, ∂(τ·dw/dt)/∂w, ∂(τ·dw/dt)/∂v] into out. */
export function smoothV1Partials(
  K: SmoothV1Constants,
  w: number,
  v: number,
  out: Float64Array,
): void {
  const inside = w >= K.wMin && w <= 1 ? 1 : 0; // dŵ/dw
  const wc = clampW(K, w);
  // G and its partials; v·∂G/∂v = c·e^{b·r}·b·v·x′/(2r) with x = v·tanh(ρv/2), r = √(x + ε)
  const T = Math.tanh(K.halfRho * v);
  const r = Math.sqrt(v * T + K.eps);
  const eb = Math.exp(K.b * r);
  const c = K.a * (1 - wc);
  const cE = c === 0 ? 0 : c * eb;
  const G = K.G_m * wc + cE;
  const vxv = v * (T + K.halfRho * v * (1 - T * T));
  const vGv = cE === 0 || r === 0 ? 0 : cE * K.b * (vxv / (2 * r));
  const Gw = (K.G_m - (K.a === 0 ? 0 : K.a * eb)) * inside;
  const iw = Gw * v;
  const iv = G + vGv;
  out[0] = iw;
  out[1] = iv;
  // the exponents, as in rateAt, and their partials
  const p = G * v * v;
  const pw = v * iw;
  const pv = v * (G + iv);
  // a term clamped at BIG (the header) is constant there: its partials are 0
  const vr = v > BIG ? BIG : v < -BIG ? -BIG : v;
  const vIn = vr === v;
  const pIn = p < BIG ? 1 : 0;
  const pc = pIn ? p : BIG;
  const kv = K.k * vr;
  const z = Math.exp(-Math.abs(kv));
  const q = 1 + z;
  const sigPlus = (kv >= 0 ? 1 : z) / q; // σ(kv)
  const sigMinus = (kv >= 0 ? z : 1) / q; // σ(−kv)
  const xw = K.xOff / wc;
  const xwIn = xw * xw < BIG ? 1 : 0;
  const xw2 = xwIn ? xw * xw : BIG;
  const wx = wc * K.invXOn;
  const wxIn = wx * wx < BIG ? 1 : 0;
  const wx2 = wxIn ? wx * wx : BIG;
  const pOn = pc * K.invSigmaP;
  const pOnIn = pIn && pOn < BIG ? 1 : 0;
  const inv1 = 1 / (1 + K.beta * pc);
  const lOff = K.logOff - xw2 + inv1 - (kv > 0 ? kv : 0);
  const lOn = K.logOn - wx2 + (pOnIn ? pOn : BIG) + (kv < 0 ? kv : 0);
  // ∂L/∂w and ∂L/∂v (ln σ(±kv) contributes ±k·σ(∓kv) to ∂L/∂v)
  const dPowOff = pIn ? K.beta * inv1 * inv1 : 0; // −∂(1/(1 + βp))/∂p
  const dPowOn = pOnIn ? K.invSigmaP : 0;
  const lOffW = xwIn ? ((2 * xw2) / wc) * inside - times(dPowOff, pw) : -times(dPowOff, pw);
  const lOnW = (wxIn ? -2 * wx * K.invXOn * inside : 0) + times(dPowOn, pw);
  const lOffV = vIn ? -times(dPowOff, pv) - K.k * sigPlus : 0;
  const lOnV = vIn ? times(dPowOn, pv) + K.k * sigMinus : 0;
  const dOff = termDerivatives(lOff, vr * K.invSigmaOff, q, K.invC);
  const dOn = termDerivatives(lOn, vr * K.invSigmaOn, q, K.invC);
  out[2] = 0.5 * (times(dOff.diff, lOffW) + times(dOn.diff, lOnW));
  out[3] = vIn
    ? 0.5 *
      (times(dOff.diff, lOffV) +
        dOff.sum * K.invSigmaOff +
        times(dOn.diff, lOnV) +
        dOn.sum * K.invSigmaOn)
    : 0;
}

/**
 * The functions of one parameter set as closures (tests; the model calls the functions above).
 * `skipNegligible` false evaluates all four exponentials (compared bit for bit in the tests).
 */
export function smoothV1Evaluator(P: SmoothV1Params, skipNegligible = true): SmoothV1Evaluator {
  const K = smoothV1Constants(P, skipNegligible);
  return {
    current: (w, v) => smoothV1Current(K, w, v),
    rate: (w, v) => smoothV1Rate(K, w, v),
    currentAndRate: (w, v, out) => smoothV1CurrentAndRate(K, w, v, out),
    partials: (w, v, out) => smoothV1Partials(K, w, v, out),
  };
}

/** a·b with 0·∞ read as 0 (the derivative factor of an underflowed term). */
function times(a: number, b: number): number {
  return a === 0 ? 0 : a * b;
}

/** f′(L + s) ∓ f′(L − s) of one rate term, f(E) = 1/(e^{−E}·q + 1/C). */
function termDerivatives(
  l: number,
  s: number,
  q: number,
  invC: number,
): { diff: number; sum: number } {
  const up = capExpDerivative(Math.exp(-(l + s)) * q, invC);
  const down = capExpDerivative(Math.exp(s - l) * q, invC);
  return { diff: up - down, sum: up + down };
}

/** f′ = f·(m·f) with f = 1/(m + 1/C): in [0, C/4], 0 where f underflows (m = ∞). */
function capExpDerivative(m: number, invC: number): number {
  const f = 1 / (m + invC);
  return f === 0 ? 0 : f * (m * f);
}
