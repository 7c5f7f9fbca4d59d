import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import {
  type FeatureStats,
  featureStats,
  frechetDistance,
  frechetTerms,
  symmetricEigen,
} from "../../src/metrics/index.js";
import { expectAllClose } from "../support/assert.js";
import { validationErrorOf as errorOf } from "../support/validationError.js";

/** A seeded random orthogonal d × d matrix (Gram–Schmidt of Gaussian columns), row-major. */
function rotation(d: number, seed: number): Float64Array {
  const g = randomStream(seed, "rotation");
  const q = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const v = Array.from({ length: d }, (_, i) => g.normal(k * d + i));
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i] * q[i * d + j];
      for (let i = 0; i < d; i++) v[i] -= dot * q[i * d + j];
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < d; i++) q[i * d + k] = v[i] / norm;
  }
  return q;
}

/** Statistics with μ = R m and Σ = R diag(v) Rᵀ (R = identity when absent). */
function gaussian(m: number[], v: number[], r?: Float64Array): FeatureStats {
  const d = m.length;
  const at = (i: number, k: number) => (r ? r[i * d + k] : i === k ? 1 : 0);
  const mu = new Float64Array(d);
  const sigma = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      mu[i] += at(i, k) * m[k];
      for (let j = 0; j < d; j++) sigma[i * d + j] += at(i, k) * v[k] * at(j, k);
    }
  return { d, n: 100, mu, sigma };
}

/** FID of two Gaussians with diagonal covariances: Σ (Δμ)² + Σ (√va − √vb)². */
function diagonalFid(ma: number[], va: number[], mb: number[], vb: number[]): number {
  let s = 0;
  for (let i = 0; i < ma.length; i++)
    s += (ma[i] - mb[i]) ** 2 + (Math.sqrt(va[i]) - Math.sqrt(vb[i])) ** 2;
  return s;
}

describe("featureStats", () => {
  it("featureStats(features, n, d) gives the mean and the unbiased (n − 1) covariance", () => {
    const s = featureStats([1, 2, 3, 6, 5, 4], 3, 2);
    expect(Array.from(s.mu)).toEqual([3, 4]);
    expect(Array.from(s.sigma)).toEqual([4, 2, 2, 4]);
    expect([s.n, s.d]).toEqual([3, 2]);
  });

  it("featureStats rejects a count that does not fit, n < 2 and non-finite values", () => {
    expect(errorOf(() => featureStats([1, 2, 3], 2, 2)).field).toBe("featureStats.features");
    expect(errorOf(() => featureStats([1, 2], 1, 2)).field).toBe("featureStats.n");
    expect(errorOf(() => featureStats([1, Number.NaN, 3, 4], 2, 2)).field).toBe(
      "featureStats.features[1]",
    );
  });
});

describe("symmetricEigen", () => {
  it("symmetricEigen(A) gives ascending λ and orthonormal V with V diag(λ) Vᵀ = A", () => {
    const d = 7;
    const r = rotation(d, 3);
    const a = gaussian(new Array(d).fill(0), [5, 0.1, 3, 2, 9, 1e-6, 4], r).sigma;
    const { values, vectors } = symmetricEigen(a, d);
    expectAllClose(
      values,
      [1e-6, 0.1, 1, 2, 3, 4, 5, 9].filter((v) => v !== 1),
      1e-13,
      "λ",
    );
    const back = new Float64Array(d * d);
    const gram = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++)
        for (let k = 0; k < d; k++) {
          back[i * d + j] += vectors[i * d + k] * values[k] * vectors[j * d + k];
          gram[i * d + j] += vectors[k * d + i] * vectors[k * d + j];
        }
    expectAllClose(back, a, 1e-13, "V Λ Vᵀ");
    expectAllClose(gram, gaussian(new Array(d).fill(0), new Array(d).fill(1)).sigma, 1e-14, "Vᵀ V");
  });
});

describe("frechetDistance", () => {
  const ma = [0, 1, 2, -1];
  const va = [1, 4, 9, 0.25];
  const mb = [1, 1, 0, 0.5];
  const vb = [4, 1, 9, 2];

  it("frechetDistance of diagonal Gaussians is Σ (Δμ)² + Σ (√σa − √σb)²", () => {
    const f = frechetDistance(gaussian(ma, va), gaussian(mb, vb));
    expect(f).toBeCloseTo(diagonalFid(ma, va, mb, vb), 12);
    expect(diagonalFid(ma, va, mb, vb)).toBeCloseTo(
      1 + 0 + 4 + 2.25 + 1 + 1 + 0 + (0.5 - Math.SQRT2) ** 2,
      12,
    );
  });

  it("frechetDistance is unchanged when both Gaussians are rotated by one orthogonal matrix", () => {
    const r = rotation(4, 11);
    const f = frechetDistance(gaussian(ma, va, r), gaussian(mb, vb, r));
    expect(Math.abs(f - diagonalFid(ma, va, mb, vb))).toBeLessThan(1e-12);
  });

  it("frechetDistance of two non-commuting 2×2 covariances: Tr (ΣaΣb)^½ = √(tr ΣaΣb + 2√(det Σa det Σb))", () => {
    const a = gaussian([0, 0], [3, 0.5], rotation(2, 5));
    const b = gaussian([1, -2], [2, 0.2]);
    const [a00, a01, , a11] = a.sigma;
    const [b00, b01, , b11] = b.sigma;
    const trAB = a00 * b00 + 2 * a01 * b01 + a11 * b11;
    const detA = a00 * a11 - a01 * a01;
    const detB = b00 * b11 - b01 * b01;
    const traceSqrt = Math.sqrt(trAB + 2 * Math.sqrt(detA * detB));
    expect(Math.abs(a01)).toBeGreaterThan(0.1); // they do not commute
    const terms = frechetTerms(a, b);
    expect(terms.traceSqrt).toBeCloseTo(traceSqrt, 13);
    expect(terms.fid).toBeCloseTo(5 + a00 + a11 + b00 + b11 - 2 * traceSqrt, 12);
    expect(terms.meanTerm).toBe(5);
  });

  it("frechetDistance leaves zero-variance features out of the root, exactly as the closed form says", () => {
    const va0 = [1, 0, 9, 0];
    const vb0 = [4, 1, 0, 0];
    const terms = frechetTerms(gaussian(ma, va0), gaussian(mb, vb0));
    expect(terms.zeroVarianceFeatures).toBe(3);
    expect(terms.fid).toBeCloseTo(diagonalFid(ma, va0, mb, vb0), 13);
    expect(terms.clamped.count).toBe(0);
    const kept = frechetTerms(gaussian(ma, va0), gaussian(mb, vb0), { keepZeroVariance: true });
    expect(kept.zeroVarianceFeatures).toBe(3);
    expect(kept.fid).toBeCloseTo(terms.fid, 12);
  });

  it("frechetDistance(X, X) is 0 to rounding for the statistics of random features", () => {
    const g = randomStream(1, "features");
    const n = 200;
    const d = 12;
    const f = new Float64Array(n * d);
    for (let k = 0; k < f.length; k++) f[k] = Math.max(0, g.normal(k) + (k % d) / 4);
    const s = featureStats(f, n, d);
    const terms = frechetTerms(s, s);
    let trace = 0;
    for (let i = 0; i < d; i++) trace += s.sigma[i * d + i];
    expect(Math.abs(terms.fid)).toBeLessThan(1e-13 * trace);
    expect(terms.meanTerm).toBe(0);
  });

  it("frechetDistance reports clamped rounding eigenvalues and rejects a matrix that is not a covariance", () => {
    // A rank-1 covariance: its null eigenvalues come out at ±rounding.
    const v = [1, 2, 3];
    const rank1: FeatureStats = {
      d: 3,
      n: 10,
      mu: new Float64Array(3),
      sigma: Float64Array.from(v.flatMap((x) => v.map((y) => x * y))),
    };
    const terms = frechetTerms(rank1, rank1);
    expect(terms.clamped.mostNegative).toBeLessThanOrEqual(0);
    expect(terms.clamped.mostNegative).toBeGreaterThan(-1e-12);
    expect(Math.abs(terms.fid)).toBeLessThan(1e-6);
    const notPsd = { ...rank1, sigma: Float64Array.from([1, 2, 0, 2, 1, 0, 0, 0, 1]) };
    expect(errorOf(() => frechetDistance(notPsd, rank1)).field).toBe("frechetDistance.a.sigma");
    const unit = gaussian([0, 0, 0], [1, 1, 1]);
    expect(errorOf(() => frechetDistance(unit, notPsd)).field).toBe("frechetDistance.b.sigma");
    const broken = { ...rank1, sigma: Float64Array.from([0, 1, 0, 1, 1, 0, 0, 0, 1]) };
    expect(errorOf(() => frechetDistance(broken, rank1)).field).toBe(
      "frechetDistance.a.sigma[0][1]",
    );
    expect(errorOf(() => frechetDistance(rank1, gaussian([0, 0], [1, 1]))).field).toBe(
      "frechetDistance.b.d",
    );
  });
});
