import { activeKernel } from "../kernels/choice.js";
import { correlate3x3 } from "./conv3x3.js";
import { conv3x3Simd } from "./conv3x3Simd.js";
import { correlateK } from "./convK.js";
import type { ConvShape } from "./convShape.js";
import { padPlanes } from "./pad.js";
import type { Real } from "./real.js";

export type { ConvShape } from "./convShape.js";

/**
 * The unchecked kernel of conv2d: y (N×C_out×oh×ow, oh = H+2p−k+1) ← bias + W ⋆ x_pad, on
 * float64 or float32 storage (all arrays of one kind). A 3×3 kernel on float64 goes to the
 * WebAssembly SIMD path (conv3x3Simd.ts, the same bits) when kernels/choice.ts has chosen it
 * (CELLSPICE_KERNEL) and the output has at least two columns; otherwise one scratch buffer for
 * the padded input of a batch element is allocated per call, nothing inside the loops.
 */
export function conv2dInto(
  x: Real,
  weight: Real,
  bias: Real | undefined,
  s: ConvShape,
  y: Real,
): void {
  const hp = s.h + 2 * s.p;
  const wp = s.w + 2 * s.p;
  const oh = hp - s.k + 1;
  const ow = wp - s.k + 1;
  if (
    s.k === 3 &&
    ow >= 2 &&
    x instanceof Float64Array &&
    weight instanceof Float64Array &&
    y instanceof Float64Array &&
    activeKernel() === "wasm"
  ) {
    conv3x3Simd(x, weight, bias, s, y);
    return;
  }
  conv2dScalar(x, weight, bias, s, y);
}

/** conv2dInto on the TypeScript kernels alone: the reference of the SIMD path. */
export function conv2dScalar(
  x: Real,
  weight: Real,
  bias: Real | undefined,
  s: ConvShape,
  y: Real,
): void {
  const hp = s.h + 2 * s.p;
  const wp = s.w + 2 * s.p;
  const oh = hp - s.k + 1;
  const ow = wp - s.k + 1;
  const plane = oh * ow;
  const xp =
    x instanceof Float32Array
      ? new Float32Array(s.cIn * hp * wp)
      : new Float64Array(s.cIn * hp * wp);
  for (let b = 0; b < s.n; b++) {
    padPlanes(x, b * s.cIn * s.h * s.w, s.cIn, s.h, s.w, s.p, xp);
    const yb = y.subarray(b * s.cOut * plane, (b + 1) * s.cOut * plane);
    for (let o = 0; o < s.cOut; o++)
      yb.fill(bias === undefined ? 0 : bias[o], o * plane, (o + 1) * plane);
    if (s.k === 3) correlate3x3(xp, s.cIn, oh, ow, weight, s.cOut, yb);
    else correlateK(xp, s.cIn, oh, ow, weight, s.cOut, s.k, yb);
  }
}
