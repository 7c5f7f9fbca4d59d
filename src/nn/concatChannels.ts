import { ValidationError } from "../core/errors.js";
import { checkTensor, shapeText, type Tensor4, tensor4 } from "./tensor.js";

/**
 * Concatenation along the channel axis, as torch.cat((a, b), 1): the result has a's channels
 * first, then b's; batch size and spatial size must agree.
 */
export function concatChannels(a: Tensor4, b: Tensor4): Tensor4 {
  const op = "concatChannels";
  checkTensor(op, "a", a);
  checkTensor(op, "b", b);
  if (a.n !== b.n || a.h !== b.h || a.w !== b.w)
    throw new ValidationError(
      `${op}.b`,
      `shape ${shapeText(b)} beside a of shape ${shapeText(a)}`,
      `${a.n}×C×${a.h}×${a.w} (same N, H, W as a)`,
    );
  const y = tensor4(a.n, a.c + b.c, a.h, a.w);
  const plane = a.h * a.w;
  const sizeA = a.c * plane;
  const sizeB = b.c * plane;
  for (let i = 0; i < a.n; i++) {
    const at = i * (sizeA + sizeB);
    y.data.set(a.data.subarray(i * sizeA, (i + 1) * sizeA), at);
    y.data.set(b.data.subarray(i * sizeB, (i + 1) * sizeB), at + sizeA);
  }
  return y;
}
