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

/** |x|/√2 below which geluInPlaceShort takes 6 Taylor terms. */
const SHORT_LIMIT = 3;

/**
 * GELU of every element, in place, to float32 accuracy rather than float64: geluInPlace with
 * erf's Taylor correction cut after 6 terms instead of 16 (Horner's scheme on the same table;
 * |h| ≤ 1/16) where |x|/√2 < 3, the 16 terms beyond. Measured on 2,000,001 points of [−9, 9]
 * (test/nn/geluShort.test.ts): within 3.6e-11·max(1, |x|) of geluScalar and 4.6e-8 relative,
 * below float32's rounding; about 1.6× faster than geluInPlace. For the float32 digital path
 * (unetForward's `precision: "float32"`), where every other operation rounds to float32 anyway.
 */
export function geluInPlaceShort(data: Float64Array): void {
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
    const c = k * S + 2;
    // 6 terms below SHORT_LIMIT; the 16 in the far tails, where the Hermite coefficients grow
    const s =
      a < SHORT_LIMIT
        ? (T[c] +
            h * (T[c + 1] + h * (T[c + 2] + h * (T[c + 3] + h * (T[c + 4] + h * T[c + 5]))))) *
          h
        : correction(k, h);
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
