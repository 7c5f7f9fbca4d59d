import { stage3x3 } from "../kernels/simdStage.js";
import { taps3x3Simd } from "../kernels/taps3x3Simd.js";
import type { ConvShape } from "./convShape.js";
import { padPlanes } from "./pad.js";

/**
 * conv2d with k = 3 on the WebAssembly SIMD (f64x2) taps of src/kernels, the whole batch in one
 * staging of the module's memory: the weights, every batch element's zero-padded planes and the
 * bias-filled outputs are laid out once, then each (batch element, block of four output
 * channels, input channel) is one taps4 call over the whole output plane (taps1 for the last
 * C_out mod 4 channels), and the outputs are copied back into y.
 *
 * Each output adds its input channels in ascending order, each window summed in the same order
 * as correlate3x3 (conv3x3.ts), so the result equals the scalar path bit for bit. Needs ow ≥ 2
 * (the kernels compute column pairs) and WebAssembly SIMD (kernels/choice.ts decides).
 */
export function conv3x3Simd(
  x: Float64Array,
  weight: Float64Array,
  bias: ArrayLike<number> | undefined,
  s: ConvShape,
  y: Float64Array,
): void {
  const simd = taps3x3Simd();
  if (simd === null) throw new Error("conv3x3Simd: WebAssembly SIMD is not available");
  const hp = s.h + 2 * s.p;
  const wp = s.w + 2 * s.p;
  const oh = hp - 2;
  const ow = wp - 2;
  const planeIn = hp * wp;
  const plane = oh * ow;
  const inPerElement = s.cIn * planeIn;
  const outPerElement = s.cOut * plane;
  const stage = stage3x3(weight.length, s.n * inPerElement, s.n * outPerElement);
  stage.coef.set(weight);
  for (let b = 0; b < s.n; b++) {
    padPlanes(x, b * s.cIn * s.h * s.w, s.cIn, s.h, s.w, s.p, stage.padded, b * inPerElement);
    for (let o = 0; o < s.cOut; o++) {
      const at = b * outPerElement + o * plane;
      stage.out.fill(bias === undefined ? 0 : bias[o], at, at + plane);
    }
  }
  const coefStride = 8 * 9 * s.cIn;
  const rowBytes = 8 * wp;
  const planeBytes = 8 * plane;
  const blocks = s.cOut - (s.cOut % 4);
  for (let b = 0; b < s.n; b++) {
    const inAt = stage.paddedAt + 8 * b * inPerElement;
    const outAt = stage.outAt + 8 * b * outPerElement;
    for (let o = 0; o < s.cOut; o += o < blocks ? 4 : 1) {
      const out = outAt + o * planeBytes;
      for (let c = 0; c < s.cIn; c++) {
        const coef = stage.coefAt + 8 * 9 * (o * s.cIn + c);
        const base = inAt + 8 * c * planeIn;
        if (o < blocks) simd.taps4(coef, coefStride, base, rowBytes, out, planeBytes, oh, ow);
        else simd.taps1(coef, 0, base, rowBytes, out, 0, oh, ow);
      }
    }
  }
  y.set(stage.out);
}
