import { pool } from "./pool.js";
import type { Tensor4 } from "./tensor.js";

/**
 * Average pooling with kernel = stride = k and no padding, as torch.nn.AvgPool2d(k) (the UNet's
 * AvgPool2d(H/4) reduces a 7×7 map to 1×1): each output is the mean of its k×k window; the output
 * is ⌊H/k⌋ × ⌊W/k⌋.
 */
export function avgPool2d(x: Tensor4, k: number): Tensor4 {
  return pool("avgPool2d", x, k, windowMean);
}

function windowMean(data: Float64Array, at: number, w: number, k: number): number {
  let s = 0;
  for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) s += data[at + u * w + v];
  return s / (k * k);
}
