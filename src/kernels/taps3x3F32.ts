import { I32, op, V128, type WasmFunction, wasmModule } from "./wasmBinary.js";

/**
 * 3×3 taps in WebAssembly SIMD on float32 (f32x4): four adjacent output columns per vector,
 * the float32 counterpart of taps3x3Simd.ts (same parameters, same order of operations per lane,
 * separate multiplies and adds), for the trained engine's opt-in float32 precision:
 *
 *   out[X][i][j] += Σ_m a_X[m] · P[i + k_m][j + l_m]      X = 0 … nb−1 (nb = 1 or 4)
 *
 * A row's last 1–3 columns are computed as one vector and only those lanes stored; its loads
 * read up to three values past the row, so callers leave 16 bytes of slack after the input and
 * output regions (kernelRegions does). Parameters as taps3x3Simd's (byte addresses, byte strides):
 * coef, stride, base, pc, out, plane, rows, cols.
 */
function tapsF32Function(name: string, nb: number): WasmFunction {
  const [COEF, STRIDE, BASE, PC, OUT, PLANE, ROWS, COLS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [I, J4, S0, S1, S2, OROW, END4, ADDR, REM] = [8, 9, 10, 11, 12, 13, 14, 15, 16];
  const coefLocal = (x: number, m: number) => 17 + 9 * x + m;
  const pLocal = (r: number, l: number) => 17 + 9 * nb + 3 * r + l;
  const TMP = 17 + 9 * nb + 9;
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
        op.v128Load32Splat(4 * m),
        op.set(coefLocal(x, m)),
      );
  emit(op.get(COLS), op.i32(4), op.i32Mul, op.set(END4), op.i32(0), op.set(I));

  const loadWindow = () => {
    const rowsBase = [S0, S1, S2];
    for (let r = 0; r < 3; r++)
      for (let l = 0; l < 3; l++)
        emit(op.get(rowsBase[r]), op.get(J4), op.i32Add, op.v128Load(4 * l), op.set(pLocal(r, l)));
  };
  const term = (x: number, m: number) =>
    emit(op.get(coefLocal(x, m)), op.get(pLocal((m / 3) | 0, m % 3)), op.f32x4Mul);
  // Output x's updated vector on the stack, its address in ADDR.
  const update = (x: number) => {
    emit(op.get(OROW), op.i32(x), op.get(PLANE), op.i32Mul, op.i32Add, op.get(J4), op.i32Add);
    emit(op.tee(ADDR), op.get(ADDR), op.v128Load(0));
    term(x, 0);
    term(x, 1);
    emit(op.f32x4Add);
    term(x, 2);
    emit(op.f32x4Add);
    term(x, 3);
    term(x, 4);
    emit(op.f32x4Add);
    term(x, 5);
    emit(op.f32x4Add, op.f32x4Add);
    term(x, 6);
    term(x, 7);
    emit(op.f32x4Add);
    term(x, 8);
    emit(op.f32x4Add, op.f32x4Add);
    emit(op.f32x4Add);
  };
  // The tail: REM (1–3) lanes stored.
  const storeTail = () => {
    emit(op.set(TMP), op.drop);
    emit(op.get(REM), op.i32(2), op.i32GeS, op.if);
    emit(op.get(ADDR), op.get(TMP), op.v128Store64Lane(0, 0), op.end);
    emit(op.get(REM), op.i32(1), op.i32Eq, op.if);
    emit(op.get(ADDR), op.get(TMP), op.v128Store32Lane(0, 0), op.end);
    emit(op.get(REM), op.i32(3), op.i32Eq, op.if);
    emit(op.get(ADDR), op.get(TMP), op.v128Store32Lane(8, 2), op.end);
  };

  emit(op.block, op.loop);
  emit(op.get(I), op.get(ROWS), op.i32GeS, op.brIf(1));
  emit(op.get(BASE), op.get(I), op.get(PC), op.i32Mul, op.i32Add, op.tee(S0));
  emit(op.get(PC), op.i32Add, op.tee(S1), op.get(PC), op.i32Add, op.set(S2));
  emit(op.get(OUT), op.get(I), op.get(END4), op.i32Mul, op.i32Add, op.set(OROW));
  emit(op.i32(0), op.set(J4));
  emit(op.block, op.loop);
  emit(op.get(J4), op.i32(16), op.i32Add, op.get(END4), op.i32GtS, op.brIf(1));
  loadWindow();
  for (let x = 0; x < nb; x++) {
    update(x);
    emit(op.v128Store(0));
  }
  emit(op.get(J4), op.i32(16), op.i32Add, op.set(J4), op.br(0));
  emit(op.end, op.end);
  emit(op.get(J4), op.get(END4), op.i32LtS, op.if);
  emit(op.get(END4), op.get(J4), op.i32Sub, op.i32(2), op.i32ShrS, op.set(REM));
  loadWindow();
  for (let x = 0; x < nb; x++) {
    update(x);
    storeTail();
  }
  emit(op.end);
  emit(op.get(I), op.i32(1), op.i32Add, op.set(I), op.br(0));
  emit(op.end, op.end);

  return {
    name,
    params: 8,
    locals: [
      [9, I32],
      [9 * nb + 10, V128],
    ],
    body,
  };
}

/** The module's bytes: exports memory, taps1 and taps4 (float32). */
export function taps3x3F32Module(): Uint8Array<ArrayBuffer> {
  return wasmModule([tapsF32Function("taps1", 1), tapsF32Function("taps4", 4)], 1);
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

export interface Taps3x3F32 {
  readonly memory: WebAssembly.Memory;
  readonly taps1: Taps;
  readonly taps4: Taps;
}

let compiled: WebAssembly.Module | null | undefined;

/** A new instance of the float32 kernels with its own memory, or null without WebAssembly SIMD. */
export function newTaps3x3F32(): Taps3x3F32 | null {
  if (compiled === undefined) {
    const bytes = taps3x3F32Module();
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
 * out[o] += Σ_c T[o][c] ⋆ padded[c] (3×3, pad 1) in float32 on operands in `simd`'s memory:
 * `coef` (C_out×C_in×9), `padded` (C_in×(rows+2)×(cols+2)) and `out` (C_out×rows×cols) are
 * views of it with 16 bytes of slack after each (kernelRegions). Output channels in blocks of
 * four, the rest one at a time; every block dense (zero coefficients are multiplied too).
 */
export function correlateAdd3x3F32(
  simd: Taps3x3F32,
  outChannels: number,
  inChannels: number,
  coef: Float32Array,
  padded: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array,
): void {
  const pc = cols + 2;
  const planeIn = (rows + 2) * pc;
  const planeOut = rows * cols;
  const C = inChannels;
  let o = 0;
  for (; o + 4 <= outChannels; o += 4)
    for (let c = 0; c < C; c++)
      simd.taps4(
        coef.byteOffset + 4 * (o * C + c) * 9,
        4 * C * 9,
        padded.byteOffset + 4 * c * planeIn,
        4 * pc,
        out.byteOffset + 4 * o * planeOut,
        4 * planeOut,
        rows,
        cols,
      );
  for (; o < outChannels; o++)
    for (let c = 0; c < C; c++)
      simd.taps1(
        coef.byteOffset + 4 * (o * C + c) * 9,
        0,
        padded.byteOffset + 4 * c * planeIn,
        4 * pc,
        out.byteOffset + 4 * o * planeOut,
        0,
        rows,
        cols,
      );
}
