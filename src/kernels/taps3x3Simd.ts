import { activeFma } from "../core/fusedMultiplyAdd.js";
import { type StageSums, stageSumFunctions, stageSumsOf } from "../core/stageSums.js";
import { compileModule, I32, op, V128, type WasmFunction, wasmModule } from "../core/wasmBinary.js";
import { type CellStepSimd, cellStepFunctions } from "./cellStepSimd.js";
import { type SmoothV1DevicesSimd, type SmoothV1Simd, smoothV1Function } from "./memristorSimd.js";
import { F32X4, F64X2, type SimdLanes } from "./simdLanes.js";
import { type WinogradOutput4, type WinogradSimd, winogradFunctions } from "./winograd3x3F32.js";

/**
 * 3×3 taps in WebAssembly SIMD, `lanes.lanes` adjacent output columns per vector (F64X2: two
 * float64; F32X4: four float32, for the trained engine's opt-in float32 precision):
 *
 *   out[X][i][j] += Σ_m a_X[m] · P[i + k_m][j + l_m]      X = 0 … nb−1,  (k_m, l_m) = (m / 3, m mod 3)
 *
 * for nb consecutive output channels sharing one input channel's window (nb = 1 or 4). Each
 * lane adds in exactly the order of the scalar kernels of src/cells/correlate.ts
 *   out + ((((a0·p00 + a1·p01) + a2·p02) + ((a3·p10 + a4·p11) + a5·p12)) + ((a6·p20 + a7·p21) + a8·p22))
 * with separate multiplies and adds, so in float64 the results are the same bits. The float32
 * module may instead be compiled `fused` (src/core/fusedMultiplyAdd.ts): each output then adds
 * two chains of relaxed multiply-adds (fusedUpdates below), one rounding per tap instead of two,
 * within the same float32 bound of the reference (test/kernels/taps3x3F32.test.ts). A row's
 * last columns that do not fill a vector are computed as one vector and only their lanes
 * stored (lanes.tail); its loads read up to lanes − 1 values past
 * the row, so callers leave 16 bytes of slack after the input and the output regions
 * (kernelRegions does).
 *
 * Parameters (all byte addresses in the module's memory, or byte strides):
 *   0 coef    the nine coefficients of output 0 (row-major k, l)
 *   1 stride  bytes from one output's coefficients to the next one's
 *   2 base    the input value at window position (0, 0) for output cell (0, 0)
 *   3 pc      bytes per padded input row
 *   4 out     output 0's cell (0, 0)
 *   5 plane   bytes from one output plane to the next
 *   6 rows, 7 cols
 */
function tapsFunction(name: string, nb: number, lanes: SimdLanes, fused: boolean): WasmFunction {
  return threeByThreeFunction(name, nb, lanes, splatCoefficients(lanes), fused);
}

/**
 * Where the generated 3×3 kernel takes the coefficient vector of output x, tap m from: the
 * instructions that set it up (once per call and once per row) and the ones that push it. The
 * locals it may use come after the generator's own: i32 from `firstI32`, v128 from `firstV128`.
 */
export interface CoefficientSource {
  /** i32 parameters of the function (the generator's eight, plus the source's own after them). */
  readonly params: number;
  /** Locals it needs for `nb` outputs. */
  readonly i32Locals: (nb: number) => number;
  readonly v128Locals: (nb: number) => number;
  readonly setup: (l: SourceLocals) => ReadonlyArray<number>;
  readonly perRow: (l: SourceLocals) => ReadonlyArray<number>;
  /** Run before each vector of columns (and the tail), J set. */
  readonly perVector: (l: SourceLocals) => ReadonlyArray<number>;
  readonly push: (l: SourceLocals, x: number, m: number) => ReadonlyArray<number>;
}

/** The locals a coefficient source sees (indices). */
export interface SourceLocals {
  readonly coef: number;
  readonly stride: number;
  readonly row: number;
  readonly j: number;
  readonly end: number;
  readonly nb: number;
  readonly firstI32: number;
  readonly firstV128: number;
}

/** One coefficient per tap and output, the same for every cell: splat into a v128 local once. */
function splatCoefficients(lanes: SimdLanes): CoefficientSource {
  const local = (l: SourceLocals, x: number, m: number) => l.firstV128 + 9 * x + m;
  return {
    params: 8,
    i32Locals: () => 0,
    v128Locals: (nb) => 9 * nb,
    setup: (l) => {
      const code: number[] = [];
      for (let x = 0; x < l.nb; x++)
        for (let m = 0; m < 9; m++)
          code.push(
            ...op.get(l.coef),
            ...op.i32(x),
            ...op.get(l.stride),
            ...op.i32Mul,
            ...op.i32Add,
            ...lanes.splat(lanes.bytes * m),
            ...op.set(local(l, x, m)),
          );
      return code;
    },
    perRow: () => [],
    perVector: () => [],
    push: (l, x, m) => op.get(local(l, x, m)),
  };
}

/**
 * The generator behind both kernel families: `nb` outputs (1 or 4) of one input channel's 3×3
 * window, `lanes.lanes` columns per vector, the coefficients from `source`.
 */
export function threeByThreeFunction(
  name: string,
  nb: number,
  lanes: SimdLanes,
  source: CoefficientSource,
  fused = false,
): WasmFunction {
  if (fused && lanes !== F32X4)
    throw new Error("fused multiply-add is for the float32 kernels only");
  const [COEF, STRIDE, BASE, PC, OUT, PLANE, ROWS, COLS] = [0, 1, 2, 3, 4, 5, 6, 7];
  // J: byte offset of column j in its row; END: bytes per row of values.
  const P = source.params;
  const [I, J, S0, S1, S2, OROW, END, ADDR] = [P, P + 1, P + 2, P + 3, P + 4, P + 5, P + 6, P + 7];
  const { bytes, tail } = lanes;
  const firstI32 = P + 8 + tail.i32Locals;
  const sourceI32 = source.i32Locals(nb);
  const sourceV128 = source.v128Locals(nb);
  const firstV128 = firstI32 + sourceI32;
  const pLocal = (r: number, l: number) => firstV128 + sourceV128 + 3 * r + l;
  const tailLocals = { j: J, end: END, addr: ADDR, i32: P + 8, v128: firstV128 + sourceV128 + 9 };
  // The fused form's two partial sums (after the tail's v128 locals).
  const ACC = firstV128 + sourceV128 + 9 + tail.v128Locals;
  const ACC2 = ACC + 1;
  const locals: SourceLocals = {
    coef: COEF,
    stride: STRIDE,
    row: I,
    j: J,
    end: END,
    nb,
    firstI32,
    firstV128,
  };
  const body: number[] = [];
  const emit = (...parts: ReadonlyArray<number>[]) => {
    for (const p of parts) body.push(...p);
  };

  emit(source.setup(locals));
  emit(op.get(COLS), op.i32(bytes), op.i32Mul, op.set(END), op.i32(0), op.set(I));

  // The nine input vectors at byte offset J of the three rows, then each output's update.
  const loadWindow = () => {
    const rowsBase = [S0, S1, S2];
    for (let r = 0; r < 3; r++)
      for (let l = 0; l < 3; l++)
        emit(
          op.get(rowsBase[r]),
          op.get(J),
          op.i32Add,
          op.v128Load(bytes * l),
          op.set(pLocal(r, l)),
        );
  };
  const term = (x: number, m: number) =>
    emit(source.push(locals, x, m), op.get(pLocal((m / 3) | 0, m % 3)), lanes.mul);
  // With fused multiply-add, two chains per output for the CPU to overlap:
  //   (((((out + a0·p00) + a1·p01) + a2·p02) + a3·p10) + a4·p11)
  //     + (((a5·p12 + a6·p20) + a7·p21) + a8·p22)
  // each `+ a·p` one relaxed_madd: 8 of them, a multiply and an add, against 9 and 9.
  const madd = (x: number, m: number, acc: number) =>
    emit(source.push(locals, x, m), op.get(pLocal((m / 3) | 0, m % 3)), op.get(acc));
  const fusedUpdates = (store: ReadonlyArray<number>) => {
    for (let x = 0; x < nb; x++) {
      emit(op.get(OROW), op.i32(x), op.get(PLANE), op.i32Mul, op.i32Add, op.get(J), op.i32Add);
      emit(op.tee(ADDR), op.get(ADDR), op.v128Load(0), op.set(ACC));
      for (let m = 0; m < 5; m++) {
        madd(x, m, ACC);
        emit(op.f32x4RelaxedMadd, op.set(ACC));
      }
      term(x, 5);
      emit(op.set(ACC2));
      for (let m = 6; m < 9; m++) {
        madd(x, m, ACC2);
        emit(op.f32x4RelaxedMadd, op.set(ACC2));
      }
      emit(op.get(ACC), op.get(ACC2), lanes.add, store);
    }
  };
  const plainUpdates = (store: ReadonlyArray<number>) => {
    const add = lanes.add;
    for (let x = 0; x < nb; x++) {
      emit(op.get(OROW), op.i32(x), op.get(PLANE), op.i32Mul, op.i32Add, op.get(J), op.i32Add);
      emit(op.tee(ADDR), op.get(ADDR), op.v128Load(0));
      term(x, 0);
      term(x, 1);
      emit(add);
      term(x, 2);
      emit(add);
      term(x, 3);
      term(x, 4);
      emit(add);
      term(x, 5);
      emit(add, add);
      term(x, 6);
      term(x, 7);
      emit(add);
      term(x, 8);
      emit(add, add);
      emit(add, store);
    }
  };
  const updates = fused ? fusedUpdates : plainUpdates;

  emit(op.block, op.loop);
  emit(op.get(I), op.get(ROWS), op.i32GeS, op.brIf(1));
  emit(op.get(BASE), op.get(I), op.get(PC), op.i32Mul, op.i32Add, op.tee(S0));
  emit(op.get(PC), op.i32Add, op.tee(S1), op.get(PC), op.i32Add, op.set(S2));
  emit(op.get(OUT), op.get(I), op.get(END), op.i32Mul, op.i32Add, op.set(OROW));
  emit(source.perRow(locals));
  emit(op.i32(0), op.set(J));
  emit(op.block, op.loop);
  emit(op.get(J), op.i32(16), op.i32Add, op.get(END), op.i32GtS, op.brIf(1));
  emit(source.perVector(locals));
  loadWindow();
  updates(op.v128Store(0));
  emit(op.get(J), op.i32(16), op.i32Add, op.set(J), op.br(0));
  emit(op.end, op.end);
  emit(op.get(J), op.get(END), op.i32LtS, op.if);
  emit(tail.prepare(tailLocals));
  emit(source.perVector(locals));
  loadWindow();
  updates(tail.store(tailLocals));
  emit(op.end);
  emit(op.get(I), op.i32(1), op.i32Add, op.set(I), op.br(0));
  emit(op.end, op.end);

  return {
    name,
    params: P,
    locals: [
      [8 + tail.i32Locals + sourceI32, I32],
      [sourceV128 + 9 + tail.v128Locals + (fused ? 2 : 0), V128],
    ],
    body,
  };
}

/**
 * The module's bytes for one lane type: exports memory, taps1 and taps4, the element-wise
 * step functions whose padded field has that lane type (cellStepFunctions), the
 * smooth-v1 memristor pass (memristorSimd.ts) and the solvers' stage sums (stageSums.ts); the
 * float32 module also Winograd's F(2×2, 3×3) and F(4×4, 3×3) (winograd3x3F32.ts,
 * winograd4x4F32.ts).
 */
function tapsModule(lanes: SimdLanes, fused = false): Uint8Array<ArrayBuffer> {
  return wasmModule(
    [
      tapsFunction("taps1", 1, lanes, fused),
      tapsFunction("taps4", 4, lanes, fused),
      ...cellStepFunctions(lanes),
      smoothV1Function(),
      smoothV1Function(true),
      ...stageSumFunctions(),
      ...(lanes === F32X4 ? winogradFunctions(fused) : []),
    ],
    1,
  );
}

/** The float64 module's bytes (F64X2). */
export function taps3x3SimdModule(): Uint8Array<ArrayBuffer> {
  return tapsModule(F64X2);
}

/**
 * The float32 module's bytes (F32X4); `fused`: its taps and Winograd's products in fused
 * multiply-add (src/core/fusedMultiplyAdd.ts).
 */
export function taps3x3F32Module(fused = false): Uint8Array<ArrayBuffer> {
  return tapsModule(F32X4, fused);
}

/** One kernel call: byte addresses and strides in the instance's memory (tapsFunction). */
export type Taps = (
  coef: number,
  stride: number,
  base: number,
  pc: number,
  out: number,
  plane: number,
  rows: number,
  cols: number,
) => void;

/**
 * An instance of the kernels: its memory, the taps for one and for four outputs, and the
 * element-wise step functions on the same memory.
 */
export interface Taps3x3Simd {
  readonly memory: WebAssembly.Memory;
  readonly taps1: Taps;
  readonly taps4: Taps;
  readonly step: CellStepSimd;
  /** The solvers' stage sums on vectors in this memory (stageSums.ts). */
  readonly sums: StageSums;
  /** The Winograd correlation's functions (the float32 module only). */
  readonly winograd?: WinogradSimd;
}

/** An instance of the float32 kernels (its operands are Float32Array views of its memory). */
export type Taps3x3F32 = Taps3x3Simd;

/** Each module (lane type, fused or not), compiled once; null where this engine has no WebAssembly SIMD. */
const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * A new instance of one lane type's kernels with a memory of its own, or null without SIMD;
 * the float32 ones fused as activeFma says when they are made.
 */
function instantiate(lanes: SimdLanes): Taps3x3Simd | null {
  const fused = lanes === F32X4 && activeFma();
  const key = `${lanes.name}${fused ? " fused" : ""}`;
  let module = compiled.get(key);
  if (module === undefined) {
    module = compileModule(tapsModule(lanes, fused));
    compiled.set(key, module);
  }
  if (module === null) return null;
  const exports = new WebAssembly.Instance(module).exports;
  return {
    memory: exports.memory as WebAssembly.Memory,
    taps1: exports.taps1 as Taps,
    taps4: exports.taps4 as Taps,
    step: {
      output: exports.output as CellStepSimd["output"],
      addSums: exports.addSums as CellStepSimd["addSums"],
      axpy: exports.axpy as CellStepSimd["axpy"],
      nonFinite: exports.nonFinite as CellStepSimd["nonFinite"],
      smoothV1: exports.smoothV1 as SmoothV1Simd,
      smoothV1Devices: exports.smoothV1Devices as SmoothV1DevicesSimd,
    },
    sums: stageSumsOf(exports),
    winograd:
      lanes === F32X4
        ? {
            input: exports.winogradInput as WinogradSimd["input"],
            gemm: exports.winogradGemm as WinogradSimd["gemm"],
            output: exports.winogradOutput as WinogradSimd["output"],
            outputAdd: exports.winogradOutputAdd as WinogradSimd["output"],
            input4: exports.winograd4Input as WinogradSimd["input"],
            output4: exports.winograd4Output as WinogradOutput4,
            outputAdd4: exports.winograd4OutputAdd as WinogradOutput4,
          }
        : undefined,
  };
}

/**
 * A new instance of the float64 kernels with a memory of its own (a caller that keeps its
 * operands in the module's memory across calls, so that nobody else's stage3x3 overwrites them),
 * or null where this engine has no WebAssembly SIMD.
 */
export function newTaps3x3Simd(): Taps3x3Simd | null {
  return instantiate(F64X2);
}

/** A new instance of the float32 kernels with its own memory, or null without WebAssembly SIMD. */
export function newTaps3x3F32(): Taps3x3F32 | null {
  return instantiate(F32X4);
}

let instance: Taps3x3Simd | null | undefined;

/**
 * The shared instance of the float64 kernels (the one stage3x3 lays operands out in), or null
 * where this engine has no WebAssembly SIMD. Instantiated once, on first use.
 */
export function taps3x3Simd(): Taps3x3Simd | null {
  if (instance === undefined) instance = newTaps3x3Simd();
  return instance;
}
