import { activeFma } from "../core/fusedMultiplyAdd.js";
import { type StageSums, stageSumFunctions, stageSumsOf } from "../core/stageSums.js";
import { compileModule, I32, op, type WasmFunction, wasmModule } from "../core/wasmBinary.js";
import { type CellStepSimd, cellStepFunctions } from "./cellStepSimd.js";
import { F32X4, F64X2 } from "./simdLanes.js";
import { type CoefficientSource, type Taps, threeByThreeFunction } from "./taps3x3Simd.js";

/**
 * The space-variant 3×3 taps in WebAssembly SIMD (float64 arithmetic, two columns per vector):
 * every output cell has its own nine coefficients. They are packed in the order the kernel reads
 * them, so that one pointer walks them with constant offsets: for nb outputs (1 or 4) of one
 * input channel, with JP = ⌈cols / 2⌉ column pairs,
 *
 *   vector ((i·JP + jp)·nb + x)·9 + m  =  [K_x,m(i, 2·jp), K_x,m(i, 2·jp + 1)]
 *
 * (output x, tap m, row i; the second lane of an odd row's last pair is 0). Each vector is two
 * float64 (16 bytes) or two float32 (8 bytes, widened exactly to float64 on load: half the bytes
 * to stream, the same products when the coefficients are float32 values). Each lane adds in the
 * order of the scalar reference (src/hardware/correlateVariant.ts, dense kernels) and of the
 * shared kernels (threeByThreeFunction), so the results are the same bits.
 *
 * Parameters: the eight of taps3x3Simd (coef = the block's first vector, stride unused, base,
 * pc, out, plane, rows, cols), then 8 rowStride = bytes of one row's packed vectors.
 */
function packedCoefficients(b: 8 | 4): CoefficientSource {
  const ROW_STRIDE = 8;
  const vectorBytes = 2 * b;
  return {
    params: 9,
    // KROW (the row's first vector), KJ (the current column pair's first vector).
    i32Locals: () => 2,
    v128Locals: () => 0,
    setup: () => [],
    perRow: (l) => [
      ...op.get(l.coef),
      ...op.get(l.row),
      ...op.get(ROW_STRIDE),
      ...op.i32Mul,
      ...op.i32Add,
      ...op.set(l.firstI32),
    ],
    // J is 16 bytes per column pair; a pair's vectors take nb·9·vectorBytes.
    perVector: (l) => [
      ...op.get(l.firstI32),
      ...op.get(l.j),
      ...op.i32(l.nb * 9 * vectorBytes),
      ...op.i32Mul,
      ...op.i32(4),
      ...op.i32ShrU,
      ...op.i32Add,
      ...op.set(l.firstI32 + 1),
    ],
    push: (l, x, m) =>
      b === 8
        ? [...op.get(l.firstI32 + 1), ...op.v128Load((x * 9 + m) * vectorBytes)]
        : [
            ...op.get(l.firstI32 + 1),
            ...op.v128Load64Zero((x * 9 + m) * vectorBytes),
            ...op.f64x2PromoteLowF32x4,
          ],
  };
}

/**
 * The steps of a whole space-variant correlation in one call, so that JavaScript enters the
 * module once per evaluation instead of once per step and field:
 *
 *   variantSteps(steps, count, slots, slotCount, pc, plane, rows, cols)
 *
 * runs, for each of `count` steps (five i32 at steps + 20·s: the kernel, its function index in
 * this module; the coefficients' byte address; the field's byte offset from a slot's field base;
 * the output's byte offset from a slot's output base; the coefficients' row stride) and for each
 * of `slotCount` slots (two i32 at slots + 8·q: field base, output base), the kernel with the
 * parameters correlateVariant.ts passes it one call at a time: the same calls in the same order,
 * so the same bits. `kernels` are the module's function indices a step may name.
 */
function stepsFunction(kernels: readonly number[]): WasmFunction {
  const [STEPS, COUNT, SLOTS, SLOT_COUNT, PC, PLANE, ROWS, COLS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [S, Q, AT, SLOT, WHICH] = [8, 9, 10, 11, 12];
  const body: number[] = [];
  const emit = (...parts: ReadonlyArray<number>[]) => {
    for (const part of parts) body.push(...part);
  };
  // The kernel's parameters for slot q of step s (AT: the step's entry, SLOT: the slot's).
  const call = (index: number) => [
    ...op.get(AT),
    ...op.i32Load(4), // coef
    ...op.i32(0), // stride (unused by the packed coefficients)
    ...op.get(SLOT),
    ...op.i32Load(0),
    ...op.get(AT),
    ...op.i32Load(8),
    ...op.i32Add, // base
    ...op.get(PC),
    ...op.get(SLOT),
    ...op.i32Load(4),
    ...op.get(AT),
    ...op.i32Load(12),
    ...op.i32Add, // out
    ...op.get(PLANE),
    ...op.get(ROWS),
    ...op.get(COLS),
    ...op.get(AT),
    ...op.i32Load(16), // rowStride
    ...op.call(index),
  ];
  emit(op.i32(0), op.set(S));
  emit(op.block, op.loop);
  emit(op.get(S), op.get(COUNT), op.i32GeS, op.brIf(1));
  emit(op.get(STEPS), op.get(S), op.i32(20), op.i32Mul, op.i32Add, op.set(AT));
  emit(op.get(AT), op.i32Load(0), op.set(WHICH));
  emit(op.i32(0), op.set(Q));
  emit(op.block, op.loop);
  emit(op.get(Q), op.get(SLOT_COUNT), op.i32GeS, op.brIf(1));
  emit(op.get(SLOTS), op.get(Q), op.i32(8), op.i32Mul, op.i32Add, op.set(SLOT));
  for (const index of kernels) {
    emit(op.get(WHICH), op.i32(index), op.i32Eq, op.if);
    emit(call(index));
    emit(op.end);
  }
  emit(op.get(Q), op.i32(1), op.i32Add, op.set(Q), op.br(0));
  emit(op.end, op.end);
  emit(op.get(S), op.i32(1), op.i32Add, op.set(S), op.br(0));
  emit(op.end, op.end);
  return { name: "variantSteps", params: 8, locals: [[5, I32]], body };
}

/**
 * The module's bytes: exports memory, variant1 and variant4 (float64 coefficients), variant1f32
 * and variant4f32 (float32 coefficients), the element-wise step functions on a float64 field
 * (cellStepFunctions: a mapped system's output pass) and the solvers' stage sums (stageSums.ts),
 * so that a mapped layer's solve can keep its state and stages in the same memory.
 */
export function variant3x3SimdModule(): Uint8Array<ArrayBuffer> {
  const f64 = packedCoefficients(8);
  const f32 = packedCoefficients(4);
  return wasmModule(
    [
      threeByThreeFunction("variant1", 1, F64X2, f64),
      threeByThreeFunction("variant4", 4, F64X2, f64),
      threeByThreeFunction("variant1f32", 1, F64X2, f32),
      threeByThreeFunction("variant4f32", 4, F64X2, f32),
      ...cellStepFunctions(F64X2),
      ...stageSumFunctions(),
      stepsFunction([0, 1, 2, 3]),
    ],
    1,
  );
}

/** A call: the shared kernels' parameters (Taps), then rowStride. */
type Variant = (...args: [...Parameters<Taps>, rowStride: number]) => void;

/** stepsFunction's call: (steps, count, slots, slotCount, pc, plane, rows, cols), byte addresses. */
export type VariantSteps = (
  steps: number,
  count: number,
  slots: number,
  slotCount: number,
  pc: number,
  plane: number,
  rows: number,
  cols: number,
) => void;

/** The function indices of the kernels a step names (the modules' order). */
export const VARIANT_INDEX = { variant1: 0, variant4: 1, variant1f32: 2, variant4f32: 3 } as const;

/**
 * An instance of the space-variant kernels: its own memory and the taps for one and four
 * outputs, on float64 and on float32 coefficients.
 */
export interface Variant3x3Simd {
  readonly memory: WebAssembly.Memory;
  readonly variant1: Variant;
  readonly variant4: Variant;
  readonly variant1f32: Variant;
  readonly variant4f32: Variant;
  readonly steps: VariantSteps;
  /** The output pass (cellStepSimd.ts; its memristor pass is not in this module). */
  readonly output: CellStepSimd["output"];
  readonly sums: StageSums;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A new instance with a memory of its own (a mapped layer keeps its coefficients there for its
 * lifetime), or null where this engine has no WebAssembly SIMD.
 */
export function newVariant3x3Simd(): Variant3x3Simd | null {
  if (compiled === undefined) compiled = compileModule(variant3x3SimdModule());
  if (compiled === null) return null;
  const exports = new WebAssembly.Instance(compiled).exports;
  return {
    memory: exports.memory as WebAssembly.Memory,
    variant1: exports.variant1 as Variant,
    variant4: exports.variant4 as Variant,
    variant1f32: exports.variant1f32 as Variant,
    variant4f32: exports.variant4f32 as Variant,
    steps: exports.variantSteps as VariantSteps,
    output: exports.output as CellStepSimd["output"],
    sums: stageSumsOf(exports),
  };
}

/**
 * The space-variant taps in float32 arithmetic (f32x4, four columns per vector), for the circuit
 * engine's `precision: "float32"`: the coefficients packed as for variant1/variant4 with four
 * float32 per vector (vector ((i·JQ + jq)·nb + x)·9 + m = K_x,m(i, 4·jq … 4·jq + 3), JQ =
 * ⌈cols / 4⌉, lanes past the row 0), the field float32, the sums float32 (added to the float64
 * derivative by addSums). The module also has the float32 output pass (cellStepFunctions(F32X4):
 * f(x) rounded to float32 into the field's interior) and the stage sums.
 */
export function variant3x3F32Module(fused = false): Uint8Array<ArrayBuffer> {
  // Sixteen bytes per vector, loaded as they are: packedCoefficients(8)'s addressing.
  const f32 = packedCoefficients(8);
  return wasmModule(
    [
      threeByThreeFunction("variant1", 1, F32X4, f32, fused),
      threeByThreeFunction("variant4", 4, F32X4, f32, fused),
      ...cellStepFunctions(F32X4),
      ...stageSumFunctions(),
      stepsFunction([0, 1]),
    ],
    1,
  );
}

/** An instance of the float32 space-variant kernels (variant3x3F32Module). */
export interface Variant3x3F32 {
  readonly memory: WebAssembly.Memory;
  readonly variant1: Variant;
  readonly variant4: Variant;
  readonly steps: VariantSteps;
  readonly output: CellStepSimd["output"];
  readonly addSums: CellStepSimd["addSums"];
  readonly sums: StageSums;
}

/** The float32 module, plain and fused, each compiled once. */
const compiledF32 = new Map<boolean, WebAssembly.Module | null>();

/**
 * A new float32 instance with a memory of its own, or null without WebAssembly SIMD; its taps
 * fused as activeFma says when it is made (src/core/fusedMultiplyAdd.ts).
 */
export function newVariant3x3F32(): Variant3x3F32 | null {
  const fused = activeFma();
  let module = compiledF32.get(fused);
  if (module === undefined) {
    module = compileModule(variant3x3F32Module(fused));
    compiledF32.set(fused, module);
  }
  if (module === null) return null;
  const exports = new WebAssembly.Instance(module).exports;
  return {
    memory: exports.memory as WebAssembly.Memory,
    variant1: exports.variant1 as Variant,
    variant4: exports.variant4 as Variant,
    steps: exports.variantSteps as VariantSteps,
    output: exports.output as CellStepSimd["output"],
    addSums: exports.addSums as CellStepSimd["addSums"],
    sums: stageSumsOf(exports),
  };
}
