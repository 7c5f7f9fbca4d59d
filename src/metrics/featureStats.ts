import { ValidationError } from "../core/errors.js";

/**
 * The Gaussian summary of a set of feature vectors that FID compares: the mean μ and the
 * unbiased covariance Σ = Σ_i (f_i − μ)(f_i − μ)ᵀ / (n − 1), as numpy's `np.cov` and torch's
 * `torch.cov` compute it. Float64 throughout.
 */
export interface FeatureStats {
  /** Feature dimension d. */
  readonly d: number;
  /** Number of feature vectors the statistics were computed from. */
  readonly n: number;
  /** μ, d values. */
  readonly mu: Float64Array;
  /** Σ, d × d, row-major and symmetric. */
  readonly sigma: Float64Array;
}

/** μ and Σ of `n` feature vectors of dimension `d`, stored row after row in `features`. */
export function featureStats(features: ArrayLike<number>, n: number, d: number): FeatureStats {
  if (!(Number.isInteger(d) && d >= 1))
    throw new ValidationError("featureStats.d", `${d}`, "a positive integer");
  if (!(Number.isInteger(n) && n >= 2))
    throw new ValidationError(
      "featureStats.n",
      `${n}`,
      "an integer ≥ 2 (the covariance divides by n − 1)",
    );
  if (features.length !== n * d)
    throw new ValidationError(
      "featureStats.features",
      `${features.length} values`,
      `n·d = ${n * d}`,
    );
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += features[i * d + j];
  for (let j = 0; j < d; j++) mu[j] /= n;
  const sigma = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = features[i * d + j];
      if (!Number.isFinite(v))
        throw new ValidationError(`featureStats.features[${i * d + j}]`, `${v}`, "a finite number");
      centred[j] = v - mu[j];
    }
    for (let j = 0; j < d; j++) {
      const cj = centred[j];
      if (cj === 0) continue;
      const row = j * d;
      for (let k = j; k < d; k++) sigma[row + k] += cj * centred[k];
    }
  }
  for (let j = 0; j < d; j++)
    for (let k = j; k < d; k++) {
      const s = sigma[j * d + k] / (n - 1);
      sigma[j * d + k] = s;
      sigma[k * d + j] = s;
    }
  return { d, n, mu, sigma };
}
