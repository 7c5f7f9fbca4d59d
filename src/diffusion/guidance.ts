import type { EpsFn } from "./sampler.js";

/**
 * The conditional noise-prediction network as the sampler's guidance sees it: ε_θ for a batch
 * of m images x_t (m×C×H×W) with class labels c, times t = t_index/n_T and class-drop flags
 * (1 = class dropped, ∅), one forward pass.
 */
export type NoisePredictor = (
  x_t: Float64Array,
  c: Int32Array,
  t: Float64Array,
  drop: Float64Array,
) => Float64Array | Promise<Float64Array>;

/**
 * Classifier-free guidance (Ho & Salimans 2022), as training/diffusion.py `guided_eps`:
 *
 *     ε̃(x, t) = (1 + w)·ε_θ(x, c, t/n_T) − w·ε_θ(x, ∅, t/n_T)
 *
 * with both halves in ONE batched forward of 2n images (conditional first, then the same
 * images with the class dropped); w = 0 is one conditional pass of n images.
 */
export function guidedEps(network: NoisePredictor, c: Int32Array, w: number, nT: number): EpsFn {
  if (!Number.isFinite(w)) throw new RangeError(`guidance weight ${w}: must be finite`);
  return async (x, tIndex, n) => {
    if (c.length !== n) throw new RangeError(`${n} images but ${c.length} class labels`);
    const size = x.length;
    const tau = tIndex / nT;
    if (w === 0) return network(x, c, new Float64Array(n).fill(tau), new Float64Array(n));
    const x2 = new Float64Array(2 * size);
    x2.set(x);
    x2.set(x, size);
    const c2 = new Int32Array(2 * n);
    c2.set(c);
    c2.set(c, n);
    const drop = new Float64Array(2 * n).fill(1, n);
    const both = await network(x2, c2, new Float64Array(2 * n).fill(tau), drop);
    if (both.length !== 2 * size)
      throw new RangeError(`the network gave ${both.length} values for ${2 * size}`);
    const out = new Float64Array(size);
    for (let k = 0; k < size; k++) out[k] = (1 + w) * both[k] - w * both[size + k];
    return out;
  };
}
