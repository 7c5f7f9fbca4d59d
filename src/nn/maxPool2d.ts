import { ValidationError } from "../core/errors.js";
import { checkSize, checkTensor, type Tensor4, tensor4 } from "./tensor.js";

/**
 * Max pooling with kernel = stride = k, as torch.nn.functional.max_pool2d(x, k): the output is
 * ⌊H/k⌋ × ⌊W/k⌋, so the last rows or columns of a size that k does not divide are dropped.
 * A NaN in a window makes that output NaN, as in PyTorch, and of equal values (−0 and +0) the
 * first in row-major order is kept. Plain loops (k = 2 unrolled); maxPool2dReference.ts is the
 * reference they are tested against bit for bit.
 */
export function maxPool2d(x: Tensor4, k: number): Tensor4 {
  const op = "maxPool2d";
  checkTensor(op, "x", x);
  checkSize(op, "k", k, 1);
  const oh = Math.floor(x.h / k);
  const ow = Math.floor(x.w / k);
  if (oh < 1 || ow < 1)
    throw new ValidationError(
      `${op}.k`,
      `window ${k} larger than the input ${x.h}×${x.w}`,
      "k ≤ min(H, W)",
    );
  const y = tensor4(x.n, x.c, oh, ow);
  const { data } = x;
  const out = y.data;
  const W = x.w;
  const planes = x.n * x.c;
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const at = p * x.h * W;
    for (let i = 0; i < oh; i++) {
      const row = at + i * k * W;
      if (k === 2) {
        for (let j = 0; j < ow; j++) {
          const r = row + 2 * j;
          let m = data[r];
          const b = data[r + 1];
          const c = data[r + W];
          const d = data[r + W + 1];
          if (b > m || Number.isNaN(b)) m = b;
          if (c > m || Number.isNaN(c)) m = c;
          if (d > m || Number.isNaN(d)) m = d;
          out[q++] = m; // once m is NaN, no comparison replaces it by a number
        }
      } else {
        for (let j = 0; j < ow; j++) {
          let m = Number.NEGATIVE_INFINITY;
          for (let u = 0; u < k; u++)
            for (let v = 0; v < k; v++) {
              const value = data[row + u * W + j * k + v];
              if (value > m || Number.isNaN(value)) m = value;
            }
          out[q++] = m;
        }
      }
    }
  }
  return y;
}
