import type { Real } from "./real.js";

/**
 * The 3×3 cross-correlation of one batch element, accumulated into `y` (C_out planes of oh×ow,
 * already holding the bias): y[o,i,j] += Σ_c Σ_{u,v<3} W[o,c,u,v] · xp[c,i+u,j+v], xp being the
 * zero-padded input (C_in planes of (oh+2)×(ow+2)).
 *
 * Output channels go four at a time: their 36 weights sit in locals, the 3×3 input window slides
 * along the row (three new loads per output column, shared by the four outputs), so each column
 * costs 3 input loads, 4 read-modify-writes and 72 flops; docs/nn.md compares it with the
 * generic tap-by-tap path (convK.ts). The reference of the WebAssembly SIMD path
 * (conv3x3Simd.ts): each output adds, per input channel in ascending order, the window's sum in
 * the SIMD kernels' order y + (((w0·x00 + w1·x01) + w2·x02) + ((w3·x10 + w4·x11) + w5·x12)) +
 * ((w6·x20 + w7·x21) + w8·x22), so both paths, and any blocking of the channels, give the same
 * bits.
 */
export function correlate3x3(
  xp: Real,
  cIn: number,
  oh: number,
  ow: number,
  weight: Real,
  cOut: number,
  y: Real,
): void {
  const wp = ow + 2;
  const planeIn = (oh + 2) * wp;
  const plane = oh * ow;
  const wStride = cIn * 9;
  let o = 0;
  for (; o + 4 <= cOut; o += 4) {
    for (let c = 0; c < cIn; c++) {
      const pAt = o * wStride + c * 9;
      const p0 = weight[pAt + 0];
      const p1 = weight[pAt + 1];
      const p2 = weight[pAt + 2];
      const p3 = weight[pAt + 3];
      const p4 = weight[pAt + 4];
      const p5 = weight[pAt + 5];
      const p6 = weight[pAt + 6];
      const p7 = weight[pAt + 7];
      const p8 = weight[pAt + 8];
      const qAt = (o + 1) * wStride + c * 9;
      const q0 = weight[qAt + 0];
      const q1 = weight[qAt + 1];
      const q2 = weight[qAt + 2];
      const q3 = weight[qAt + 3];
      const q4 = weight[qAt + 4];
      const q5 = weight[qAt + 5];
      const q6 = weight[qAt + 6];
      const q7 = weight[qAt + 7];
      const q8 = weight[qAt + 8];
      const tAt = (o + 2) * wStride + c * 9;
      const t0 = weight[tAt + 0];
      const t1 = weight[tAt + 1];
      const t2 = weight[tAt + 2];
      const t3 = weight[tAt + 3];
      const t4 = weight[tAt + 4];
      const t5 = weight[tAt + 5];
      const t6 = weight[tAt + 6];
      const t7 = weight[tAt + 7];
      const t8 = weight[tAt + 8];
      const sAt = (o + 3) * wStride + c * 9;
      const s0 = weight[sAt + 0];
      const s1 = weight[sAt + 1];
      const s2 = weight[sAt + 2];
      const s3 = weight[sAt + 3];
      const s4 = weight[sAt + 4];
      const s5 = weight[sAt + 5];
      const s6 = weight[sAt + 6];
      const s7 = weight[sAt + 7];
      const s8 = weight[sAt + 8];
      const xAt = c * planeIn;
      for (let i = 0; i < oh; i++) {
        const r0 = xAt + i * wp;
        const r1 = r0 + wp;
        const r2 = r1 + wp;
        const d0 = o * plane + i * ow;
        const d1 = d0 + plane;
        const d2 = d1 + plane;
        const d3 = d2 + plane;
        let a0 = xp[r0];
        let a1 = xp[r1];
        let a2 = xp[r2];
        let b0 = xp[r0 + 1];
        let b1 = xp[r1 + 1];
        let b2 = xp[r2 + 1];
        for (let j = 0; j < ow; j++) {
          const c0 = xp[r0 + j + 2];
          const c1 = xp[r1 + j + 2];
          const c2 = xp[r2 + j + 2];
          y[d0 + j] +=
            p0 * a0 +
            p1 * b0 +
            p2 * c0 +
            (p3 * a1 + p4 * b1 + p5 * c1) +
            (p6 * a2 + p7 * b2 + p8 * c2);
          y[d1 + j] +=
            q0 * a0 +
            q1 * b0 +
            q2 * c0 +
            (q3 * a1 + q4 * b1 + q5 * c1) +
            (q6 * a2 + q7 * b2 + q8 * c2);
          y[d2 + j] +=
            t0 * a0 +
            t1 * b0 +
            t2 * c0 +
            (t3 * a1 + t4 * b1 + t5 * c1) +
            (t6 * a2 + t7 * b2 + t8 * c2);
          y[d3 + j] +=
            s0 * a0 +
            s1 * b0 +
            s2 * c0 +
            (s3 * a1 + s4 * b1 + s5 * c1) +
            (s6 * a2 + s7 * b2 + s8 * c2);
          a0 = b0;
          a1 = b1;
          a2 = b2;
          b0 = c0;
          b1 = c1;
          b2 = c2;
        }
      }
    }
  }
  for (; o < cOut; o++) correlateOne3x3(xp, cIn, oh, ow, weight, o, y);
}

/** One output channel of correlate3x3, the same sum in the same order. */
function correlateOne3x3(
  xp: Real,
  cIn: number,
  oh: number,
  ow: number,
  weight: Real,
  o: number,
  y: Real,
): void {
  const wp = ow + 2;
  const planeIn = (oh + 2) * wp;
  const plane = oh * ow;
  for (let c = 0; c < cIn; c++) {
    const pAt = (o * cIn + c) * 9;
    const p0 = weight[pAt + 0];
    const p1 = weight[pAt + 1];
    const p2 = weight[pAt + 2];
    const p3 = weight[pAt + 3];
    const p4 = weight[pAt + 4];
    const p5 = weight[pAt + 5];
    const p6 = weight[pAt + 6];
    const p7 = weight[pAt + 7];
    const p8 = weight[pAt + 8];
    const xAt = c * planeIn;
    for (let i = 0; i < oh; i++) {
      const r0 = xAt + i * wp;
      const r1 = r0 + wp;
      const r2 = r1 + wp;
      const d0 = o * plane + i * ow;
      let a0 = xp[r0];
      let a1 = xp[r1];
      let a2 = xp[r2];
      let b0 = xp[r0 + 1];
      let b1 = xp[r1 + 1];
      let b2 = xp[r2 + 1];
      for (let j = 0; j < ow; j++) {
        const c0 = xp[r0 + j + 2];
        const c1 = xp[r1 + j + 2];
        const c2 = xp[r2 + j + 2];
        y[d0 + j] +=
          p0 * a0 +
          p1 * b0 +
          p2 * c0 +
          (p3 * a1 + p4 * b1 + p5 * c1) +
          (p6 * a2 + p7 * b2 + p8 * c2);
        a0 = b0;
        a1 = b1;
        a2 = b2;
        b0 = c0;
        b1 = c1;
        b2 = c2;
      }
    }
  }
}
