import { ValidationError } from "../core/errors.js";
import { activeKernel } from "../kernels/choice.js";
import { conv2dInto } from "./conv2dKernel.js";
import { conv3x3F32 } from "./conv3x3F32.js";
import { checkParam, checkSize, checkTensor, type Tensor4, tensor4 } from "./tensor.js";

export interface Conv2dOptions {
  /** Output channels C_out. */
  readonly cOut: number;
  /** Kernel size k (square, any k ≥ 1). */
  readonly k: number;
  /** Zero padding p ≥ 0 on every side (default 0). */
  readonly padding?: number;
  /**
   * "float64" (default): float64 sums, the reference's bits. "float32": x and the weights rounded
   * to float32 and summed in float32 — for k = 3 by Winograd (F(4×4, 3×3) or F(2×2, 3×3)) or
   * the f32x4 taps in WebAssembly (conv3x3F32.ts), for other k by the scalar kernel on float32
   * copies — the bias added to the widened sums. About 1e-7 relative of Σ|W||x| from float64
   * (F(4×4): up to about 6e-6, test/kernels/winograd3x3F32.test.ts); what PyTorch's CPU conv2d
   * computes in.
   */
  readonly precision?: "float64" | "float32";
}

/**
 * 2-D cross-correlation with stride 1, as torch.nn.functional.conv2d:
 * y[b,o,i,j] = bias[o] + Σ_c Σ_{u,v<k} W[o,c,u,v] · x_pad[b,c,i+u,j+v], with x zero-padded by p,
 * so the output is (H+2p−k+1) × (W+2p−k+1). `weight` is C_out×C_in×k×k, `bias` C_out or absent.
 */
export function conv2d(
  x: Tensor4,
  weight: Float64Array,
  bias: Float64Array | undefined,
  options: Conv2dOptions,
): Tensor4 {
  const op = "conv2d";
  checkTensor(op, "x", x);
  const cOut = checkSize(op, "cOut", options.cOut, 1);
  const k = checkSize(op, "k", options.k, 1);
  const p = checkSize(op, "padding", options.padding ?? 0, 0);
  const cIn = x.c;
  checkParam(op, "weight", weight, cOut * cIn * k * k, `C_out×C_in×k×k = ${cOut}×${cIn}×${k}×${k}`);
  if (bias !== undefined) checkParam(op, "bias", bias, cOut, `C_out = ${cOut}`);
  const hp = x.h + 2 * p;
  const wp = x.w + 2 * p;
  const oh = hp - k + 1;
  const ow = wp - k + 1;
  if (oh < 1 || ow < 1)
    throw new ValidationError(
      `${op}.k`,
      `kernel ${k} larger than the padded input ${hp}×${wp}`,
      `k ≤ min(H, W) + 2·padding`,
    );
  const precision = options.precision ?? "float64";
  if (precision !== "float64" && precision !== "float32")
    throw new ValidationError(
      `${op}.precision`,
      `got ${JSON.stringify(precision)}`,
      '"float64" or "float32"',
    );
  const y = tensor4(x.n, cOut, oh, ow);
  const shape = { n: x.n, cIn, h: x.h, w: x.w, cOut, k, p };
  if (precision === "float64") conv2dInto(x.data, weight, bias, shape, y.data);
  else if (k === 3 && activeKernel() === "wasm") conv3x3F32(x.data, weight, bias, shape, y.data);
  else {
    const y32 = new Float32Array(y.data.length);
    const b32 = bias === undefined ? undefined : Float32Array.from(bias);
    conv2dInto(Float32Array.from(x.data), Float32Array.from(weight), b32, shape, y32);
    y.data.set(y32);
  }
  return y;
}
