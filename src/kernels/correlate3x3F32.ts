import type { Taps3x3F32 } from "./taps3x3Simd.js";

/**
 * out[o] += Σ_c T[o][c] ⋆ padded[c] (3×3, pad 1) in float32 on operands in `simd`'s memory:
 * `coef` (C_out×C_in×9), `padded` (C_in×(rows+2)×(cols+2)) and `out` (C_out×rows×cols) are
 * views of it with 16 bytes of slack after each (kernelRegionsF32). Output channels in blocks of
 * four, the rest one at a time; every block dense (zero coefficients are multiplied too).
 */
export function correlateAdd3x3F32(
  simd: Taps3x3F32,
  outChannels: number,
  inChannels: number,
  coef: Float32Array,
  padded: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array,
): void {
  const pc = cols + 2;
  const planeIn = (rows + 2) * pc;
  const planeOut = rows * cols;
  const C = inChannels;
  let o = 0;
  for (; o + 4 <= outChannels; o += 4)
    for (let c = 0; c < C; c++)
      simd.taps4(
        coef.byteOffset + 4 * (o * C + c) * 9,
        4 * C * 9,
        padded.byteOffset + 4 * c * planeIn,
        4 * pc,
        out.byteOffset + 4 * o * planeOut,
        4 * planeOut,
        rows,
        cols,
      );
  for (; o < outChannels; o++)
    for (let c = 0; c < C; c++)
      simd.taps1(
        coef.byteOffset + 4 * (o * C + c) * 9,
        0,
        padded.byteOffset + 4 * c * planeIn,
        4 * pc,
        out.byteOffset + 4 * o * planeOut,
        0,
        rows,
        cols,
      );
}
