import { ValidationError } from "../core/errors.js";

/**
 * The DDPM noise schedule (Ho, Jain & Abbeel 2020; DESIGN.md 4), exactly as training/diffusion.py
 * `ddpm_schedule` computes it in float64, indexed by t = 0…n_T:
 *
 *     β_t = β_1 + (β_2 − β_1)·t/n_T        ᾱ_t = Π_{s=0..t} (1 − β_s)
 */
export interface Schedule {
  /** Number of diffusion steps n_T. */
  readonly nT: number;
  /** β_t, t = 0…n_T (length n_T + 1). */
  readonly beta: Float64Array;
  /** ᾱ_t, t = 0…n_T (length n_T + 1). */
  readonly alphaBar: Float64Array;
}

/** The linear-β schedule of `nT` steps between β_1 = betas[0] and β_2 = betas[1]. */
export function ddpmSchedule(nT: number, betas: readonly [number, number]): Schedule {
  if (!(Number.isInteger(nT) && nT >= 1))
    throw new ValidationError("diffusion.n_T", `got ${nT}`, "an integer ≥ 1");
  const [beta1, beta2] = betas;
  if (!(0 < beta1 && beta1 < beta2 && beta2 < 1))
    throw new ValidationError("diffusion.betas", `got [${beta1}, ${beta2}]`, "0 < β_1 < β_2 < 1");
  const beta = new Float64Array(nT + 1);
  const alphaBar = new Float64Array(nT + 1);
  let product = 1;
  for (let t = 0; t <= nT; t++) {
    // Same operation order as torch: beta1 + ((beta2 − beta1)·t)/n_T, then a running product.
    beta[t] = beta1 + ((beta2 - beta1) * t) / nT;
    product *= 1 - beta[t];
    alphaBar[t] = product;
  }
  return { nT, beta, alphaBar };
}
