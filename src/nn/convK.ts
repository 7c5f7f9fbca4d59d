import type { Real } from "./real.js";

/**
 * The k×k cross-correlation of one batch element for any k, accumulated into `y` (C_out planes
 * of oh×ow, holding the bias): y[o,i,j] += Σ_c Σ_{u,v<k} W[o,c,u,v] · xp[c,i+u,j+v], xp the
 * zero-padded input (C_in planes of (oh+k−1)×(ow+k−1)). One kernel tap at a time over a whole
 * output row (a contiguous axpy); used for k ≠ 3 (LeNet's 5×5, 1×1 mixing, even k).
 */
export function correlateK(
  xp: Real,
  cIn: number,
  oh: number,
  ow: number,
  weight: Real,
  cOut: number,
  k: number,
  y: Real,
): void {
  const wp = ow + k - 1;
  const planeIn = (oh + k - 1) * wp;
  const plane = oh * ow;
  for (let o = 0; o < cOut; o++) {
    for (let c = 0; c < cIn; c++) {
      const wAt = (o * cIn + c) * k * k;
      const xAt = c * planeIn;
      for (let i = 0; i < oh; i++) {
        const d = o * plane + i * ow;
        for (let u = 0; u < k; u++) {
          const r = xAt + (i + u) * wp;
          for (let v = 0; v < k; v++) {
            const wv = weight[wAt + u * k + v];
            const s = r + v;
            for (let j = 0; j < ow; j++) y[d + j] += wv * xp[s + j];
          }
        }
      }
    }
  }
}
