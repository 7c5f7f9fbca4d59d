import { I32, op, V128, type WasmFunction, wasmModule } from "./wasmBinary.js";

/**
 * 3×3 taps in WebAssembly SIMD (f64x2), two adjacent output columns per vector:
 *
 *   out[X][i][j] += Σ_m a_X[m] · P[i + k_m][j + l_m]      X = 0 … nb−1,  (k_m, l_m) = (m / 3, m mod 3)
 *
 * for nb consecutive output channels sharing one input channel's window (nb = 1 or 4). Each
 * lane adds in exactly the order of the scalar kernels of src/cells/correlate.ts
 *   out + ((((a0·p00 + a1·p01) + a2·p02) + ((a3·p10 + a4·p11) + a5·p12)) + ((a6·p20 + a7·p21) + a8·p22))
 * with separate multiplies and adds (WASM SIMD has no fused multiply-add), so the results are
 * the same bits. An odd last column is computed as a vector too and only its lane 0 stored;
 * its lane 1 reads one value past the row, so callers leave 16 bytes of slack after the input
 * and the output regions.
 *
 * Parameters (all byte addresses in the module's memory, or byte strides):
 *   0 coef    the nine coefficients of output 0 (f64, row-major k, l)
 *   1 stride  bytes from one output's coefficients to the next one's
 *   2 base    the input value at window position (0, 0) for output cell (0, 0)
 *   3 pc      bytes per padded input row
 *   4 out     output 0's cell (0, 0)
 *   5 plane   bytes from one output plane to the next
 *   6 rows, 7 cols
 */
function tapsFunction(name: string, nb: number): WasmFunction {
  const [COEF, STRIDE, BASE, PC, OUT, PLANE, ROWS, COLS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [I, J8, S0, S1, S2, OROW, END8, ADDR] = [8, 9, 10, 11, 12, 13, 14, 15];
  const coefLocal = (x: number, m: number) => 16 + 9 * x + m;
  const pLocal = (r: number, l: number) => 16 + 9 * nb + 3 * r + l;
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
        op.v128Load64Splat(8 * m),
        op.set(coefLocal(x, m)),
      );
  emit(op.get(COLS), op.i32(8), op.i32Mul, op.set(END8), op.i32(0), op.set(I));

  // The nine input vectors at byte offset J8 of the three rows, then each output's update.
  const loadWindow = () => {
    const rowsBase = [S0, S1, S2];
    for (let r = 0; r < 3; r++)
      for (let l = 0; l < 3; l++)
        emit(op.get(rowsBase[r]), op.get(J8), op.i32Add, op.v128Load(8 * l), op.set(pLocal(r, l)));
  };
  const term = (x: number, m: number) =>
    emit(op.get(coefLocal(x, m)), op.get(pLocal((m / 3) | 0, m % 3)), op.f64x2Mul);
  const updates = (store: ReadonlyArray<number>) => {
    for (let x = 0; x < nb; x++) {
      emit(op.get(OROW), op.i32(x), op.get(PLANE), op.i32Mul, op.i32Add, op.get(J8), op.i32Add);
      emit(op.tee(ADDR), op.get(ADDR), op.v128Load(0));
      term(x, 0);
      term(x, 1);
      emit(op.f64x2Add);
      term(x, 2);
      emit(op.f64x2Add);
      term(x, 3);
      term(x, 4);
      emit(op.f64x2Add);
      term(x, 5);
      emit(op.f64x2Add, op.f64x2Add);
      term(x, 6);
      term(x, 7);
      emit(op.f64x2Add);
      term(x, 8);
      emit(op.f64x2Add, op.f64x2Add);
      emit(op.f64x2Add, store);
    }
  };

  emit(op.block, op.loop);
  emit(op.get(I), op.get(ROWS), op.i32GeS, op.brIf(1));
  emit(op.get(BASE), op.get(I), op.get(PC), op.i32Mul, op.i32Add, op.tee(S0));
  emit(op.get(PC), op.i32Add, op.tee(S1), op.get(PC), op.i32Add, op.set(S2));
  emit(op.get(OUT), op.get(I), op.get(END8), op.i32Mul, op.i32Add, op.set(OROW));
  emit(op.i32(0), op.set(J8));
  emit(op.block, op.loop);
  emit(op.get(J8), op.i32(16), op.i32Add, op.get(END8), op.i32GtS, op.brIf(1));
  loadWindow();
  updates(op.v128Store(0));
  emit(op.get(J8), op.i32(16), op.i32Add, op.set(J8), op.br(0));
  emit(op.end, op.end);
  emit(op.get(J8), op.get(END8), op.i32LtS, op.if);
  loadWindow();
  updates(op.v128Store64Lane(0, 0));
  emit(op.end);
  emit(op.get(I), op.i32(1), op.i32Add, op.set(I), op.br(0));
  emit(op.end, op.end);

  return {
    name,
    params: 8,
    locals: [
      [8, I32],
      [9 * nb + 9, V128],
    ],
    body,
  };
}

/** The module's bytes: exports memory, taps1 and taps4. */
export function taps3x3SimdModule(): Uint8Array<ArrayBuffer> {
  return wasmModule([tapsFunction("taps1", 1), tapsFunction("taps4", 4)], 1);
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

export interface Taps3x3Simd {
  readonly memory: WebAssembly.Memory;
  readonly taps1: Taps;
  readonly taps4: Taps;
}

let compiled: WebAssembly.Module | null | undefined;
let instance: Taps3x3Simd | null | undefined;

/**
 * A new instance of the kernels with a memory of its own (a caller that keeps its operands in
 * the module's memory across calls, so that nobody else's stage3x3 overwrites them), or null
 * where this engine has no WebAssembly SIMD. The module is compiled once.
 */
export function newTaps3x3Simd(): Taps3x3Simd | null {
  if (compiled === undefined) {
    const bytes = taps3x3SimdModule();
    compiled =
      typeof WebAssembly === "undefined" || !WebAssembly.validate(bytes)
        ? null
        : new WebAssembly.Module(bytes);
  }
  if (compiled === null) return null;
  const exports = new WebAssembly.Instance(compiled).exports;
  return {
    memory: exports.memory as WebAssembly.Memory,
    taps1: exports.taps1 as Taps,
    taps4: exports.taps4 as Taps,
  };
}

/**
 * The shared instance of the kernels (the one stage3x3 lays operands out in), or null where
 * this engine has no WebAssembly SIMD. Instantiated once, on first use.
 */
export function taps3x3Simd(): Taps3x3Simd | null {
  if (instance === undefined) instance = newTaps3x3Simd();
  return instance;
}
