import type { Template } from "../cells/template.js";
import { ValidationError } from "../core/errors.js";
import { type Combine, combineInModule } from "../core/stageSums.js";
import { activeKernel } from "../kernels/choice.js";
import {
  newVariant3x3F32,
  newVariant3x3Simd,
  VARIANT_INDEX,
  type Variant3x3F32,
  type Variant3x3Simd,
} from "../kernels/variant3x3Simd.js";

/**
 * The space-variant 3×3 cross-correlation: every output cell (o, i, j) has its own coefficients,
 *
 *   out[o][i][j] += Σ_c Σ_m T[o][c][i·W + j][m] · field[c][i + k_m − 1][j + l_m − 1]
 *
 * with `coeffs` laid out C_out × C_in × (H·W) × 9 and `padded` the field with a border of `pad`
 * virtual cells (the layout of src/cells fillPadded).
 *
 * It adds in exactly the order of src/cells correlateAdd3x3, so that with every cell holding the
 * programmed template it gives the same bits: per output element the input channels in
 * increasing order, each kernel either as one nine-term sum grouped (m0 + m1 + m2) + (m3..m5) +
 * (m6..m8) (the dense path) or tap by tap (the sparse path), chosen from the programmed template
 * exactly as correlateAdd3x3 chooses (blocks of four output channels with fewer than 12 non-zero
 * taps, or a remaining single kernel with fewer than 3, go tap by tap; all-zero ones are skipped).
 */
export function correlateAddVariant3x3(
  programmed: Template,
  coeffs: Float64Array,
  padded: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  out: Float64Array,
  plan: readonly VariantStep[] = variantPlan(programmed),
): void {
  const C = programmed.inChannels;
  const data = programmed.data;
  const planeOut = rows * cols;
  const pc = cols + 2 * pad;
  const planeIn = (rows + 2 * pad) * pc;
  for (const { kind, o, c } of plan) {
    const cBase = (o * C + c) * planeOut * 9;
    if (kind === "dense4")
      // Four output channels share each input window (as correlateAdd3x3 does); every output
      // element still sees the same sums.
      denseBlock4(
        coeffs,
        cBase,
        C * planeOut * 9,
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
    else if (kind === "dense1")
      denseKernel(coeffs, cBase, padded, c * planeIn, pad, pc, out, o * planeOut, rows, cols);
    else
      sparseKernel(
        data,
        (o * C + c) * 9,
        coeffs,
        cBase,
        padded,
        c * planeIn,
        pad,
        pc,
        out,
        o * planeOut,
        rows,
        cols,
      );
  }
}

/** One step of a space-variant correlation: kernels (o…o+3 or o) of input channel c. */
interface VariantStep {
  readonly kind: "dense4" | "dense1" | "sparse";
  readonly o: number;
  readonly c: number;
}

/**
 * The steps, in order, decided from the programmed template exactly as correlateAdd3x3 decides:
 * blocks of four output channels with at least 12 non-zero taps are dense, otherwise each of the
 * four kernels goes tap by tap; a remaining single kernel is dense from 3 taps on; all-zero
 * kernels are skipped.
 */
function variantPlan(programmed: Template): VariantStep[] {
  const C = programmed.inChannels;
  const O = programmed.outChannels;
  const data = programmed.data;
  const steps: VariantStep[] = [];
  const blocked = O - (O % 4);
  for (let o = 0; o < blocked; o += 4)
    for (let c = 0; c < C; c++) {
      const nz = nonZeroTaps(data, (o * C + c) * 9, C * 9, 4);
      if (nz === 0) continue;
      if (nz >= 12) steps.push({ kind: "dense4", o, c });
      else for (let b = o; b < o + 4; b++) steps.push({ kind: "sparse", o: b, c });
    }
  for (let o = blocked; o < O; o++)
    for (let c = 0; c < C; c++) {
      const nz = nonZeroTaps(data, (o * C + c) * 9, 0, 1);
      if (nz === 0) continue;
      steps.push({ kind: nz >= 3 ? "dense1" : "sparse", o, c });
    }
  return steps;
}

function nonZeroTaps(data: Float64Array, q: number, stride: number, count: number): number {
  let nz = 0;
  for (let b = 0; b < count; b++) {
    const s = q + b * stride;
    for (let m = 0; m < 9; m++) if (data[s + m] !== 0) nz++;
  }
  return nz;
}

/**
 * Four kernels (output channels o…o+3, coefficients `stride` apart) on one input channel, the
 * window loaded once for the four outputs.
 */
function denseBlock4(
  K: Float64Array,
  kBase: number,
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
  const base = inBase + (pad - 1) * pc + (pad - 1);
  for (let i = 0; i < rows; i++) {
    const s0 = base + i * pc;
    const s1 = s0 + pc;
    const s2 = s1 + pc;
    const oa = outBase + i * cols;
    const ob = oa + planeOut;
    const oc = ob + planeOut;
    const od = oc + planeOut;
    let ka = kBase + i * cols * 9;
    let kb = ka + stride;
    let kc = kb + stride;
    let kd = kc + stride;
    let p00 = P[s0];
    let p01 = P[s0 + 1];
    let p10 = P[s1];
    let p11 = P[s1 + 1];
    let p20 = P[s2];
    let p21 = P[s2 + 1];
    for (let j = 0; j < cols; j++, ka += 9, kb += 9, kc += 9, kd += 9) {
      const p02 = P[s0 + j + 2];
      const p12 = P[s1 + j + 2];
      const p22 = P[s2 + j + 2];
      out[oa + j] +=
        K[ka] * p00 +
        K[ka + 1] * p01 +
        K[ka + 2] * p02 +
        (K[ka + 3] * p10 + K[ka + 4] * p11 + K[ka + 5] * p12) +
        (K[ka + 6] * p20 + K[ka + 7] * p21 + K[ka + 8] * p22);
      out[ob + j] +=
        K[kb] * p00 +
        K[kb + 1] * p01 +
        K[kb + 2] * p02 +
        (K[kb + 3] * p10 + K[kb + 4] * p11 + K[kb + 5] * p12) +
        (K[kb + 6] * p20 + K[kb + 7] * p21 + K[kb + 8] * p22);
      out[oc + j] +=
        K[kc] * p00 +
        K[kc + 1] * p01 +
        K[kc + 2] * p02 +
        (K[kc + 3] * p10 + K[kc + 4] * p11 + K[kc + 5] * p12) +
        (K[kc + 6] * p20 + K[kc + 7] * p21 + K[kc + 8] * p22);
      out[od + j] +=
        K[kd] * p00 +
        K[kd + 1] * p01 +
        K[kd + 2] * p02 +
        (K[kd + 3] * p10 + K[kd + 4] * p11 + K[kd + 5] * p12) +
        (K[kd + 6] * p20 + K[kd + 7] * p21 + K[kd + 8] * p22);
      p00 = p01;
      p01 = p02;
      p10 = p11;
      p11 = p12;
      p20 = p21;
      p21 = p22;
    }
  }
}

/** One kernel, per-cell coefficients, the 3×3 window sliding along the row in registers. */
function denseKernel(
  K: Float64Array,
  kBase: number,
  P: Float64Array,
  inBase: number,
  pad: number,
  pc: number,
  out: Float64Array,
  outBase: number,
  rows: number,
  cols: number,
): void {
  const base = inBase + (pad - 1) * pc + (pad - 1);
  for (let i = 0; i < rows; i++) {
    const s0 = base + i * pc;
    const s1 = s0 + pc;
    const s2 = s1 + pc;
    const d = outBase + i * cols;
    let k = kBase + i * cols * 9;
    let p00 = P[s0];
    let p01 = P[s0 + 1];
    let p10 = P[s1];
    let p11 = P[s1 + 1];
    let p20 = P[s2];
    let p21 = P[s2 + 1];
    for (let j = 0; j < cols; j++, k += 9) {
      const p02 = P[s0 + j + 2];
      const p12 = P[s1 + j + 2];
      const p22 = P[s2 + j + 2];
      out[d + j] +=
        K[k] * p00 +
        K[k + 1] * p01 +
        K[k + 2] * p02 +
        (K[k + 3] * p10 + K[k + 4] * p11 + K[k + 5] * p12) +
        (K[k + 6] * p20 + K[k + 7] * p21 + K[k + 8] * p22);
      p00 = p01;
      p01 = p02;
      p10 = p11;
      p11 = p12;
      p20 = p21;
      p21 = p22;
    }
  }
}

/** One kernel tap by tap, only the taps that the programmed template has. */
function sparseKernel(
  data: Float64Array,
  q: number,
  K: Float64Array,
  kBase: number,
  P: Float64Array,
  inBase: number,
  pad: number,
  pc: number,
  out: Float64Array,
  outBase: number,
  rows: number,
  cols: number,
): void {
  for (let m = 0; m < 9; m++) {
    if (data[q + m] === 0) continue;
    const dk = (m / 3) | 0;
    const dl = m - 3 * dk;
    const src = inBase + (dk - 1 + pad) * pc + (dl - 1 + pad);
    for (let i = 0; i < rows; i++) {
      const s = src + i * pc;
      const d = outBase + i * cols;
      const kRow = kBase + i * cols * 9 + m;
      for (let j = 0; j < cols; j++) out[d + j] += K[kRow + j * 9] * P[s + j];
    }
  }
}

/**
 * A space-variant 3×3 correlation bound to one set of per-cell coefficients (a mapped layer's A):
 * `correlateAdd(padded, out)` adds what correlateAddVariant3x3(programmed, coeffs, padded, pad,
 * rows, cols, out) adds, with the same bits.
 */
export interface VariantCorrelator {
  /** "wasm": the coefficients live tap-major in a WebAssembly SIMD instance's memory. */
  readonly kind: "wasm" | "scalar";
  /** Bytes the correlator holds beyond `coeffs` itself (the tap-major copy, its work regions). */
  readonly bytes: number;
  correlateAdd(padded: Float64Array, out: Float64Array): void;
  /** The in-memory operations, where the correlator was made with a SolverSpace (wasm only). */
  readonly inModule?: InModuleCorrelation;
}

/**
 * Room in the correlator's memory for one solve of a system built on it: the constant input
 * (cells values) and `vectors` work vectors of `dim` values.
 */
export interface SolverSpace {
  readonly cells: number;
  readonly dim: number;
  readonly vectors: number;
  /**
   * Room for lockstep solves of up to this many systems at once (LockstepCorrelation): a field,
   * a constant input and a float32 sums buffer per system, and `vectors` vectors of
   * lockstep·dim values. Default 1: none.
   */
  readonly lockstep?: number;
}

/**
 * A solve in the correlator's memory: the system writes f(x) into `padded`'s interior and
 * cI − x into the derivative by `output`, fills the border, and `correlateInto` adds T ⋆ padded
 * to the derivative in place; the solver's vectors and their stage sums live there too. One
 * system at a time (`owner`, set by the system that took the vectors last).
 */
export interface InModuleCorrelation {
  readonly memory: WebAssembly.Memory;
  /** float64, or float32 for the float32 kernels. */
  readonly padded: Float64Array | Float32Array;
  readonly constantInput: Float64Array;
  readonly vectors: readonly Float64Array[];
  readonly combine: Combine;
  /** padded's interior = α·x + β·clamp(x, −1, 1), out = constantInput − x (cellStepSimd's output). */
  output(x: Float64Array, out: Float64Array, alpha: number, beta: number): void;
  /** out (a view of the memory, its first O·H·W values) += T ⋆ padded. */
  correlateInto(out: Float64Array): void;
  owner: unknown;
  /** Lockstep solves of several systems, where the SolverSpace asked for them. */
  readonly lockstep?: LockstepCorrelation;
}

/**
 * Several systems on the same correlator solved in lockstep, each in a slot of its own (its
 * field, constant input and, in float32, sums). `correlateInto` takes the steps of the
 * correlation outermost and the slots innermost, so that each step's per-cell coefficients are
 * read from memory once for all the slots and from the cache for the others: the traffic that
 * bounds the space-variant kernel beyond the L3 (docs/hardware.md) is divided by the number of
 * slots. Each slot's sums are the same operations in the same order as a solve of its own, so
 * the same bits for the same state.
 */
export interface LockstepCorrelation {
  /** Slots available. */
  readonly capacity: number;
  readonly padded: readonly (Float64Array | Float32Array)[];
  readonly constantInput: readonly Float64Array[];
  /** `count` vectors of `length` (at most capacity·dim) values in the memory, and stage sums. */
  vectors(count: number, length: number): Float64Array[] | null;
  readonly combine: Combine;
  /** Slot `slot`'s field interior = α·x + β·clamp(x, −1, 1), out = its constant input − x. */
  output(slot: number, x: Float64Array, out: Float64Array, alpha: number, beta: number): void;
  /** targets[b] (views of the memory, their first O·H·W values) += T ⋆ padded[b]. */
  correlateInto(targets: readonly Float64Array[]): void;
  owner: unknown;
}

/**
 * The correlator of CELLSPICE_KERNEL's choice (src/kernels activeKernel): WebAssembly SIMD, with
 * the coefficients copied once, tap-major, into an instance of their own, or the scalar
 * reference on `coeffs`.
 */
export function variantCorrelator(
  programmed: Template,
  coeffs: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  space?: SolverSpace,
  precision: VariantPrecision = "float64",
): VariantCorrelator {
  const wasm = activeKernel() === "wasm";
  if (precision === "float32") {
    const simd32 = wasm ? newVariant3x3F32() : null;
    if (simd32 === null)
      throw new ValidationError(
        "precision",
        'is "float32" but the WebAssembly SIMD kernels are not in use (CELLSPICE_KERNEL or this JavaScript engine)',
        '"float64"',
      );
    return simdCorrelator({ f32: simd32 }, programmed, coeffs, pad, rows, cols, space);
  }
  const simd = wasm ? newVariant3x3Simd() : null;
  if (simd === null) {
    const plan = variantPlan(programmed); // decided once, not on every evaluation
    return {
      kind: "scalar",
      bytes: 0,
      correlateAdd: (padded, out) =>
        correlateAddVariant3x3(programmed, coeffs, padded, pad, rows, cols, out, plan),
    };
  }
  return simdCorrelator({ f64: simd }, programmed, coeffs, pad, rows, cols, space);
}

/**
 * The arithmetic of a space-variant correlation: `float64` (the scalar reference's bits, two
 * columns per vector) or `float32` (f32x4: the field rounded to float32, four columns per
 * vector, float32 sums added to the float64 derivative; the circuit engine's opt-in).
 */
export type VariantPrecision = "float64" | "float32";

const SLACK = 16;
const align16 = (bytes: number) => (bytes + 15) & ~15;

function simdCorrelator(
  kernels: { f64: Variant3x3Simd; f32?: undefined } | { f32: Variant3x3F32; f64?: undefined },
  programmed: Template,
  coeffs: Float64Array,
  pad: number,
  rows: number,
  cols: number,
  space?: SolverSpace,
): VariantCorrelator {
  const C = programmed.inChannels;
  const O = programmed.outChannels;
  const data = programmed.data;
  const plane = rows * cols;
  const pc = cols + 2 * pad;
  const planeIn = (rows + 2 * pad) * pc;
  const f32 = kernels.f32 !== undefined;
  // Columns per vector, bytes per field (and sum) value, column groups per row.
  const lanes = f32 ? 4 : 2;
  const eb = f32 ? 4 : 8;
  const groups = Math.ceil(cols / lanes);

  // float32 storage where it is exact (every coefficient a float32 value, as mapLayer realises
  // mismatched ones): half the bytes that every evaluation streams, the same products. The
  // float32 kernels take float32 coefficients in any case.
  let single = true;
  for (let k = 0; k < coeffs.length && single; k++) single = Math.fround(coeffs[k]) === coeffs[k];
  const b = single || f32 ? 4 : 8;
  // Each dense step's coefficients packed as its kernel reads them (variant3x3Simd.ts), each
  // sparse kernel's tap-major (9 × H·W), one after another; values, not bytes.
  const outputsOf = (kind: VariantStep["kind"]) => (kind === "dense4" ? 4 : 1);
  const valuesOf = (kind: VariantStep["kind"]) =>
    kind === "sparse" ? 9 * plane : rows * groups * outputsOf(kind) * 9 * lanes;
  const steps: (VariantStep & { at: number })[] = [];
  let values = 0;
  for (const s of variantPlan(programmed)) {
    steps.push({ ...s, at: values });
    values += valuesOf(s.kind);
  }
  // The field, the output (float64: a copy of the target; float32: the sums), then per solver
  // slot the constant input and the vectors.
  const paddedAt = align16(b * values + SLACK);
  const outAt = align16(paddedAt + eb * C * planeIn + SLACK);
  const cIAt = align16(outAt + eb * O * plane + SLACK);
  const vectorBytes = space ? align16(8 * space.dim + SLACK) : 0;
  const vectorsAt = align16(cIAt + (space ? 8 * space.cells : 0) + SLACK);
  const oneEnd = space ? vectorsAt + space.vectors * vectorBytes : outAt + eb * O * plane + SLACK;
  // The lockstep slots after it: fields, sums, constant inputs, then the long vectors.
  const slots = space?.lockstep ?? 1;
  if (!Number.isInteger(slots) || slots < 1)
    throw new RangeError(`lockstep ${slots}: must be a positive integer`);
  const fieldBytes = align16(eb * C * planeIn + SLACK);
  const sumsBytes = align16(eb * O * plane + SLACK);
  const cIBytes = align16(8 * (space?.cells ?? 0) + SLACK);
  const slotFieldsAt = align16(oneEnd);
  const slotSumsAt = slotFieldsAt + slots * fieldBytes;
  const slotCIAt = slotSumsAt + slots * sumsBytes;
  const longBytes = align16(8 * slots * (space?.dim ?? 0) + SLACK);
  const longAt = slotCIAt + slots * cIBytes;
  const regionsEnd = space && slots > 1 ? longAt + space.vectors * longBytes : oneEnd;
  // The step table of variantSteps (five i32 per step) and its slot table (two i32 per slot).
  const stepTableAt = align16(regionsEnd);
  const slotTableAt = align16(stepTableAt + 20 * steps.length);
  const end = slotTableAt + 8 * slots + SLACK;
  const memory = (kernels.f32 ?? kernels.f64).memory;
  if (memory.buffer.byteLength < end)
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  const buffer = memory.buffer;
  new Uint8Array(buffer, 0, end).fill(0);
  const K = b === 4 ? new Float32Array(buffer, 0, values) : new Float64Array(buffer, 0, values);
  const P = f32
    ? new Float32Array(buffer, paddedAt, C * planeIn)
    : new Float64Array(buffer, paddedAt, C * planeIn);
  const out = f32
    ? new Float32Array(buffer, outAt, O * plane)
    : new Float64Array(buffer, outAt, O * plane);
  const coefficient = (o: number, c: number, p: number, m: number) =>
    coeffs[((o * C + c) * plane + p) * 9 + m];
  for (const { kind, o, c, at } of steps) {
    if (kind === "sparse") {
      for (let m = 0; m < 9; m++)
        for (let p = 0; p < plane; p++) K[at + m * plane + p] = coefficient(o, c, p, m);
      continue;
    }
    // Cell by cell in the source's order: cell (i, j) of output o + x goes to lane j mod lanes
    // of its group's vectors (the lanes past the row stay 0: the memory is new or was zeroed).
    const nb = outputsOf(kind);
    for (let x = 0; x < nb; x++) {
      const from = ((o + x) * C + c) * plane * 9;
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          const jg = (j / lanes) | 0;
          const v = at + lanes * ((i * groups + jg) * nb + x) * 9 + (j - lanes * jg);
          const q = from + (i * cols + j) * 9;
          for (let m = 0; m < 9; m++) K[v + lanes * m] = coeffs[q + m];
        }
    }
  }

  const window = ((pad - 1) * pc + (pad - 1)) * eb;
  // Each dense step's entry in the step table; the runs of consecutive dense steps (one call of
  // variantSteps each) and the sparse steps between them, in the plan's order.
  const index1 = f32
    ? VARIANT_INDEX.variant1
    : single
      ? VARIANT_INDEX.variant1f32
      : VARIANT_INDEX.variant1;
  const index4 = f32
    ? VARIANT_INDEX.variant4
    : single
      ? VARIANT_INDEX.variant4f32
      : VARIANT_INDEX.variant4;
  const stepTable = new Int32Array(buffer, stepTableAt, 5 * steps.length);
  const slotTable = new Int32Array(buffer, slotTableAt, 2 * slots);
  const runs: ({ dense: true; first: number; count: number } | { dense: false; step: number })[] =
    [];
  steps.forEach(({ kind, o, c, at }, k) => {
    if (kind === "sparse") {
      runs.push({ dense: false, step: k });
      return;
    }
    const nb = outputsOf(kind);
    stepTable.set(
      [
        nb === 4 ? index4 : index1,
        b * at,
        eb * c * planeIn + window,
        eb * o * plane,
        b * groups * nb * 9 * lanes,
      ],
      5 * k,
    );
    const last = runs[runs.length - 1];
    if (last?.dense && last.first + last.count === k) last.count++;
    else runs.push({ dense: true, first: k, count: 1 });
  });
  const runSteps = (kernels.f32 ?? kernels.f64).steps;
  // The sparse kernels tap by tap in TypeScript, from `field` into `into` (out, or a float64
  // target).
  const sparse = (
    o: number,
    c: number,
    at: number,
    field: Float64Array | Float32Array,
    into: Float64Array | Float32Array,
  ) => {
    const q = (o * C + c) * 9;
    for (let m = 0; m < 9; m++) {
      if (data[q + m] === 0) continue;
      const dk = (m / 3) | 0;
      const dl = m - 3 * dk;
      const src = c * planeIn + (dk - 1 + pad) * pc + (dl - 1 + pad);
      const kTap = at + m * plane;
      for (let i = 0; i < rows; i++) {
        const s = src + i * pc;
        const d = o * plane + i * cols;
        const k = kTap + i * cols;
        for (let j = 0; j < cols; j++) into[d + j] += K[k + j] * field[s + j];
      }
    }
  };
  // Each slot's target (at byte address targetAt, eb bytes per value) += T ⋆ its field, step by
  // step, the slots innermost (one slot: the single solve's calls).
  // The dense runs go to variantSteps (one kernel call per step and slot, made in the module);
  // the sparse steps between them stay in TypeScript, in the plan's order.
  const correlateSlots = (list: readonly Slot[]) => {
    if (list.length > slots) throw new RangeError(`${list.length} fields for ${slots} slots`);
    for (let k = 0; k < list.length; k++) {
      slotTable[2 * k] = list[k].fieldAt;
      slotTable[2 * k + 1] = list[k].targetAt;
    }
    for (const run of runs) {
      if (run.dense) {
        runSteps(
          stepTableAt + 20 * run.first,
          run.count,
          slotTableAt,
          list.length,
          eb * pc,
          eb * plane,
          rows,
          cols,
        );
        continue;
      }
      const { o, c, at } = steps[run.step];
      for (const q of list) sparse(o, c, at, q.field, q.target);
    }
  };
  const correlate = (targetAt: number, target: Float64Array | Float32Array) =>
    correlateSlots([{ fieldAt: paddedAt, field: P, targetAt, target }]);
  // float32: the sums from zero, then added to the float64 target.
  const sumsInto = (target: Float64Array, inPlace: boolean) => {
    out.fill(0);
    correlate(outAt, out);
    if (inPlace) kernels.f32!.addSums(target.byteOffset, outAt, O * plane);
    else for (let m = 0; m < O * plane; m++) target[m] += out[m];
  };
  let inModule: InModuleCorrelation | undefined;
  if (space) {
    const output = (kernels.f32 ?? kernels.f64).output;
    // The output pass for the field at fieldAt and the constant input at cIAddress.
    const outputPass: OutputPass = (fieldAt, cIAddress, x, target, alpha, beta) =>
      output(
        x.byteOffset,
        cIAddress,
        target.byteOffset,
        fieldAt + eb * (pad * pc + pad),
        eb * planeIn,
        eb * pc,
        O,
        rows,
        cols,
        alpha,
        beta,
      );
    inModule = {
      memory,
      padded: P,
      constantInput: new Float64Array(buffer, cIAt, space.cells),
      vectors: Array.from(
        { length: space.vectors },
        (_, v) => new Float64Array(buffer, vectorsAt + v * vectorBytes, space.dim),
      ),
      combine: combineInModule(memory, (kernels.f32 ?? kernels.f64).sums),
      output: (x, target, alpha, beta) => outputPass(paddedAt, cIAt, x, target, alpha, beta),
      correlateInto: (target) =>
        f32 ? sumsInto(target, true) : correlate(target.byteOffset, target),
      owner: null,
      lockstep:
        slots > 1
          ? lockstepCorrelation(
              { memory, buffer, slots, space, f32, C, O, rows, cols, planeIn },
              {
                slotFieldsAt,
                fieldBytes,
                slotSumsAt,
                sumsBytes,
                slotCIAt,
                cIBytes,
                longAt,
                longBytes,
              },
              kernels,
              correlateSlots,
              outputPass,
            )
          : undefined,
    };
  }
  return {
    kind: "wasm",
    bytes: end,
    correlateAdd: (padded, target) => {
      P.set(padded.subarray(0, P.length));
      if (f32) {
        sumsInto(target, false);
        return;
      }
      // The target may be longer (an M-CellNN's dx/dt followed by dw/dt): its first O·H·W values.
      out.set(target.subarray(0, out.length));
      correlate(outAt, out);
      target.set(out as Float64Array);
    },
    inModule,
  };
}

/** cellStepSimd's output pass for one field (byte address) and constant input (byte address). */
type OutputPass = (
  fieldAt: number,
  cIAddress: number,
  x: Float64Array,
  target: Float64Array,
  alpha: number,
  beta: number,
) => void;

/** One field and the target its correlation is added to (byte addresses and views). */
interface Slot {
  readonly fieldAt: number;
  readonly field: Float64Array | Float32Array;
  readonly targetAt: number;
  readonly target: Float64Array | Float32Array;
}

/** The lockstep slots of simdCorrelator's memory (the regions it laid out after its own). */
function lockstepCorrelation(
  shape: {
    memory: WebAssembly.Memory;
    buffer: ArrayBuffer;
    slots: number;
    space: SolverSpace;
    f32: boolean;
    C: number;
    O: number;
    rows: number;
    cols: number;
    planeIn: number;
  },
  at: {
    slotFieldsAt: number;
    fieldBytes: number;
    slotSumsAt: number;
    sumsBytes: number;
    slotCIAt: number;
    cIBytes: number;
    longAt: number;
    longBytes: number;
  },
  kernels: { f64: Variant3x3Simd; f32?: undefined } | { f32: Variant3x3F32; f64?: undefined },
  correlateSlots: (slots: readonly Slot[]) => void,
  outputPass: OutputPass,
): LockstepCorrelation {
  const { memory, buffer, slots, space, f32, C, O, rows, cols, planeIn } = shape;
  const plane = rows * cols;
  const view = (byteOffset: number, length: number) =>
    f32
      ? new Float32Array(buffer, byteOffset, length)
      : new Float64Array(buffer, byteOffset, length);
  const indices = Array.from({ length: slots }, (_, q) => q);
  const fieldAt = indices.map((q) => at.slotFieldsAt + q * at.fieldBytes);
  const sumsAt = indices.map((q) => at.slotSumsAt + q * at.sumsBytes);
  const cIAt = indices.map((q) => at.slotCIAt + q * at.cIBytes);
  const padded = fieldAt.map((a) => view(a, C * planeIn));
  const sums = sumsAt.map((a) => view(a, O * plane));
  const step = kernels.f32 ?? kernels.f64;
  return {
    capacity: slots,
    padded,
    constantInput: cIAt.map((a) => new Float64Array(buffer, a, space.cells)),
    vectors: (count, length) =>
      count > space.vectors || length > slots * space.dim
        ? null
        : Array.from(
            { length: count },
            (_, v) => new Float64Array(buffer, at.longAt + v * at.longBytes, length),
          ),
    combine: combineInModule(memory, step.sums),
    output: (slot, x, target, alpha, beta) =>
      outputPass(fieldAt[slot], cIAt[slot], x, target, alpha, beta),
    correlateInto: (targets) => {
      if (targets.length > slots)
        throw new RangeError(`${targets.length} targets for ${slots} lockstep slots`);
      if (!kernels.f32) {
        correlateSlots(
          targets.map((t, q) => ({
            fieldAt: fieldAt[q],
            field: padded[q],
            targetAt: t.byteOffset,
            target: t,
          })),
        );
        return;
      }
      // float32: each slot's sums from zero, then added to its float64 target (sumsInto's order).
      for (let q = 0; q < targets.length; q++) sums[q].fill(0);
      correlateSlots(
        targets.map((_, q) => ({
          fieldAt: fieldAt[q],
          field: padded[q],
          targetAt: sumsAt[q],
          target: sums[q],
        })),
      );
      for (let q = 0; q < targets.length; q++)
        kernels.f32.addSums(targets[q].byteOffset, sumsAt[q], O * plane);
    },
    owner: null,
  };
}
