import { ValidationError } from "../core/errors.js";
import { pause, predict } from "./networkPass.js";
import { type Sampler, sampleSize } from "./sampler.js";

/**
 * Ancestral sampling: Ho, Jain & Abbeel 2020, Algorithm 2 with σ_t² = β_t, for t = T…1:
 *
 *     x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε̃(x_t, t)) / √(1−β_t) + √β_t·z,   z ~ N(0, I) for t > 1, else 0
 *
 * as training/samplers.py `ddpm_ho2020`. T = options.steps, n_T by default (the chain has no
 * shortcut: T < n_T continues a chain from a given x_T, as the golden data's truncated chain);
 * z comes from options.noise.
 */
export const ddpmHo2020: Sampler = async (eps, schedule, x_T, shape, options = {}) => {
  const n = sampleSize(shape);
  if (x_T.length !== n)
    throw new ValidationError("x_T", `has ${x_T.length} values`, `${n} (N×C×H×W)`);
  const T = options.steps ?? schedule.nT;
  if (!(Number.isInteger(T) && T >= 1 && T <= schedule.nT))
    throw new ValidationError("steps", `got ${T}`, `an integer in 1…${schedule.nT} (n_T)`);
  const { noise } = options;
  if (T > 1 && !noise)
    throw new ValidationError("noise", "is missing", "the ancestral noise z for t = T…2");
  const { beta, alphaBar } = schedule;
  let x = Float64Array.from(x_T);
  for (let t = T; t >= 1; t--) {
    await pause(options.checkInterrupt);
    const e = await predict(eps, x, t, shape.batch);
    const z = t > 1 ? (noise as { z(t: number): Float64Array }).z(t) : undefined;
    if (z && z.length !== n)
      throw new ValidationError(`z[t=${t}]`, `has ${z.length} values`, `${n} (N×C×H×W)`);
    const coefficient = beta[t] / Math.sqrt(1 - alphaBar[t]);
    const sqrtOneMinusBeta = Math.sqrt(1 - beta[t]);
    const sigma = Math.sqrt(beta[t]);
    const next = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const mean = (x[k] - coefficient * e[k]) / sqrtOneMinusBeta;
      next[k] = z ? mean + sigma * z[k] : mean;
    }
    x = next;
    options.onStep?.({ step: T - t, steps: T, t, x: Float64Array.from(x) });
  }
  return x;
};
