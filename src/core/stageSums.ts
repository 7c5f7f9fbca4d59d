import { combineInto } from "./combine.js";
import { F64, I32, op, V128, type WasmFunction } from "./wasmBinary.js";

/**
 * The solvers' stage sums in WebAssembly SIMD: out[i] = ((base[i] + c_0·k_0[i]) + c_1·k_1[i]) + …
 * two values per f64x2 vector, for 1 to MAX_TERMS terms, with or without a base. Every lane does
 * the operations of src/solvers/combine.ts combineInto in the same order (a multiply, then an add;
 * WebAssembly has no fused multiply-add), so the results are the same bits. The functions go into
 * every module whose memory holds a solver's vectors (solverVectors.ts's own, the 3×3 kernels').
 */
export const MAX_TERMS = 6;

/**
 * `sum{N}` (with a base) or `sum{N}z` (from 0): params out, base, n, k_0 … k_{N−1} (byte addresses
 * and the length in values), then c_0 … c_{N−1} (f64).
 */
function sumFunction(terms: number, withBase: boolean): WasmFunction {
  const OUT = 0;
  const BASE = 1;
  const N = 2;
  const k = (j: number) => 3 + j;
  const c = (j: number) => 3 + terms + j;
  const I = 3 + 2 * terms; // byte offset of the current pair
  const END = I + 1; // bytes of the whole pairs
  const splat = (j: number) => END + 1 + j;
  const ACC = END + 1 + terms;
  const ACC1 = ACC + 1; // the scalar tail's accumulator
  const body: number[] = [];
  const emit = (...parts: ReadonlyArray<number>[]) => {
    for (const part of parts) body.push(...part);
  };
  for (let j = 0; j < terms; j++) emit(op.get(c(j)), op.f64x2Splat, op.set(splat(j)));
  emit(op.get(N), op.i32(1), op.i32ShrU, op.i32(16), op.i32Mul, op.set(END));
  emit(op.block, op.loop, op.get(I), op.get(END), op.i32GeS, op.brIf(1));
  if (withBase) emit(op.get(BASE), op.get(I), op.i32Add, op.v128Load(0));
  else emit(op.f64x2Const(0));
  for (let j = 0; j < terms; j++)
    emit(
      op.get(splat(j)),
      op.get(k(j)),
      op.get(I),
      op.i32Add,
      op.v128Load(0),
      op.f64x2Mul,
      op.f64x2Add,
    );
  emit(op.set(ACC), op.get(OUT), op.get(I), op.i32Add, op.get(ACC), op.v128Store(0));
  emit(op.get(I), op.i32(16), op.i32Add, op.set(I), op.br(0), op.end, op.end);
  // An odd last value: the same operations in scalar f64.
  emit(op.get(I), op.get(N), op.i32(8), op.i32Mul, op.i32LtS, op.if);
  if (withBase) emit(op.get(BASE), op.get(I), op.i32Add, op.f64Load(0));
  else emit(op.f64(0));
  for (let j = 0; j < terms; j++)
    emit(op.get(c(j)), op.get(k(j)), op.get(I), op.i32Add, op.f64Load(0), op.f64Mul, op.f64Add);
  emit(op.set(ACC1), op.get(OUT), op.get(I), op.i32Add, op.get(ACC1), op.f64Store(0), op.end);
  return {
    name: `sum${terms}${withBase ? "" : "z"}`,
    params: 3 + terms,
    extraParams: Array.from({ length: terms }, () => F64),
    locals: [
      [2, I32],
      [terms + 1, V128],
      [1, F64],
    ],
    body,
  };
}

/** sum1 … sum6 and sum1z … sum6z. */
export function stageSumFunctions(): WasmFunction[] {
  const fns: WasmFunction[] = [];
  for (let t = 1; t <= MAX_TERMS; t++) fns.push(sumFunction(t, true), sumFunction(t, false));
  return fns;
}

type Sum = (...args: number[]) => void;

/** An instance's sum functions, index 2·(terms − 1) + (with a base ? 0 : 1). */
export type StageSums = readonly Sum[];

export function stageSumsOf(exports: WebAssembly.Exports): StageSums {
  const sums: Sum[] = [];
  for (let t = 1; t <= MAX_TERMS; t++)
    sums.push(exports[`sum${t}`] as Sum, exports[`sum${t}z`] as Sum);
  return sums;
}

/** The first `terms` arrays of k are views of `buffer` of at least `length` values. */
function inMemory(
  k: readonly Float64Array[],
  terms: number,
  buffer: ArrayBufferLike,
  length: number,
) {
  for (let j = 0; j < terms; j++) if (k[j].buffer !== buffer || k[j].length < length) return false;
  return true;
}

/** The signature of combineInto. */
export type Combine = (
  out: Float64Array,
  base: Float64Array | null,
  c: readonly number[],
  k: readonly Float64Array[],
) => void;

/**
 * combineInto on arrays in `memory` by the instance's sum functions (the same bits); arrays
 * elsewhere, or 0 or more than MAX_TERMS terms, go to combineInto itself. `memory` must not grow
 * while the function is in use.
 */
export function combineInModule(memory: WebAssembly.Memory, sums: StageSums): Combine {
  const buffer = memory.buffer;
  const args: number[] = [];
  return (out, base, c, k) => {
    const terms = c.length;
    if (
      terms === 0 ||
      terms > MAX_TERMS ||
      out.buffer !== buffer ||
      (base !== null && (base.buffer !== buffer || base.length < out.length)) ||
      !inMemory(k, terms, buffer, out.length)
    ) {
      combineInto(out, base, c, k);
      return;
    }
    args.length = 0;
    args.push(out.byteOffset, base === null ? 0 : base.byteOffset, out.length);
    for (let j = 0; j < terms; j++) args.push(k[j].byteOffset);
    for (let j = 0; j < terms; j++) args.push(c[j]);
    sums[2 * (terms - 1) + (base === null ? 1 : 0)](...args);
  };
}
