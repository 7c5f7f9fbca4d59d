import { randomStream } from "../core/counterRandom.js";
import { ValidationError } from "../core/errors.js";

/**
 * Kernel Inception Distance (Bińkowski, Sutherland, Arbel & Gretton, "Demystifying MMD GANs",
 * ICLR 2018) over classifier features: the unbiased estimate of the squared maximum mean
 * discrepancy with the cubic polynomial kernel k(x, y) = (x·y / d + 1)³,
 *
 *   MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(a_i, a_j) + 1/(m(m−1)) Σ_{i≠j} k(b_i, b_j) − 2/m² Σ_{i,j} k(a_i, b_j),
 *
 * averaged over `subsets` random subsets of `subsetSize` vectors drawn without replacement from
 * each set (as the paper's code). Unbiased: its expectation is 0 when both sets come from one
 * distribution, so it can be negative. The subsets are drawn from the counter-based stream
 * `randomStream(seed, "kid", s, "a" | "b")` (src/core/counterRandom.ts), so a result depends only
 * on the seed. `std` is the standard deviation of the subset values (divided by their count, as
 * torch-fidelity reports it).
 */
export interface KidOptions {
  /** Vectors per subset; default min(1000, nA, nB). */
  subsetSize?: number;
  /** Number of subsets; default 100. */
  subsets?: number;
  /** Seed of the subset draws; default 0. */
  seed?: number | string;
}

export interface KidResult {
  readonly mean: number;
  readonly std: number;
  readonly subsetSize: number;
  readonly subsets: number;
  /** MMD²_u of each subset. */
  readonly values: Float64Array;
}

/** KID of feature sets a (nA × d) and b (nB × d), row-major. */
export function kernelInceptionDistance(
  a: ArrayLike<number>,
  nA: number,
  b: ArrayLike<number>,
  nB: number,
  d: number,
  options: KidOptions = {},
): KidResult {
  if (!(Number.isInteger(d) && d >= 1))
    throw new ValidationError("kid.d", `${d}`, "a positive integer");
  if (a.length !== nA * d)
    throw new ValidationError("kid.a", `${a.length} values`, `nA·d = ${nA * d}`);
  if (b.length !== nB * d)
    throw new ValidationError("kid.b", `${b.length} values`, `nB·d = ${nB * d}`);
  const most = Math.min(nA, nB);
  const subsetSize = options.subsetSize ?? Math.min(1000, most);
  if (!(Number.isInteger(subsetSize) && subsetSize >= 2 && subsetSize <= most))
    throw new ValidationError(
      "kid.subsetSize",
      `${subsetSize}`,
      `an integer from 2 to the smaller set's size, ${most}`,
    );
  const subsets = options.subsets ?? 100;
  if (!(Number.isInteger(subsets) && subsets >= 1))
    throw new ValidationError("kid.subsets", `${subsets}`, "a positive integer");
  const seed = options.seed ?? 0;
  const values = new Float64Array(subsets);
  const xa = new Float64Array(subsetSize * d);
  const xb = new Float64Array(subsetSize * d);
  for (let s = 0; s < subsets; s++) {
    gather(a, d, drawWithoutReplacement(nA, subsetSize, seed, s, "a"), xa);
    gather(b, d, drawWithoutReplacement(nB, subsetSize, seed, s, "b"), xb);
    values[s] = mmdUnbiased(xa, subsetSize, xb, subsetSize, d);
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= subsets;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  return { mean, std: Math.sqrt(variance / subsets), subsetSize, subsets, values };
}

/**
 * MMD²_u with the cubic kernel of all m vectors of a against all n of b (the formula above, with
 * 1/(n(n−1)) and 2/(mn) for sets of different sizes): the estimate without any random draw.
 */
export function mmdUnbiased(
  a: ArrayLike<number>,
  m: number,
  b: ArrayLike<number>,
  n: number,
  d: number,
): number {
  let aa = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) aa += cubicKernel(a, i, a, j, d);
  let bb = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) bb += cubicKernel(b, i, b, j, d);
  let ab = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) ab += cubicKernel(a, i, b, j, d);
  return (2 * aa) / (m * (m - 1)) + (2 * bb) / (n * (n - 1)) - (2 * ab) / (m * n);
}

/** k(x_i, y_j) = (x_i·y_j / d + 1)³ for rows i of x and j of y. */
function cubicKernel(
  x: ArrayLike<number>,
  i: number,
  y: ArrayLike<number>,
  j: number,
  d: number,
): number {
  let dot = 0;
  const xi = i * d;
  const yj = j * d;
  for (let k = 0; k < d; k++) dot += x[xi + k] * y[yj + k];
  const base = dot / d + 1;
  return base * base * base;
}

/** m distinct indices of 0…n−1: the first m of a Fisher–Yates shuffle driven by the stream. */
function drawWithoutReplacement(
  n: number,
  m: number,
  seed: number | string,
  s: number,
  set: string,
): Uint32Array {
  const stream = randomStream(seed, "kid", s, set);
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  for (let k = 0; k < m; k++) {
    const pick = k + Math.floor(stream.uniform(k) * (n - k));
    const t = order[k];
    order[k] = order[pick];
    order[pick] = t;
  }
  return order.subarray(0, m);
}

function gather(x: ArrayLike<number>, d: number, rows: Uint32Array, out: Float64Array): void {
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * d;
    for (let k = 0; k < d; k++) out[r * d + k] = x[from + k];
  }
}
