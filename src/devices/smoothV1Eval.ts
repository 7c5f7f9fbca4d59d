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

/**
 * The evaluator of a parameter set. `skipNegligible` (default true) leaves out the switched-off
 * branch where it cannot change a bit of the rate; false evaluates all four exponentials (the
 * tests compare the two bit for bit).
 */
export function smoothV1Evaluator(P: SmoothV1Params, skipNegligible = true): SmoothV1Evaluator {
  const { G_m, a, b, eps, beta } = P;
  const k = P.k_theta;
  const wMin = P.w_min;
  const halfRho = 0.5 * P.rho;
  const xOff = P.x_off;
  const invXOn = 1 / P.x_on;
  const invSigmaP = 1 / P.sigma_p;
  const invSigmaOff = 1 / P.sigma_off;
  const invSigmaOn = 1 / P.sigma_on;
  const logOff = logProduct(P.tau, P.A_off);
  const logOn = logProduct(P.tau, P.B_on);
  const invC = 1 / (2 * P.rate_cap);

  const clampW = (w: number) => (w < wMin ? wMin : w > 1 ? 1 : w);

  /** G(ŵ, v) by the reference's operations. */
  const conductance = (wc: number, v: number) => {
    const c = a * (1 - wc);
    return c === 0
      ? G_m * wc
      : G_m * wc + c * Math.exp(b * Math.sqrt(v * Math.tanh(halfRho * v) + eps));
  };

  /** τ·dw/dt at the clamped state ŵ, voltage v and power p = G·v². */
  const rateAt = (wc: number, v: number, p: number) => {
    const vr = v > BIG ? BIG : v < -BIG ? -BIG : v;
    const pc = p < BIG ? p : BIG;
    const kv = k * vr;
    const q = 1 + Math.exp(-Math.abs(kv)); // 1/σ(k|v|)
    const xw = xOff / wc;
    const xw2 = xw * xw;
    const wx = wc * invXOn;
    const wx2 = wx * wx;
    const pOn = pc * invSigmaP;
    const lOff = logOff - (xw2 < BIG ? xw2 : BIG) + 1 / (1 + beta * pc) - (kv > 0 ? kv : 0);
    const lOn = logOn - (wx2 < BIG ? wx2 : BIG) + (pOn < BIG ? pOn : BIG) + (kv < 0 ? kv : 0);
    const sOff = vr * invSigmaOff;
    const sOn = vr * invSigmaOn;
    if (!skipNegligible) return cappedSinh(lOff, sOff, q, invC) + cappedSinh(lOn, sOn, q, invC);
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
  };

  return {
    current: (w, v) => conductance(clampW(w), v) * v,
    rate: (w, v) => {
      const wc = clampW(w);
      return rateAt(wc, v, conductance(wc, v) * v * v);
    },
    currentAndRate: (w, v, out) => {
      const wc = clampW(w);
      const i = conductance(wc, v) * v;
      out[0] = i;
      out[1] = rateAt(wc, v, i * v);
    },
    partials: (w, v, out) => {
      const inside = w >= wMin && w <= 1 ? 1 : 0; // dŵ/dw
      const wc = clampW(w);
      // G and its partials; v·∂G/∂v = c·e^{b·r}·b·v·x′/(2r) with x = v·tanh(ρv/2), r = √(x + ε)
      const T = Math.tanh(halfRho * v);
      const r = Math.sqrt(v * T + eps);
      const eb = Math.exp(b * r);
      const c = a * (1 - wc);
      const cE = c === 0 ? 0 : c * eb;
      const G = G_m * wc + cE;
      const vxv = v * (T + halfRho * v * (1 - T * T));
      const vGv = cE === 0 || r === 0 ? 0 : cE * b * (vxv / (2 * r));
      const Gw = (G_m - (a === 0 ? 0 : a * eb)) * inside;
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
      const kv = k * vr;
      const z = Math.exp(-Math.abs(kv));
      const q = 1 + z;
      const sigPlus = (kv >= 0 ? 1 : z) / q; // σ(kv)
      const sigMinus = (kv >= 0 ? z : 1) / q; // σ(−kv)
      const xw = xOff / wc;
      const xwIn = xw * xw < BIG ? 1 : 0;
      const xw2 = xwIn ? xw * xw : BIG;
      const wx = wc * invXOn;
      const wxIn = wx * wx < BIG ? 1 : 0;
      const wx2 = wxIn ? wx * wx : BIG;
      const pOn = pc * invSigmaP;
      const pOnIn = pIn && pOn < BIG ? 1 : 0;
      const inv1 = 1 / (1 + beta * pc);
      const lOff = logOff - xw2 + inv1 - (kv > 0 ? kv : 0);
      const lOn = logOn - wx2 + (pOnIn ? pOn : BIG) + (kv < 0 ? kv : 0);
      // ∂L/∂w and ∂L/∂v (ln σ(±kv) contributes ±k·σ(∓kv) to ∂L/∂v)
      const dPowOff = pIn ? beta * inv1 * inv1 : 0; // −∂(1/(1 + βp))/∂p
      const dPowOn = pOnIn ? invSigmaP : 0;
      const lOffW = xwIn ? ((2 * xw2) / wc) * inside - times(dPowOff, pw) : -times(dPowOff, pw);
      const lOnW = (wxIn ? -2 * wx * invXOn * inside : 0) + times(dPowOn, pw);
      const lOffV = vIn ? -times(dPowOff, pv) - k * sigPlus : 0;
      const lOnV = vIn ? times(dPowOn, pv) + k * sigMinus : 0;
      const dOff = termDerivatives(lOff, vr * invSigmaOff, q, invC);
      const dOn = termDerivatives(lOn, vr * invSigmaOn, q, invC);
      out[2] = 0.5 * (times(dOff.diff, lOffW) + times(dOn.diff, lOnW));
      out[3] = vIn
        ? 0.5 *
          (times(dOff.diff, lOffV) +
            dOff.sum * invSigmaOff +
            times(dOn.diff, lOnV) +
            dOn.sum * invSigmaOn)
        : 0;
    },
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
