import { ValidationError } from "../core/errors.js";

/**
 * The DDIM timesteps of training/samplers.py, reproduced bit for bit:
 *
 *     τ = torch.linspace(n_T, 1, S).round().long()
 *
 * torch.linspace on the CPU works in float32: step = (end − start)/(S − 1), then element i is
 * start + step·i for i < S/2 and end − step·(S − 1 − i) above, each a fused multiply-add (one
 * rounding; that is how the compiled kernel evaluates it, and plain float32 arithmetic gives
 * different values). torch.round rounds half to even. Checked against PyTorch 2.13 for every S of
 * n_T ∈ {37, 50, 400} (test/diffusion/timesteps.test.ts).
 */

/** a·b + c with one rounding to float32, for float32 a, b, c. */
export function fmaFloat32(a: number, b: number, c: number): number {
  const p = a * b; // exact: two 24-bit significands fit in 53 bits
  const s = p + c;
  // TwoSum: s + e = p + c exactly.
  const pv = s - c;
  const e = p - pv + (c - (s - pv));
  const r = Math.fround(s);
  if (e === 0 || r === s) return r;
  // s is not a float32; it rounds wrongly only if it lies exactly half-way between two of them.
  const other = Math.fround(r < s ? s + (s - r) : s - (r - s));
  if ((r + other) / 2 !== s) return r;
  return e > 0 ? Math.max(r, other) : Math.min(r, other);
}

/** torch.linspace(start, end, steps) in float32 on the CPU, as doubles. */
export function linspaceFloat32(start: number, end: number, steps: number): Float64Array {
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new RangeError(`linspace steps ${steps}: must be an integer ≥ 1`);
  const out = new Float64Array(steps);
  const a = Math.fround(start);
  const b = Math.fround(end);
  if (steps === 1) {
    out[0] = a;
    return out;
  }
  const step = Math.fround(Math.fround(b - a) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    out[i] = i < halfway ? fmaFloat32(step, i, a) : fmaFloat32(-step, steps - i - 1, b);
  }
  return out;
}

/** Round half to even (torch.round, numpy.round, Python's round). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** τ_S = n_T > … > τ_1 ≥ 1: the S timesteps DDIM visits, in the order it visits them. */
export function ddimTimesteps(nT: number, steps: number): number[] {
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= nT))
    throw new ValidationError("steps", `got ${steps}`, `an integer in 1…${nT} (n_T)`);
  return Array.from(linspaceFloat32(nT, 1, steps), roundHalfEven);
}
