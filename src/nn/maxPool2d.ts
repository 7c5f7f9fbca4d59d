import { pool } from "./pool.js";
import type { Tensor4 } from "./tensor.js";

/**
 * Max pooling with kernel = stride = k, as torch.nn.functional.max_pool2d(x, k): the output is
 * ⌊H/k⌋ × ⌊W/k⌋, so the last rows or columns of a size that k does not divide are dropped.
 * A NaN in a window makes that output NaN, as in PyTorch.
 */
export function maxPool2d(x: Tensor4, k: number): Tensor4 {
  return pool("maxPool2d", x, k, windowMax);
}

function windowMax(data: Float64Array, at: number, w: number, k: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let u = 0; u < k; u++)
    for (let v = 0; v < k; v++) {
      const value = data[at + u * w + v];
      if (value > m || Number.isNaN(value)) m = value;
      if (Number.isNaN(m)) return m;
    }
  return m;
}
