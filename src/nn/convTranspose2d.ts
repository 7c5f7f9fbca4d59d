import { convTranspose2dInto } from "./convTranspose2dKernel.js";
import { checkParam, checkSize, checkTensor, type Tensor4, tensor4 } from "./tensor.js";

export interface ConvTranspose2dOptions {
  /** Output channels C_out. */
  readonly cOut: number;
  /** Kernel size k, which is also the stride (the UNet's 2×2/2 upsampling and up0's H/4). */
  readonly k: number;
}

/**
 * Transposed convolution with stride = kernel = k and no padding, as
 * torch.nn.ConvTranspose2d(C_in, C_out, k, k): every input pixel paints its own k×k output block,
 * y[b,o, i·k+u, j·k+v] = bias[o] + Σ_c x[b,c,i,j] · W[c,o,u,v], so the output is Hk × Wk.
 * `weight` is in PyTorch's layout C_in×C_out×k×k; `bias` C_out or absent. The kernel is a small
 * GEMM (convTranspose2dKernel.ts), the same bits as the plain loops of
 * convTranspose2dReference.ts.
 */
export function convTranspose2d(
  x: Tensor4,
  weight: Float64Array,
  bias: Float64Array | undefined,
  options: ConvTranspose2dOptions,
): Tensor4 {
  const op = "convTranspose2d";
  checkTensor(op, "x", x);
  const cOut = checkSize(op, "cOut", options.cOut, 1);
  const k = checkSize(op, "k", options.k, 1);
  const cIn = x.c;
  checkParam(op, "weight", weight, cIn * cOut * k * k, `C_in×C_out×k×k = ${cIn}×${cOut}×${k}×${k}`);
  if (bias !== undefined) checkParam(op, "bias", bias, cOut, `C_out = ${cOut}`);
  const y = tensor4(x.n, cOut, x.h * k, x.w * k);
  convTranspose2dInto(x.data, weight, bias, { n: x.n, cIn, h: x.h, w: x.w, cOut, k }, y.data);
  return y;
}
