import { ValidationError } from "../core/errors.js";
import { pause, predict } from "./networkPass.js";
import { type Sampler, sampleSize } from "./sampler.js";
import { ddimTimesteps } from "./timesteps.js";

/**
 * Deterministic DDIM: Song, Meng & Ermon 2021, eq. 12 with σ = 0, on S evenly spaced timesteps
 * τ_S = n_T > … > τ_1 ≥ 1 (timesteps.ts, as training/samplers.py `ddim_song2021`):
 *
 *     x̂_0 = (x_τ − √(1−ᾱ_τ)·ε̃(x_τ, τ)) / √ᾱ_τ
 *     x_τ' = √ᾱ_τ'·x̂_0 + √(1−ᾱ_τ')·ε̃(x_τ, τ)        (τ' the next timestep)
 *
 * and the last step (τ_1) returns x̂_0.
 */
export const ddimSong2021: Sampler = async (eps, schedule, x_T, shape, options = {}) => {
  const n = sampleSize(shape);
  if (x_T.length !== n)
    throw new ValidationError("x_T", `has ${x_T.length} values`, `${n} (N×C×H×W)`);
  const taus = ddimTimesteps(schedule.nT, options.steps ?? 50);
  const { alphaBar } = schedule;
  let x = Float64Array.from(x_T);
  for (let i = 0; i < taus.length; i++) {
    const tau = taus[i];
    await pause(options.checkInterrupt);
    const e = await predict(eps, x, tau, shape.batch);
    const ab = alphaBar[tau];
    const sqrtAb = Math.sqrt(ab);
    const sqrtOneMinusAb = Math.sqrt(1 - ab);
    const last = i + 1 === taus.length;
    const abNext = last ? 0 : alphaBar[taus[i + 1]];
    const sqrtAbNext = Math.sqrt(abNext);
    const sqrtOneMinusAbNext = Math.sqrt(1 - abNext);
    const next = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const x0Hat = (x[k] - sqrtOneMinusAb * e[k]) / sqrtAb;
      next[k] = last ? x0Hat : sqrtAbNext * x0Hat + sqrtOneMinusAbNext * e[k];
    }
    x = next;
    options.onStep?.({ step: i, steps: taus.length, t: tau, x: Float64Array.from(x) });
  }
  return x;
};
