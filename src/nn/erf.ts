/**
 * The error function and its complement in float64: |Δerf| ≤ 1e-15 and |Δerfc| ≤ 1e-15 on the
 * whole real line, erf within 4 ulp relative for |x| < 2.25 and erfc within 4 ulp relative for
 * x ≥ 0, tails included (tested against mpmath, test/nn/erf.test.ts). No fitted constants:
 *
 * - Below |x| = 6, a Taylor expansion about the nearest centre z = k/16 on the side that avoids
 *   cancellation (the centre below x for erf, above x for erfc, so the correction adds to the
 *   centre's value):  erf(z + h) = erf z + (2/√π)·e^{−z²} · Σ_{n≥0} (−1)ⁿ·Hₙ(z)/n! · hⁿ⁺¹/(n+1),
 *   Hₙ the Hermite polynomials, 16 terms (|h| ≤ 1/16), erfc(z + h) = erfc z − the same sum.
 * - The centres' values, computed once when the module loads, and erfc beyond 6 come from two
 *   classical expansions: the series of positive terms
 *   erf x = (2/√π)·x·e^{−x²}·Σ_{n≥0} (2x²)ⁿ/(1·3·…·(2n+1)) (no cancellation; for x < 2.25), and
 *   the even contraction of Laplace's continued fraction
 *   erfc x = (2x·e^{−x²}/√π) / (2x²+1 − 1·2/(2x²+5 − 3·4/(2x²+9 − …))), evaluated bottom-up to
 *   ⌈110/x² + 6⌉ levels (converged to float64 from x = 0.5 on).
 *
 * e^{−x²} is taken as e^{−s²}·e^{(s−x)(s+x)} with s = x rounded to float32, so that s² is exact
 * and the large exponent carries no rounding error (which would cost x²·2⁻⁵³ relative).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
/** Centres per unit of x. */
const STEPS = 16;
/** The centres span [0, TAYLOR_LIMIT]; beyond it erf is ±1 − erfc by the fraction. */
const TAYLOR_LIMIT = 6;
/** Terms of each Taylor polynomial (|h| ≤ 1/16: the 17th is below 2⁻⁵⁶ of the sum); correction() unrolls them. */
const TERMS = 16;
/** erfc underflows to 0 beyond this (erfc 27.3 ≈ 5e-326). */
const ERFC_ZERO = 27.3;
/** Per centre: erf z, erfc z, then the TERMS coefficients dₙ of erf(z + h) − erf z = h·Σ dₙhⁿ. */
const STRIDE = 2 + TERMS;
const TABLE = taylorTable();

/**
 * The Taylor table behind erf and erfc, for loops that evaluate them inline (geluInPlace): per
 * centre z_k = k/steps, k = 0 … limit·steps, `table[k·stride]` = erf z_k, `table[k·stride + 1]`
 * = erfc z_k, then the `terms` coefficients dₙ of erf(z_k + h) − erf z_k = h·Σ dₙhⁿ.
 */
export const ERF_TAYLOR = {
  table: TABLE,
  stride: STRIDE,
  terms: TERMS,
  steps: STEPS,
  limit: TAYLOR_LIMIT,
} as const;

/** erf x. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  let e: number;
  if (a < TAYLOR_LIMIT) {
    const k = Math.floor(a * STEPS);
    e = TABLE[k * STRIDE] + correction(k, a - k / STEPS);
  } else e = 1 - erfcFraction(a);
  return x < 0 ? -e : e;
}

/** erfc x = 1 − erf x, without cancellation for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 1 + erf(-x);
  if (x >= TAYLOR_LIMIT) return erfcFraction(x);
  const k = Math.ceil(x * STEPS);
  return TABLE[k * STRIDE + 1] - correction(k, x - k / STEPS);
}

/**
 * erf(z_k + h) − erf(z_k) = h·Σ dₙhⁿ, the 16 terms by Estrin's scheme (pairs dₙ + dₙ₊₁h, then
 * combined with h², h⁴, h⁸): a dependency chain of five multiply-add levels instead of Horner's
 * sixteen, which lets the CPU overlap consecutive elements of a loop (geluInPlace writes the same
 * expression inline; same bits).
 */
export function correction(k: number, h: number): number {
  const T = TABLE;
  const c = k * STRIDE + 2;
  const h2 = h * h;
  const h4 = h2 * h2;
  const h8 = h4 * h4;
  const low =
    T[c] +
    T[c + 1] * h +
    (T[c + 2] + T[c + 3] * h) * h2 +
    (T[c + 4] + T[c + 5] * h + (T[c + 6] + T[c + 7] * h) * h2) * h4;
  const high =
    T[c + 8] +
    T[c + 9] * h +
    (T[c + 10] + T[c + 11] * h) * h2 +
    (T[c + 12] + T[c + 13] * h + (T[c + 14] + T[c + 15] * h) * h2) * h4;
  return (low + high * h8) * h;
}

/**
 * The centres' values and coefficients: dₙ = (2/√π)·e^{−z²}·(−1)ⁿ·hₙ/(n+1) with hₙ = Hₙ(z)/n!,
 * from the Hermite recurrence H₀ = 1, H₁ = 2z, Hₙ₊₁ = 2z·Hₙ − 2n·Hₙ₋₁ (scaled: hₙ₊₁ =
 * (2z·hₙ − 2hₙ₋₁)/(n+1)).
 */
function taylorTable(): Float64Array {
  const centres = TAYLOR_LIMIT * STEPS + 1;
  const t = new Float64Array(centres * STRIDE);
  for (let k = 0; k < centres; k++) {
    const z = k / STEPS;
    const at = k * STRIDE;
    t[at] = z < 2.25 ? erfSeries(z) : 1 - erfcFraction(z);
    t[at + 1] = z < 0.5 ? 1 - erfSeries(z) : erfcFraction(z);
    const g = TWO_OVER_SQRT_PI * expMinusSquare(z);
    let previous = 1; // h₀
    let current = 2 * z; // h₁
    t[at + 2] = g;
    for (let n = 1; n < TERMS; n++) {
      t[at + 2 + n] = (n % 2 ? -g : g) * (current / (n + 1));
      const next = (2 * z * current - 2 * previous) / (n + 1);
      previous = current;
      current = next;
    }
  }
  return t;
}

/** e^{−x²} without the rounding error of x² (see the module comment). */
function expMinusSquare(x: number): number {
  const s = Math.fround(x);
  return Math.exp(-s * s) * Math.exp((s - x) * (s + x));
}

/** The positive-term series of erf. */
function erfSeries(x: number): number {
  const twoX2 = 2 * x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; term > 1e-17 * sum; n++) {
    term *= twoX2 / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * x * expMinusSquare(x) * sum;
}

/** The continued fraction for erfc, bottom-up from ⌈110/x² + 6⌉ levels, for x ≥ 0.5. */
function erfcFraction(x: number): number {
  if (x > ERFC_ZERO) return 0;
  const y = 2 * x * x;
  const depth = Math.ceil(110 / (x * x) + 6);
  let t = 0;
  for (let n = depth; n >= 1; n--) t = (-(2 * n - 1) * (2 * n)) / (y + 4 * n + 1 + t);
  return (TWO_OVER_SQRT_PI * x * expMinusSquare(x)) / (y + 1 + t);
}
