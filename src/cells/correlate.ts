import { activeKernel } from "../kernels/choice.js";
import { stage3x3 } from "../kernels/simdStage.js";
import { type Taps3x3Simd, taps3x3Simd } from "../kernels/taps3x3Simd.js";
import type { Template } from "./template.js";

/**
 * out[o][i][j] += Σ_{c,k,l} T[o][c][k][l] · field[c][i + k − r][j + l − r]   (cross-correlation)
 *
 * `padded` holds the field with a border of `pad` ≥ r virtual cells on every side, laid out
 * C × (rows + 2·pad) × (cols + 2·pad) (see fillPadded). 3×3 templates, the common case, take a
 * specialised path (correlateAdd3x3); other sizes take the generic one (correlateAddGeneric).
 * Both compute the same sums; they differ only in the order of the additions (rounding).
 */
export function correlateAdd(
  t: Template,
  padded: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  if (t.size === 3) correlateAdd3x3(t, padded, pad, rows, cols, out);
  else correlateAddGeneric(t, padded, pad, rows, cols, out);
}

/**
 * The generic path, any odd size: one shifted row-axpy per non-zero coefficient, so the
 * innermost loop is contiguous in both arrays and zero coefficients cost nothing.
 */
export function correlateAddGeneric(
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
          if (a !== 0)
            axpyShifted(
              a,
              padded,
              inBase + (dk - r + pad) * pc + (dl - r + pad),
              pc,
              out,
              outBase,
              rows,
              cols,
            );
        }
      }
    }
  }
}

/**
 * out[dst + i·cols + j] += a · padded[src + i·pc + j] for the rows × cols window: one template
 * coefficient applied to a whole channel.
 */
function axpyShifted(
  a: number,
  padded: Float64Array,
  src: number,
  pc: number,
  out: Float64Array,
  dst: number,
  rows: number,
  cols: number,
): void {
  for (let i = 0; i < rows; i++) {
    const s = src + i * pc;
    const d = dst + i * cols;
    for (let j = 0; j < cols; j++) out[d + j] += a * padded[s + j];
  }
}

/**
 * Below this many non-zero coefficients a block is applied coefficient by coefficient
 * (sparse templates such as the classic single-tap A = centre 1).
 */
const DENSE_TAPS_PER_OUTPUT = 3;

/**
 * The 3×3 path, on the kernel that CELLSPICE_KERNEL selects (src/kernels kernelKind: WebAssembly
 * SIMD where available, else the TypeScript reference). Both give the same bits: the SIMD
 * kernels compute two columns per instruction in the reference's order of operations.
 */
export function correlateAdd3x3(
  t: Template,
  padded: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  if (cols >= 2 && activeKernel() === "wasm") correlateAdd3x3Simd(t, padded, pad, rows, cols, out);
  else correlateAdd3x3Scalar(t, padded, pad, rows, cols, out);
}

/** The 3×3 path on the WebAssembly SIMD kernels: operands copied into the module's memory. */
export function correlateAdd3x3Simd(
  t: Template,
  padded: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  const stage = stage3x3(t.data.length, padded.length, out.length);
  stage.coef.set(t.data);
  stage.padded.set(padded);
  stage.out.set(out);
  sharedSimdTaps ??= simdTaps(taps3x3Simd()!);
  sweep3x3(t, stage.coef, stage.padded, pad, rows, cols, stage.out, sharedSimdTaps);
  out.set(stage.out);
}

/**
 * The scalar reference of the 3×3 path. Output channels go in blocks of four: each input value
 * is loaded once and used for the four outputs' nine taps (36 multiply-adds per load of three
 * new values, the 3×3 window sliding along the row in registers), which is what makes it
 * several times faster than the generic path (docs/performance.md). Remaining channels go one
 * at a time; a block with few non-zero coefficients takes the row-axpy of the generic path.
 */
export function correlateAdd3x3Scalar(
  t: Template,
  padded: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  sweep3x3(t, t.data, padded, pad, rows, cols, out, SCALAR_TAPS);
}

/** The dense kernels one 3×3 sweep applies: four output channels at once, or one. */
interface DenseTaps {
  block4: typeof taps3x3Block4;
  single: typeof taps3x3Single;
}

const SCALAR_TAPS: DenseTaps = { block4: taps3x3Block4, single: taps3x3Single };

/**
 * The WebAssembly kernels of one instance behind the same signatures; the arrays must be views
 * of that instance's memory.
 */
function simdTaps(simd: Taps3x3Simd): DenseTaps {
  return {
    block4: (data, q, stride, P, inBase, pad, pc, out, outBase, planeOut, rows, cols) =>
      simd.taps4(
        data.byteOffset + 8 * q,
        8 * stride,
        P.byteOffset + 8 * (inBase + (pad - 1) * pc + (pad - 1)),
        8 * pc,
        out.byteOffset + 8 * outBase,
        8 * planeOut,
        rows,
        cols,
      ),
    single: (data, q, P, inBase, pad, pc, out, outBase, rows, cols) =>
      simd.taps1(
        data.byteOffset + 8 * q,
        0,
        P.byteOffset + 8 * (inBase + (pad - 1) * pc + (pad - 1)),
        8 * pc,
        out.byteOffset + 8 * outBase,
        0,
        rows,
        cols,
      ),
  };
}

let sharedSimdTaps: DenseTaps | undefined;
const instanceTaps = new WeakMap<Taps3x3Simd, DenseTaps>();

/**
 * The 3×3 path on operands that already live in the memory of `simd` (an instance of
 * newTaps3x3Simd): coefficients `coef` (t's layout), `padded` and `out` are views of its
 * memory, laid out with 16 bytes of slack after each (kernelRegions). Nothing is copied. With
 * `simd` null, or fewer than two columns, the scalar reference on the same arrays. Same bits
 * as correlateAdd3x3Scalar either way.
 */
export function correlateAdd3x3InModule(
  simd: Taps3x3Simd | null,
  t: Template,
  coef: Float64Array,
  padded: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  if (simd === null || cols < 2) {
    sweep3x3(t, coef, padded, pad, rows, cols, out, SCALAR_TAPS);
    return;
  }
  let taps = instanceTaps.get(simd);
  if (taps === undefined) {
    taps = simdTaps(simd);
    instanceTaps.set(simd, taps);
  }
  sweep3x3(t, coef, padded, pad, rows, cols, out, taps);
}

/** The blocking and the dense/sparse choice of the 3×3 path, with `data` the coefficients. */
function sweep3x3(
  t: Template,
  data: Float64Array,
  padded: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  out: Float64Array,
  dense: DenseTaps,
): void {
  const pc = cols + 2 * pad;
  const planeIn = (rows + 2 * pad) * pc;
  const planeOut = rows * cols;
  const C = t.inChannels;
  let o = 0;
  for (; o + 4 <= t.outChannels; o += 4) {
    for (let c = 0; c < C; c++) {
      const nz = nonZeroTaps(data, (o * C + c) * 9, C * 9, 4);
      if (nz === 0) continue;
      if (nz < 4 * DENSE_TAPS_PER_OUTPUT) {
        for (let b = 0; b < 4; b++)
          taps3x3Sparse(
            data,
            ((o + b) * C + c) * 9,
            padded,
            c * planeIn,
            pad,
            pc,
            out,
            (o + b) * planeOut,
            rows,
            cols,
          );
      } else {
        dense.block4(
          data,
          (o * C + c) * 9,
          C * 9,
          padded,
          c * planeIn,
          pad,
          pc,
          out,
          o * planeOut,
          planeOut,
          rows,
          cols,
        );
      }
    }
  }
  for (; o < t.outChannels; o++) {
    for (let c = 0; c < C; c++) {
      const q = (o * C + c) * 9;
      const nz = nonZeroTaps(data, q, 0, 1);
      if (nz === 0) continue;
      if (nz < DENSE_TAPS_PER_OUTPUT)
        taps3x3Sparse(data, q, padded, c * planeIn, pad, pc, out, o * planeOut, rows, cols);
      else dense.single(data, q, padded, c * planeIn, pad, pc, out, o * planeOut, rows, cols);
    }
  }
}

/** Non-zero coefficients among `count` 3×3 kernels starting at q, `stride` apart. */
function nonZeroTaps(data: Float64Array, q: number, stride: number, count: number): number {
  let nz = 0;
  for (let b = 0; b < count; b++) {
    const s = q + b * stride;
    for (let m = 0; m < 9; m++) if (data[s + m] !== 0) nz++;
  }
  return nz;
}

/** One 3×3 kernel (coefficients at q) applied coefficient by coefficient. */
function taps3x3Sparse(
  data: Float64Array,
  q: number,
  padded: Float64Array,
  inBase: number,
  pad: number,
  pc: number,
  out: Float64Array,
  outBase: number,
  rows: number,
  cols: number,
): void {
  for (let m = 0; m < 9; m++) {
    const a = data[q + m];
    const dk = (m / 3) | 0;
    const dl = m - 3 * dk;
    if (a !== 0)
      axpyShifted(
        a,
        padded,
        inBase + (dk - 1 + pad) * pc + (dl - 1 + pad),
        pc,
        out,
        outBase,
        rows,
        cols,
      );
  }
}

/** One 3×3 kernel (coefficients at q) applied to one input channel, window in registers. */
function taps3x3Single(
  data: Float64Array,
  q: number,
  P: Float64Array,
  inBase: number,
  pad: number,
  pc: number,
  out: Float64Array,
  outBase: number,
  rows: number,
  cols: number,
): void {
  const a0 = data[q];
  const a1 = data[q + 1];
  const a2 = data[q + 2];
  const a3 = data[q + 3];
  const a4 = data[q + 4];
  const a5 = data[q + 5];
  const a6 = data[q + 6];
  const a7 = data[q + 7];
  const a8 = data[q + 8];
  const base = inBase + (pad - 1) * pc + (pad - 1);
  for (let i = 0; i < rows; i++) {
    const s0 = base + i * pc;
    const s1 = s0 + pc;
    const s2 = s1 + pc;
    const d = outBase + i * cols;
    let p00 = P[s0];
    let p01 = P[s0 + 1];
    let p10 = P[s1];
    let p11 = P[s1 + 1];
    let p20 = P[s2];
    let p21 = P[s2 + 1];
    for (let j = 0; j < cols; j++) {
      const p02 = P[s0 + j + 2];
      const p12 = P[s1 + j + 2];
      const p22 = P[s2 + j + 2];
      out[d + j] +=
        a0 * p00 +
        a1 * p01 +
        a2 * p02 +
        (a3 * p10 + a4 * p11 + a5 * p12) +
        (a6 * p20 + a7 * p21 + a8 * p22);
      p00 = p01;
      p01 = p02;
      p10 = p11;
      p11 = p12;
      p20 = p21;
      p21 = p22;
    }
  }
}

/**
 * Four 3×3 kernels (coefficients at q, q + stride, q + 2·stride, q + 3·stride) applied to one
 * input channel, adding into four consecutive output planes starting at outBase.
 */
function taps3x3Block4(
  data: Float64Array,
  q: number,
  stride: number,
  P: Float64Array,
  inBase: number,
  pad: number,
  pc: number,
  out: Float64Array,
  outBase: number,
  planeOut: number,
  rows: number,
  cols: number,
): void {
  const qa = q;
  const qb = q + stride;
  const qc = q + 2 * stride;
  const qd = q + 3 * stride;
  const a0 = data[qa];
  const a1 = data[qa + 1];
  const a2 = data[qa + 2];
  const a3 = data[qa + 3];
  const a4 = data[qa + 4];
  const a5 = data[qa + 5];
  const a6 = data[qa + 6];
  const a7 = data[qa + 7];
  const a8 = data[qa + 8];
  const b0 = data[qb];
  const b1 = data[qb + 1];
  const b2 = data[qb + 2];
  const b3 = data[qb + 3];
  const b4 = data[qb + 4];
  const b5 = data[qb + 5];
  const b6 = data[qb + 6];
  const b7 = data[qb + 7];
  const b8 = data[qb + 8];
  const c0 = data[qc];
  const c1 = data[qc + 1];
  const c2 = data[qc + 2];
  const c3 = data[qc + 3];
  const c4 = data[qc + 4];
  const c5 = data[qc + 5];
  const c6 = data[qc + 6];
  const c7 = data[qc + 7];
  const c8 = data[qc + 8];
  const d0 = data[qd];
  const d1 = data[qd + 1];
  const d2 = data[qd + 2];
  const d3 = data[qd + 3];
  const d4 = data[qd + 4];
  const d5 = data[qd + 5];
  const d6 = data[qd + 6];
  const d7 = data[qd + 7];
  const d8 = data[qd + 8];
  const base = inBase + (pad - 1) * pc + (pad - 1);
  for (let i = 0; i < rows; i++) {
    const s0 = base + i * pc;
    const s1 = s0 + pc;
    const s2 = s1 + pc;
    const oa = outBase + i * cols;
    const ob = oa + planeOut;
    const oc = ob + planeOut;
    const od = oc + planeOut;
    let p00 = P[s0];
    let p01 = P[s0 + 1];
    let p10 = P[s1];
    let p11 = P[s1 + 1];
    let p20 = P[s2];
    let p21 = P[s2 + 1];
    for (let j = 0; j < cols; j++) {
      const p02 = P[s0 + j + 2];
      const p12 = P[s1 + j + 2];
      const p22 = P[s2 + j + 2];
      out[oa + j] +=
        a0 * p00 +
        a1 * p01 +
        a2 * p02 +
        (a3 * p10 + a4 * p11 + a5 * p12) +
        (a6 * p20 + a7 * p21 + a8 * p22);
      out[ob + j] +=
        b0 * p00 +
        b1 * p01 +
        b2 * p02 +
        (b3 * p10 + b4 * p11 + b5 * p12) +
        (b6 * p20 + b7 * p21 + b8 * p22);
      out[oc + j] +=
        c0 * p00 +
        c1 * p01 +
        c2 * p02 +
        (c3 * p10 + c4 * p11 + c5 * p12) +
        (c6 * p20 + c7 * p21 + c8 * p22);
      out[od + j] +=
        d0 * p00 +
        d1 * p01 +
        d2 * p02 +
        (d3 * p10 + d4 * p11 + d5 * p12) +
        (d6 * p20 + d7 * p21 + d8 * p22);
      p00 = p01;
      p01 = p02;
      p10 = p11;
      p11 = p12;
      p20 = p21;
      p21 = p22;
    }
  }
}
