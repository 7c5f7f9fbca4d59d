import type { Template } from "./template.js";

/**
 * out[o][i][j] += Σ_{c,k,l} T[o][c][k][l] · field[c][i + k − r][j + l − r]   (cross-correlation)
 *
 * `padded` holds the field with a border of `pad` ≥ r virtual cells on every side, laid out
 * C × (rows + 2·pad) × (cols + 2·pad) (see fillPadded). The loop runs one shifted row-axpy per
 * non-zero coefficient, so the innermost loop is contiguous in both arrays; zero coefficients
 * cost nothing.
 */
export function correlateAdd(
  t: Template,
  padded: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  const k = t.size;
  const r = (k - 1) / 2;
  const pc = cols + 2 * pad;
  const planeIn = (rows + 2 * pad) * pc;
  const planeOut = rows * cols;
  const data = t.data;
  for (let o = 0; o < t.outChannels; o++) {
    const outBase = o * planeOut;
    for (let c = 0; c < t.inChannels; c++) {
      const inBase = c * planeIn;
      const coeffBase = (o * t.inChannels + c) * k * k;
      for (let dk = 0; dk < k; dk++) {
        for (let dl = 0; dl < k; dl++) {
          const a = data[coeffBase + dk * k + dl];
          if (a === 0) continue;
          const shift = inBase + (dk - r + pad) * pc + (dl - r + pad);
          for (let i = 0; i < rows; i++) {
            const src = shift + i * pc;
            const dst = outBase + i * cols;
            for (let j = 0; j < cols; j++) out[dst + j] += a * padded[src + j];
          }
        }
      }
    }
  }
}
