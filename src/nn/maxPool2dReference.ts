import { pool } from "./pool.js";
import type { Tensor4 } from "./tensor.js";

/**
 * maxPool2d as the generic window reduction of pool.ts, one window at a time: the reference that
 * maxPool2d's loops are tested against bit for bit (NaN propagates; of equal values the first in
 * row-major order is kept).
 */
export function maxPool2dReference(x: Tensor4, k: number): Tensor4 {
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
