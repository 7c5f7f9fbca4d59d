import { correction, ERF_TAYLOR, erf, erfc } from "./erf.js";
import type { Tensor4 } from "./tensor.js";

/**
 * GELU in PyTorch's exact form (torch.nn.GELU(), approximate = "none"):
 * GELU(x) = x·Φ(x) = x·½·(1 + erf(x/√2)). For x < 0 it is evaluated as x·½·erfc(|x|/√2), the same
 * value without the cancellation of 1 + erf in the left tail. The reference of geluInPlace.
 */
export function geluScalar(x: number): number {
  if (x === Number.NEGATIVE_INFINITY) return -0; // the limit; x·½·erfc(∞) would be −∞·0 = NaN
  const z = x * Math.SQRT1_2;
  return x >= 0 ? 0.5 * x * (1 + erf(z)) : 0.5 * x * erfc(-z);
}

const { table: T, stride: S, steps: STEPS, limit: LIMIT } = ERF_TAYLOR;

/**
 * GELU of every element, in place: geluScalar's arithmetic, bit for bit, with erf/erfc inlined
 * (their Taylor correction is the same function, erf.ts `correction`, evaluated by Estrin's
 * scheme) and the sign choices (centre below or above |x|/√2, erf or erfc, 1 + e or e) made by
 * arithmetic on a 0/1 flag instead of branches, so that consecutive elements of mixed sign do not
 * stall the pipeline (docs/nn.md: the cost per element); |x|/√2 ≥ 6 and NaN go to geluScalar.
 */
export function geluInPlace(data: Float64Array): void {
  for (let q = 0; q < data.length; q++) {
    const x = data[q];
    const a = Math.abs(x * Math.SQRT1_2);
    if (!(a < LIMIT)) {
      data[q] = geluScalar(x);
      continue;
    }
    const f = a * STEPS;
    const below = Math.floor(f);
    const neg = (x < 0 ? 1 : 0) as number;
    const k = below + (neg & (f > below ? 1 : 0));
    const h = a - k / STEPS;
    const s = correction(k, h);
    // erf z = T[k·S] + s (x ≥ 0), erfc |z| = T[k·S + 1] − s (x < 0)
    const e = T[k * S + neg] + (1 - 2 * neg) * s;
    data[q] = 0.5 * x * (1 - neg + e);
  }
}

/** GELU of every element, as a new array or tensor of the same shape. */
export function gelu(x: Tensor4): Tensor4;
export function gelu(x: Float64Array): Float64Array;
export function gelu(x: Tensor4 | Float64Array): Tensor4 | Float64Array {
  if (x instanceof Float64Array) {
    const y = Float64Array.from(x);
    geluInPlace(y);
    return y;
  }
  const y = { ...x, data: Float64Array.from(x.data) };
  geluInPlace(y.data);
  return y;
}
