/**
 * Data x_0 ~ N(μ, s²) per pixel: the diffusion of it stays Gaussian, x_t ~ N(√ᾱ_t μ, σ_t²) with
 * σ_t² = ᾱ_t s² + 1 − ᾱ_t, and the optimal noise prediction is known in closed form,
 *
 *     ε̂(x_t, t) = E[ε | x_t] = √(1−ᾱ_t)·(x_t − √ᾱ_t μ)/σ_t²,
 *
 * which makes the samplers' results computable by hand.
 */
import type { EpsFn, Schedule } from "../../src/diffusion/index.js";

export interface Gaussian {
  readonly mu: number;
  readonly s: number;
}

export function sigma2(g: Gaussian, ab: number): number {
  return ab * g.s * g.s + 1 - ab;
}

/** ε̂ of N(μ, s²) data, counting its calls. */
export function gaussianEps(g: Gaussian, schedule: Schedule): EpsFn & { calls: number } {
  const eps = Object.assign(
    (x: Float64Array, t: number): Float64Array => {
      eps.calls++;
      const ab = schedule.alphaBar[t];
      const k = Math.sqrt(1 - ab) / sigma2(g, ab);
      const m = Math.sqrt(ab) * g.mu;
      return x.map((v) => k * (v - m));
    },
    { calls: 0 },
  );
  return eps;
}

/**
 * DDIM with ε̂ is linear in the standardised variable ζ = (x_τ − √ᾱ_τ μ)/σ_τ: one step
 * τ → τ' multiplies ζ by (√(ᾱ ᾱ') s² + √((1−ᾱ)(1−ᾱ')))/(σ_τ σ_τ'), and the last step returns
 * x̂_0 = μ + ζ·√ᾱ s²/σ_τ. This gives DDIM's exact discrete result for one pixel.
 */
export function ddimGaussianExact(
  g: Gaussian,
  schedule: Schedule,
  taus: number[],
  xT: number,
): number {
  const ab = (t: number) => schedule.alphaBar[t];
  let zeta = (xT - Math.sqrt(ab(taus[0])) * g.mu) / Math.sqrt(sigma2(g, ab(taus[0])));
  for (let i = 0; i + 1 < taus.length; i++) {
    const a = ab(taus[i]);
    const b = ab(taus[i + 1]);
    zeta *=
      (Math.sqrt(a * b) * g.s * g.s + Math.sqrt((1 - a) * (1 - b))) /
      Math.sqrt(sigma2(g, a) * sigma2(g, b));
  }
  const a = ab(taus[taus.length - 1]);
  return g.mu + (zeta * Math.sqrt(a) * g.s * g.s) / Math.sqrt(sigma2(g, a));
}

/**
 * The limit of DDIM as its steps go to zero: the probability-flow ODE keeps ζ constant, and the
 * last step at τ_1 = 1 returns x̂_0 = μ + ζ·√ᾱ_1 s²/σ_1.
 */
export function ddimGaussianLimit(g: Gaussian, schedule: Schedule, xT: number): number {
  const aT = schedule.alphaBar[schedule.nT];
  const a1 = schedule.alphaBar[1];
  const zeta = (xT - Math.sqrt(aT) * g.mu) / Math.sqrt(sigma2(g, aT));
  return g.mu + (zeta * Math.sqrt(a1) * g.s * g.s) / Math.sqrt(sigma2(g, a1));
}

/**
 * DDPM with ε̂ is a linear Gaussian chain, x_{t−1} = A_t x_t + b_t + √β_t z: from x_T ~ N(m, v)
 * its output is exactly N(m_0, v_0) with m ← A m + b, v ← A² v + β_t (no noise at t = 1).
 */
export function ddpmGaussianMoments(
  g: Gaussian,
  schedule: Schedule,
  start: { t: number; mean: number; variance: number },
): { mean: number; variance: number } {
  let { mean, variance } = start;
  for (let t = start.t; t >= 1; t--) {
    const ab = schedule.alphaBar[t];
    const beta = schedule.beta[t];
    const k = Math.sqrt(1 - ab) / sigma2(g, ab);
    const c = beta / Math.sqrt(1 - ab);
    const A = (1 - c * k) / Math.sqrt(1 - beta);
    const b = (c * k * Math.sqrt(ab) * g.mu) / Math.sqrt(1 - beta);
    mean = A * mean + b;
    variance = A * A * variance + (t > 1 ? beta : 0);
  }
  return { mean, variance };
}
