import type { Tensor4 } from "./tensor.js";

/** ReLU of every element, in place: x ← max(x, 0) (NaN stays NaN, as in PyTorch). */
export function reluInPlace(data: Float64Array): void {
  for (let q = 0; q < data.length; q++) if (data[q] < 0) data[q] = 0;
}

/** ReLU of every element, as a new array or tensor of the same shape. */
export function relu(x: Tensor4): Tensor4;
export function relu(x: Float64Array): Float64Array;
export function relu(x: Tensor4 | Float64Array): Tensor4 | Float64Array {
  if (x instanceof Float64Array) {
    const y = Float64Array.from(x);
    reluInPlace(y);
    return y;
  }
  const y = { ...x, data: Float64Array.from(x.data) };
  reluInPlace(y.data);
  return y;
}
