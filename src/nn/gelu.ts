import { erf, erfc } from "./erf.js";
import type { Tensor4 } from "./tensor.js";

/**
 * GELU in PyTorch's exact form (torch.nn.GELU(), approximate = "none"):
 * GELU(x) = x·Φ(x) = x·½·(1 + erf(x/√2)). For x < 0 it is evaluated as x·½·erfc(|x|/√2), the same
 * value without the cancellation of 1 + erf in the left tail.
 */
export function geluScalar(x: number): number {
  if (x === Number.NEGATIVE_INFINITY) return -0; // the limit; x·½·erfc(∞) would be −∞·0 = NaN
  const z = x * Math.SQRT1_2;
  return x >= 0 ? 0.5 * x * (1 + erf(z)) : 0.5 * x * erfc(-z);
}

/** GELU of every element, in place. */
export function geluInPlace(data: Float64Array): void {
  for (let q = 0; q < data.length; q++) data[q] = geluScalar(data[q]);
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
