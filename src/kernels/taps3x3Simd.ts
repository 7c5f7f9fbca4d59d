import { F32X4, F64X2, type SimdLanes } from "./simdLanes.js";
import { I32, op, V128, type WasmFunction, wasmModule } from "./wasmBinary.js";

/**
 * 3×3 taps in WebAssembly SIMD, `lanes.lanes` adjacent output columns per vector (F64X2: two
 * float64; F32X4: four float32, for the trained engine's opt-in float32 precision):
 *
 *   out[X][i][j] += Σ_m a_X[m] · P[i + k_m][j + l_m]      X = 0 … nb−1,  (k_m, l_m) = (m / 3, m mod 3)
 *
 * for nb consecutive output channels sharing one input channel's window (nb = 1 or 4). Each
 * lane adds in exactly the order of the scalar kernels of src/cells/correlate.ts
 *   out + ((((a0·p00 + a1·p01) + a2·p02) + ((a3·p10 + a4·p11) + a5·p12)) + ((a6·p20 + a7·p21) + a8·p22))
 * with separate multiplies and adds (WASM SIMD has no fused multiply-add), so in float64 the
 * results are the same bits. A row's last columns that do not fill a vector are computed as one
 * vector and only their lanes stored (lanes.tail); its loads read up to lanes − 1 values past
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
function tapsFunction(name: string, nb: number, lanes: SimdLanes): WasmFunction {
  const [COEF, STRIDE, BASE, PC, OUT, PLANE, ROWS, COLS] = [0, 1, 2, 3, 4, 5, 6, 7];
  // J: byte offset of column j in its row; END: bytes per row of values.
  const [I, J, S0, S1, S2, OROW, END, ADDR] = [8, 9, 10, 11, 12, 13, 14, 15];
  const { bytes, tail } = lanes;
  const firstCoef = 16 + tail.i32Locals;
  const coefLocal = (x: number, m: number) => firstCoef + 9 * x + m;
  const pLocal = (r: number, l: number) => firstCoef + 9 * nb + 3 * r + l;
  const tailLocals = { j: J, end: END, addr: ADDR, i32: 16, v128: firstCoef + 9 * nb + 9 };
  const body: number[] = [];
  const emit = (...parts: ReadonlyArray<number>[]) => {
    for (const p of parts) body.push(...p);
  };

  for (let x = 0; x < nb; x++)
    for (let m = 0; m < 9; m++)
      emit(
        op.get(COEF),
        op.i32(x),
        op.get(STRIDE),
        op.i32Mul,
        op.i32Add,
        lanes.splat(bytes * m),
        op.set(coefLocal(x, m)),
      );
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
    emit(op.get(coefLocal(x, m)), op.get(pLocal((m / 3) | 0, m % 3)), lanes.mul);
  const updates = (store: ReadonlyArray<number>) => {
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

  emit(op.block, op.loop);
  emit(op.get(I), op.get(ROWS), op.i32GeS, op.brIf(1));
  emit(op.get(BASE), op.get(I), op.get(PC), op.i32Mul, op.i32Add, op.tee(S0));
  emit(op.get(PC), op.i32Add, op.tee(S1), op.get(PC), op.i32Add, op.set(S2));
  emit(op.get(OUT), op.get(I), op.get(END), op.i32Mul, op.i32Add, op.set(OROW));
  emit(op.i32(0), op.set(J));
  emit(op.block, op.loop);
  emit(op.get(J), op.i32(16), op.i32Add, op.get(END), op.i32GtS, op.brIf(1));
  loadWindow();
  updates(op.v128Store(0));
  emit(op.get(J), op.i32(16), op.i32Add, op.set(J), op.br(0));
  emit(op.end, op.end);
  emit(op.get(J), op.get(END), op.i32LtS, op.if);
  emit(tail.prepare(tailLocals));
  loadWindow();
  updates(tail.store(tailLocals));
  emit(op.end);
  emit(op.get(I), op.i32(1), op.i32Add, op.set(I), op.br(0));
  emit(op.end, op.end);

  return {
    name,
    params: 8,
    locals: [
      [8 + tail.i32Locals, I32],
      [9 * nb + 9 + tail.v128Locals, V128],
    ],
    body,
  };
}

/** The module's bytes for one lane type: exports memory, taps1 and taps4. */
function tapsModule(lanes: SimdLanes): Uint8Array<ArrayBuffer> {
  return wasmModule([tapsFunction("taps1", 1, lanes), tapsFunction("taps4", 4, lanes)], 1);
}

/** The float64 module's bytes (F64X2). */
export function taps3x3SimdModule(): Uint8Array<ArrayBuffer> {
  return tapsModule(F64X2);
}

/** The float32 module's bytes (F32X4). */
export function taps3x3F32Module(): Uint8Array<ArrayBuffer> {
  return tapsModule(F32X4);
}

type Taps = (
  coef: number,
  stride: number,
  base: number,
  pc: number,
  out: number,
  plane: number,
  rows: number,
  cols: number,
) => void;

/** An instance of the kernels: its memory and the taps for one and for four outputs. */
export interface Taps3x3Simd {
  readonly memory: WebAssembly.Memory;
  readonly taps1: Taps;
  readonly taps4: Taps;
}

/** An instance of the float32 kernels (its operands are Float32Array views of its memory). */
export type Taps3x3F32 = Taps3x3Simd;

/** Each lane type's module, compiled once; null where this engine has no WebAssembly SIMD. */
const compiled = new Map<SimdLanes, WebAssembly.Module | null>();

/** A new instance of one lane type's kernels with a memory of its own, or null without SIMD. */
function instantiate(lanes: SimdLanes): Taps3x3Simd | null {
  let module = compiled.get(lanes);
  if (module === undefined) {
    const bytes = tapsModule(lanes);
    module =
      typeof WebAssembly === "undefined" || !WebAssembly.validate(bytes)
        ? null
        : new WebAssembly.Module(bytes);
    compiled.set(lanes, module);
  }
  if (module === null) return null;
  const exports = new WebAssembly.Instance(module).exports;
  return {
    memory: exports.memory as WebAssembly.Memory,
    taps1: exports.taps1 as Taps,
    taps4: exports.taps4 as Taps,
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
