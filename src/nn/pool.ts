import { ValidationError } from "../core/errors.js";
import { checkSize, checkTensor, type Tensor4, tensor4 } from "./tensor.js";

/** Reduces the k×k window whose top-left element is data[at] (row stride w) to one value. */
export type Window = (data: Float64Array, at: number, w: number, k: number) => number;

/**
 * Pooling with kernel = stride = k and no padding: output ⌊H/k⌋ × ⌊W/k⌋, each value the
 * reduction of its window.
 */
export function pool(op: string, x: Tensor4, k: number, reduce: Window): Tensor4 {
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
  const planes = x.n * x.c;
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const at = p * x.h * x.w;
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) y.data[q++] = reduce(x.data, at + i * k * x.w + j * k, x.w, k);
  }
  return y;
}
