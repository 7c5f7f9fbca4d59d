import { correlateAdd3x3F32 } from "../kernels/correlate3x3F32.js";
import { newTaps3x3F32, type Taps3x3F32 } from "../kernels/taps3x3Simd.js";
import {
  correlateAdd3x3Winograd,
  winogradApplies,
  winogradFilter,
  winogradInputOverrun,
  winogradTiling,
} from "../kernels/winograd3x3F32.js";
import { mixedRegions } from "../kernels/workspace.js";
import type { ConvShape } from "./convShape.js";
import { padPlanes } from "./pad.js";

let own: Taps3x3F32 | null | undefined;

/**
 * conv2d with k = 3 computed in float32 (conv2d's `precision: "float32"`): x and the weights are
 * rounded to float32, each batch element's C_out planes are summed by Winograd's F(4×4, 3×3)
 * (rows and cols multiples of 4) or F(2×2, 3×3) (src/kernels/winograd3x3F32.ts,
 * winograd4x4F32.ts) where the output field is even and C_out a multiple of four,
 * by the f32x4 direct taps otherwise, and y = float64(sums) + bias: the bias in float64, after
 * the sums (Winograd's output transform adds the widened sums to bias-filled float64 planes).
 * Inputs and outputs are float64, as every op of src/nn.
 *
 * The error against the float64 conv2d is float32 rounding of the inputs and the sums, a few
 * 1e-7 of Σ|W||x| (test/nn/conv2dFloat32.test.ts). Needs WebAssembly SIMD; the working set
 * lives in an instance of the float32 kernels of its own, reused across calls.
 */
export function conv3x3F32(
  x: Float64Array,
  weight: Float64Array,
  bias: ArrayLike<number> | undefined,
  s: ConvShape,
  y: Float64Array,
): void {
  if (own === undefined) own = newTaps3x3F32();
  const simd = own;
  if (simd === null) throw new Error("conv3x3F32: WebAssembly SIMD is not available");
  const hp = s.h + 2 * s.p;
  const wp = s.w + 2 * s.p;
  const rows = hp - 2;
  const cols = wp - 2;
  const plane = rows * cols;
  const planeIn = hp * wp;
  const wino = simd.winograd !== undefined && winogradApplies(s.cOut, rows, cols);
  const tiling = wino ? winogradTiling(rows, cols) : undefined;
  const tiles8 = tiling?.tiles8 ?? 0;
  const [padded, coef, V, M, sums, field] = mixedRegions(simd.memory, [
    { length: s.cIn * planeIn + (wino ? winogradInputOverrun(cols) : 0), float32: true },
    { length: tiling ? tiling.positions * s.cIn * s.cOut : 9 * s.cIn * s.cOut, float32: true },
    { length: tiling ? tiling.positions * s.cIn * tiles8 : 0, float32: true },
    { length: tiling ? tiling.positions * s.cOut * tiles8 : 0, float32: true },
    { length: wino ? 0 : s.cOut * plane, float32: true },
    // Winograd's output transform adds the widened sums to bias-filled float64 planes here
    { length: wino ? s.cOut * plane : 0 },
  ] as const);
  if (tiling) winogradFilter(weight, s.cOut, s.cIn, coef, tiling.m);
  else coef.set(weight);
  // the slack after the planes (read by Winograd's input transform) stays zero
  padded.fill(0);
  // V's padding tiles are read by the products, never written: zero, not stale memory
  V.fill(0);
  for (let b = 0; b < s.n; b++) {
    padPlanes(x, b * s.cIn * s.h * s.w, s.cIn, s.h, s.w, s.p, padded);
    const at = b * s.cOut * plane;
    const biasOf = (o: number) => (bias === undefined ? 0 : bias[o]);
    if (wino) {
      for (let o = 0; o < s.cOut; o++) field.fill(biasOf(o), o * plane, (o + 1) * plane);
      correlateAdd3x3Winograd(
        simd.winograd!,
        s.cOut,
        s.cIn,
        { U: coef, V, M },
        padded,
        rows,
        cols,
        field,
        tiling,
      );
      y.set(field, at);
    } else {
      sums.fill(0);
      correlateAdd3x3F32(simd, s.cOut, s.cIn, coef, padded, rows, cols, sums);
      for (let o = 0; o < s.cOut; o++) {
        const beta = biasOf(o);
        for (let q = o * plane; q < (o + 1) * plane; q++) y[at + q] = sums[q] + beta;
      }
    }
  }
}
