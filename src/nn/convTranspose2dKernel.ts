import { activeKernel } from "../kernels/choice.js";
import { type ConvTranspose2Simd, convTranspose2Simd } from "../kernels/convTranspose2Simd.js";
import { mixedRegions } from "../kernels/workspace.js";
import type { ConvTransposeShape } from "./convTransposeShape.js";

/**
 * The unchecked kernel of convTranspose2d (stride = kernel = k) as a small GEMM: every input
 * pixel's C_in values times W (C_in × C_out·k·k) give its C_out k×k output blocks. Each output
 * starts at its bias and adds the channels in ascending order, as the plain loops of
 * convTranspose2dReference.ts, so the result is the same bits.
 *
 * k = 2 (the UNet's upsampling) keeps two neighbouring pixels' 2×2 blocks of one output channel
 * in eight locals over the channel loop (two input and four weight loads per eight
 * multiply-adds, the weights repacked C_out×C_in×k×k so that they are read in order); any other
 * k (up0's H/4 × H/4 from a 1×1 map) takes four pixels at a time as the rows of the GEMM. A few
 * small scratch arrays per call. With the WebAssembly kernel chosen (kernels/choice.ts), k = 2
 * runs in f64x2 (kernels/convTranspose2Simd.ts), in the same order: the same bits.
 */
export function convTranspose2dInto(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | undefined,
  s: ConvTransposeShape,
  y: Float64Array,
): void {
  if (s.k === 2) {
    const simd = activeKernel() === "wasm" ? convTranspose2Simd() : null;
    if (simd) blocked2Simd(simd, x, weight, bias, s, y);
    else blocked2(x, weight, bias, s, y);
  } else pixelRows(x, weight, bias, s, y, activeKernel() === "wasm" ? convTranspose2Simd() : null);
}

/** W (C_in×C_out×2×2) reordered C_out×C_in×4: one output's weights in the order they are read. */
function packByOutput(weight: Float64Array, cIn: number, cOut: number, into: Float64Array): void {
  for (let o = 0; o < cOut; o++)
    for (let c = 0; c < cIn; c++)
      into.set(weight.subarray((c * cOut + o) * 4, (c * cOut + o + 1) * 4), (o * cIn + c) * 4);
}

function blocked2Simd(
  simd: ConvTranspose2Simd,
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | undefined,
  s: ConvTransposeShape,
  y: Float64Array,
): void {
  const { cIn, cOut, h, w } = s;
  const P = h * w;
  const [xs, packed, b, ys] = mixedRegions(simd.memory, [
    { length: s.n * cIn * P },
    { length: weight.length },
    { length: cOut },
    { length: s.n * cOut * 4 * P },
  ] as const);
  xs.set(x.subarray(0, s.n * cIn * P));
  packByOutput(weight, cIn, cOut, packed);
  if (bias === undefined) b.fill(0);
  else b.set(bias);
  for (let k = 0; k < s.n; k++)
    simd.convT2(
      xs.byteOffset + 8 * k * cIn * P,
      packed.byteOffset,
      b.byteOffset,
      ys.byteOffset + 8 * k * cOut * 4 * P,
      cIn,
      cOut,
      h,
      w,
      8 * P,
    );
  y.set(ys);
}

function blocked2(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | undefined,
  s: ConvTransposeShape,
  y: Float64Array,
): void {
  const { cIn, cOut, h, w } = s;
  const P = h * w;
  const ow = 2 * w;
  const plane = 4 * P;
  const packed = new Float64Array(weight.length);
  packByOutput(weight, cIn, cOut, packed);
  for (let b = 0; b < s.n; b++) {
    const xAt = b * cIn * P;
    for (let o = 0; o < cOut; o++) {
      const beta = bias === undefined ? 0 : bias[o];
      const wAt = o * cIn * 4;
      const yAt = (b * cOut + o) * plane;
      for (let i = 0; i < h; i++) {
        const r0 = yAt + 2 * i * ow;
        const r1 = r0 + ow;
        let j = 0;
        for (; j + 1 < w; j += 2) {
          let a0 = beta;
          let a1 = beta;
          let a2 = beta;
          let a3 = beta;
          let b0 = beta;
          let b1 = beta;
          let b2 = beta;
          let b3 = beta;
          let q = xAt + i * w + j;
          let r = wAt;
          for (let c = 0; c < cIn; c++) {
            const xa = x[q];
            const xb = x[q + 1];
            const w0 = packed[r];
            const w1 = packed[r + 1];
            const w2 = packed[r + 2];
            const w3 = packed[r + 3];
            a0 += xa * w0;
            a1 += xa * w1;
            a2 += xa * w2;
            a3 += xa * w3;
            b0 += xb * w0;
            b1 += xb * w1;
            b2 += xb * w2;
            b3 += xb * w3;
            q += P;
            r += 4;
          }
          const d = 2 * j;
          y[r0 + d] = a0;
          y[r0 + d + 1] = a1;
          y[r0 + d + 2] = b0;
          y[r0 + d + 3] = b1;
          y[r1 + d] = a2;
          y[r1 + d + 1] = a3;
          y[r1 + d + 2] = b2;
          y[r1 + d + 3] = b3;
        }
        if (j < w) {
          let a0 = beta;
          let a1 = beta;
          let a2 = beta;
          let a3 = beta;
          let q = xAt + i * w + j;
          let r = wAt;
          for (let c = 0; c < cIn; c++) {
            const xa = x[q];
            a0 += xa * packed[r];
            a1 += xa * packed[r + 1];
            a2 += xa * packed[r + 2];
            a3 += xa * packed[r + 3];
            q += P;
            r += 4;
          }
          const d = 2 * j;
          y[r0 + d] = a0;
          y[r0 + d + 1] = a1;
          y[r1 + d] = a2;
          y[r1 + d + 1] = a3;
        }
      }
    }
  }
}

/**
 * Any k: the GEMM's rows are the N·H·W input pixels, four at a time. Their C_in values are
 * gathered into a small contiguous block, then each of the C_out·k·k outputs is four dot
 * products down one column of W (four accumulators, one weight load per four multiply-adds), and
 * the four pixels' outputs are placed in their k×k blocks. With the WebAssembly kernel the dot
 * products are its rows4 (two outputs per vector, the same order: the same bits).
 */
function pixelRows(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | undefined,
  s: ConvTransposeShape,
  y: Float64Array,
  simd: ConvTranspose2Simd | null,
): void {
  const { cIn, cOut, h, w, k } = s;
  const P = h * w;
  const kk = k * k;
  const M = cOut * kk;
  const ow = w * k;
  const plane = h * k * ow;
  // with the WebAssembly kernel the operands live in its memory (kernels/convTranspose2Simd.ts)
  const [xs, W, start, t] = simd
    ? mixedRegions(simd.memory, [
        { length: 4 * cIn },
        { length: weight.length },
        { length: M },
        { length: 4 * M },
      ] as const)
    : [new Float64Array(4 * cIn), weight, new Float64Array(M), new Float64Array(4 * M)];
  if (simd) W.set(weight);
  if (bias !== undefined) for (let o = 0; o < cOut; o++) start.fill(bias[o], o * kk, (o + 1) * kk);
  else start.fill(0);
  const rows = s.n * P;
  for (let r0 = 0; r0 < rows; r0 += 4) {
    // the last group repeats its last pixel where fewer than four are left (placed once below)
    for (let i = 0; i < 4; i++) {
      const r = Math.min(r0 + i, rows - 1);
      const b = (r / P) | 0;
      const p = r - b * P;
      for (let c = 0; c < cIn; c++) xs[4 * c + i] = x[(b * cIn + c) * P + p];
    }
    if (simd) simd.rows4(xs.byteOffset, W.byteOffset, start.byteOffset, t.byteOffset, cIn, M);
    else
      for (let m = 0; m < M; m++) {
        let a0 = start[m];
        let a1 = a0;
        let a2 = a0;
        let a3 = a0;
        let q = m;
        for (let z = 0; z < 4 * cIn; z += 4) {
          const wv = W[q];
          a0 += xs[z] * wv;
          a1 += xs[z + 1] * wv;
          a2 += xs[z + 2] * wv;
          a3 += xs[z + 3] * wv;
          q += M;
        }
        t[m] = a0;
        t[M + m] = a1;
        t[2 * M + m] = a2;
        t[3 * M + m] = a3;
      }
    for (let i = 0; i < 4 && r0 + i < rows; i++) {
      const r = r0 + i;
      const b = (r / P) | 0;
      const p = r - b * P;
      const pi = (p / w) | 0;
      const pj = p - pi * w;
      const yAt = b * cOut * plane + pi * k * ow + pj * k;
      for (let o = 0; o < cOut; o++)
        for (let u = 0; u < k; u++) {
          const dst = yAt + o * plane + u * ow;
          const src = i * M + o * kk + u * k;
          for (let v = 0; v < k; v++) y[dst + v] = t[src + v];
        }
    }
  }
}
