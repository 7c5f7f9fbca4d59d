import type { ConvTransposeShape } from "./convTransposeShape.js";

/**
 * The plain loops of the transposed convolution with stride = kernel = k, the reference that
 * convTranspose2dInto (convTranspose2dKernel.ts) is tested against bit for bit:
 * y[b,o, i·k+u, j·k+v] = bias[o] + Σ_c x[b,c,i,j] · W[c,o,u,v], the channels added in
 * ascending order. `weight` in PyTorch's layout C_in×C_out×k×k; y (N×C_out×Hk×Wk) overwritten.
 */
export function convTranspose2dReference(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | undefined,
  s: ConvTransposeShape,
  y: Float64Array,
): void {
  const { cIn, cOut, h, w, k } = s;
  const ow = w * k;
  const plane = h * k * ow;
  for (let b = 0; b < s.n; b++) {
    for (let o = 0; o < cOut; o++) {
      const yAt = (b * cOut + o) * plane;
      y.fill(bias === undefined ? 0 : bias[o], yAt, yAt + plane);
      for (let c = 0; c < cIn; c++) {
        const xAt = (b * cIn + c) * h * w;
        const wAt = (c * cOut + o) * k * k;
        for (let u = 0; u < k; u++) {
          for (let v = 0; v < k; v++) {
            const wv = weight[wAt + u * k + v];
            for (let i = 0; i < h; i++) {
              const dst = yAt + (i * k + u) * ow + v;
              const src = xAt + i * w;
              for (let j = 0; j < w; j++) y[dst + j * k] += wv * x[src + j];
            }
          }
        }
      }
    }
  }
}
