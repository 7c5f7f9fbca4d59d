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
 * `weight` is in PyTorch's layout C_in×C_out×k×k; `bias` C_out or absent.
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
  const { h, w } = x;
  const oh = h * k;
  const ow = w * k;
  const y = tensor4(x.n, cOut, oh, ow);
  const plane = oh * ow;
  for (let b = 0; b < x.n; b++) {
    for (let o = 0; o < cOut; o++) {
      const yAt = (b * cOut + o) * plane;
      y.data.fill(bias === undefined ? 0 : bias[o], yAt, yAt + plane);
      for (let c = 0; c < cIn; c++) {
        const xAt = (b * cIn + c) * h * w;
        const wAt = (c * cOut + o) * k * k;
        for (let u = 0; u < k; u++) {
          for (let v = 0; v < k; v++) {
            const wv = weight[wAt + u * k + v];
            for (let i = 0; i < h; i++) {
              const dst = yAt + (i * k + u) * ow + v;
              const src = xAt + i * w;
              for (let j = 0; j < w; j++) y.data[dst + j * k] += wv * x.data[src + j];
            }
          }
        }
      }
    }
  }
  return y;
}
