import { ValidationError } from "../core/errors.js";
import type { FeatureStats } from "./featureStats.js";
import { symmetricEigen } from "./symmetricEigen.js";

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017, FID):
 *
 *   FID = ‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^{1/2})
 *
 * in float64. Tr((Σa Σb)^{1/2}) is computed in the symmetric form Tr((Σa^{1/2} Σb Σa^{1/2})^{1/2}):
 * ΣaΣb is similar to Σa^{1/2} Σb Σa^{1/2}, a symmetric positive semidefinite matrix, so the trace
 * is the sum of the square roots of that matrix's eigenvalues, and both roots come from symmetric
 * eigendecompositions (symmetricEigen.ts).
 *
 * Two numerical measures, both exact in real arithmetic:
 * - a feature with zero variance in either set (a dead ReLU of the extractor: exactly zero on every
 *   image) has a zero row and column in that Σ, and such a direction adds nothing to the trace,
 *   so those features are left out of the square root. Rounding on their null eigenvalues would
 *   otherwise add √ε-sized errors (measured on LeNet's features: 4e-6 of the FID);
 * - eigenvalues are clamped at 0; the ones clamped and the most negative are reported in
 *   `clamped`. A negative eigenvalue beyond rounding (−1e-10 of the largest) means the input is
 *   not a covariance, and is an error.
 */
export interface FrechetTerms {
  readonly fid: number;
  /** ‖μa − μb‖². */
  readonly meanTerm: number;
  /** Tr Σa + Tr Σb − 2 Tr (Σa Σb)^{1/2}. */
  readonly covarianceTerm: number;
  /** Tr (Σa Σb)^{1/2}. */
  readonly traceSqrt: number;
  /** Features with zero variance in either set, left out of the square root (unless kept). */
  readonly zeroVarianceFeatures: number;
  /** Negative eigenvalues (rounding errors) set to 0 before their square root: how many, the lowest. */
  readonly clamped: { readonly count: number; readonly mostNegative: number };
}

/** FID of two feature statistics (see FrechetTerms). */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  return frechetTerms(a, b).fid;
}

/**
 * FID with its terms and what was clamped. `keepZeroVariance: true` keeps zero-variance features
 * in the square root (only to measure what leaving them out changes; docs/metrics.md).
 */
export function frechetTerms(
  a: FeatureStats,
  b: FeatureStats,
  options: { keepZeroVariance?: boolean } = {},
): FrechetTerms {
  const d = a.d;
  if (b.d !== d)
    throw new ValidationError("frechetDistance.b.d", `${b.d}`, `the dimension of a: ${d}`);
  for (const [name, s] of [
    ["a", a],
    ["b", b],
  ] as const) {
    if (s.mu.length !== d || s.sigma.length !== d * d)
      throw new ValidationError(
        `frechetDistance.${name}`,
        `μ has ${s.mu.length} and Σ ${s.sigma.length} values`,
        `${d} and ${d * d}`,
      );
  }
  let meanTerm = 0;
  let traceTerm = 0;
  for (let i = 0; i < d; i++) {
    const delta = a.mu[i] - b.mu[i];
    meanTerm += delta * delta;
    traceTerm += a.sigma[i * d + i] + b.sigma[i * d + i];
  }
  const keep: number[] = [];
  let zeroVarianceFeatures = 0;
  for (let i = 0; i < d; i++) {
    const dead = zeroRow(a.sigma, d, i, "a") || zeroRow(b.sigma, d, i, "b");
    if (dead) zeroVarianceFeatures++;
    if (!dead || options.keepZeroVariance) keep.push(i);
  }
  const clamp = { count: 0, mostNegative: 0 };
  const traceSqrt =
    keep.length === 0
      ? 0
      : traceSqrtProduct(
          restrict(a.sigma, d, keep),
          restrict(b.sigma, d, keep),
          keep.length,
          clamp,
        );
  const covarianceTerm = traceTerm - 2 * traceSqrt;
  return {
    fid: meanTerm + covarianceTerm,
    meanTerm,
    covarianceTerm,
    traceSqrt,
    zeroVarianceFeatures,
    clamped: clamp,
  };
}

/** True when feature i has zero variance; an error when its row is not then zero too. */
function zeroRow(sigma: Float64Array, d: number, i: number, name: string): boolean {
  if (sigma[i * d + i] !== 0) return false;
  for (let k = 0; k < d; k++)
    if (sigma[i * d + k] !== 0 || sigma[k * d + i] !== 0)
      throw new ValidationError(
        `frechetDistance.${name}.sigma[${i}][${k}]`,
        `${sigma[i * d + k]} beside a zero variance Σ[${i}][${i}]`,
        "a covariance matrix (a zero variance has a zero row and column)",
      );
  return true;
}

function restrict(sigma: Float64Array, d: number, keep: number[]): Float64Array {
  const m = keep.length;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let k = 0; k < m; k++) out[i * m + k] = sigma[keep[i] * d + keep[k]];
  return out;
}

/**
 * Tr((A^{1/2} B A^{1/2})^{1/2}) for symmetric positive semidefinite A, B (m × m). With A ⪰ 0, a
 * clearly negative eigenvalue of A^{1/2} B A^{1/2} can only come from B, so that error names b.
 */
function traceSqrtProduct(
  a: Float64Array,
  b: Float64Array,
  m: number,
  clamp: { count: number; mostNegative: number },
): number {
  const ea = symmetricEigen(a, m);
  const roots = clampedRoots(ea.values, clamp, "a.sigma");
  // R = A^{1/2} = V diag(√λ) Vᵀ
  const r = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = i; j < m; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += ea.vectors[i * m + k] * roots[k] * ea.vectors[j * m + k];
      r[i * m + j] = s;
      r[j * m + i] = s;
    }
  const rb = multiply(r, b, m);
  const c = multiply(rb, r, m);
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      const s = 0.5 * (c[i * m + j] + c[j * m + i]);
      c[i * m + j] = s;
      c[j * m + i] = s;
    }
  let trace = 0;
  for (const root of clampedRoots(symmetricEigen(c, m).values, clamp, "b.sigma")) trace += root;
  return trace;
}

function clampedRoots(
  values: Float64Array,
  clamp: { count: number; mostNegative: number },
  what: string,
): Float64Array {
  let largest = 0;
  for (const v of values) largest = Math.max(largest, Math.abs(v));
  const roots = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v < 0) {
      if (v < -1e-10 * largest)
        throw new ValidationError(
          `frechetDistance.${what}`,
          `eigenvalue ${v} (largest ${largest})`,
          "a positive semidefinite covariance",
        );
      clamp.count++;
      clamp.mostNegative = Math.min(clamp.mostNegative, v);
    }
    roots[k] = Math.sqrt(Math.max(v, 0));
  }
  return roots;
}

function multiply(x: Float64Array, y: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let k = 0; k < m; k++) {
      const xik = x[i * m + k];
      if (xik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += xik * y[k * m + j];
    }
  return out;
}
