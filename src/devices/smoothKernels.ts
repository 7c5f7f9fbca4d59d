/**
 * Smooth scalar kernels of the smooth TaOx model (docs/memristor.md), each overflow-free for
 * every finite argument.
 */

/** softplus(z) = ln(1 + e^z), computed without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** The logistic function σ(z) = 1/(1 + e^{−z}) = d softplus/dz, without overflow. */
export function logistic(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Soft upper cap of a log-rate: cap(Λ) = M − softplus(M − Λ) ≤ M, ≈ Λ for Λ ≪ M
 * (cap(Λ) − Λ = −ln(1 + e^{Λ−M})), ≈ M for Λ ≫ M; cap′(Λ) = σ(M − Λ).
 */
export function softCap(lambda: number, M: number): number {
  return M - softplus(M - lambda);
}

/** Cubic smoothstep S(t) = t²(3 − 2t) on [0, 1], 0 below, 1 above: C¹, S(0) = S′(0) = 0. */
export function smoothStep(t: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  return t * t * (3 - 2 * t);
}

/** S′(t) = 6t(1 − t) on [0, 1], 0 outside. */
export function smoothStepDerivative(t: number): number {
  if (t <= 0 || t >= 1) return 0;
  return 6 * t * (1 - t);
}

/**
 * The bounded factor of sinh: sinh(u) = h(u)·e^{|u|} with h(u) = sign(u)·(1 − e^{−2|u|})/2, so a
 * rate sinh(u)·e^L can be formed as h(u)·e^{|u| + L} with the whole exponent in log space.
 */
export function sinhFactor(u: number): number {
  return u >= 0 ? -0.5 * Math.expm1(-2 * u) : 0.5 * Math.expm1(2 * u);
}

/** h′(u) = e^{−2|u|}. */
export function sinhFactorDerivative(u: number): number {
  return Math.exp(-2 * Math.abs(u));
}
