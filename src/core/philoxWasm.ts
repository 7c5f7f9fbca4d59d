import { compileModule, I32, I64, op, type WasmFunction, wasmModule } from "./wasmBinary.js";

/**
 * Philox4x32-10 blocks in WebAssembly (no SIMD needed: every engine with WebAssembly has it).
 * The 32 × 32 → 64-bit products that TypeScript has to assemble from 16-bit halves in doubles
 * are one i64.mul here, so a block costs a fraction of the TypeScript one (src/core/counterRandom.ts
 * has both, and the tests hold them to the same words). The ten rounds are unrolled with the
 * round keys k + r·W folded into constants.
 *
 * philox(k0, k1, c0, c1, c2, count, out): for i = 0 … count − 1 the block of counter
 * (c0 + i, c1, c2, 0) under key (k0, k1), four 32-bit words at out + 16·i. The caller keeps
 * c0 + count ≤ 2^32 (no carry into c1).
 */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function philoxFunction(): WasmFunction {
  const [K0, K1, C0, C1, C2, COUNT, OUT] = [0, 1, 2, 3, 4, 5, 6];
  const I = 7;
  const X = [8, 9, 10, 11];
  const P0 = 12;
  const P1 = 13;
  const product = (m: number, x: number, into: number) => [
    ...op.i32(m | 0),
    ...op.i64ExtendI32U,
    ...op.get(x),
    ...op.i64ExtendI32U,
    ...op.i64Mul,
    ...op.set(into),
  ];
  const high = (p: number) => [...op.get(p), ...op.i64(32), ...op.i64ShrU, ...op.i32WrapI64];
  const low = (p: number) => [...op.get(p), ...op.i32WrapI64];
  const round = (r: number) => [
    ...product(M0, X[0], P0),
    ...product(M1, X[2], P1),
    // x0 ← hi(M1·x2) ^ x1 ^ k0_r; x1 ← lo(M1·x2); x2 ← hi(M0·x0) ^ x3 ^ k1_r; x3 ← lo(M0·x0).
    ...high(P1),
    ...op.get(X[1]),
    ...op.i32Xor,
    ...op.get(K0),
    ...op.i32(Math.imul(r, W0)),
    ...op.i32Add,
    ...op.i32Xor,
    ...op.set(X[0]),
    ...low(P1),
    ...op.set(X[1]),
    ...high(P0),
    ...op.get(X[3]),
    ...op.i32Xor,
    ...op.get(K1),
    ...op.i32(Math.imul(r, W1)),
    ...op.i32Add,
    ...op.i32Xor,
    ...op.set(X[2]),
    ...low(P0),
    ...op.set(X[3]),
  ];
  const body = [
    ...op.i32(0),
    ...op.set(I),
    ...op.block,
    ...op.loop,
    ...op.get(I),
    ...op.get(COUNT),
    ...op.i32GeU,
    ...op.brIf(1),
    ...op.get(C0),
    ...op.get(I),
    ...op.i32Add,
    ...op.set(X[0]),
    ...op.get(C1),
    ...op.set(X[1]),
    ...op.get(C2),
    ...op.set(X[2]),
    ...op.i32(0),
    ...op.set(X[3]),
    ...Array.from({ length: 10 }, (_, r) => round(r)).flat(),
    ...X.flatMap((x, w) => [...op.get(OUT), ...op.get(x), ...op.i32Store(4 * w)]),
    ...op.get(OUT),
    ...op.i32(16),
    ...op.i32Add,
    ...op.set(OUT),
    ...op.get(I),
    ...op.i32(1),
    ...op.i32Add,
    ...op.set(I),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name: "philox",
    params: 7,
    locals: [
      [5, I32],
      [2, I64],
    ],
    body,
  };
}

/** Blocks one call computes at most: one 64 KiB page of 16-byte blocks. */
export const PHILOX_BLOCKS = 4096;

/**
 * blocks(k0, k1, c0, c1, c2, count): the words of `count` ≤ PHILOX_BLOCKS blocks (see the module
 * comment; c0 + count ≤ 2^32), block i at words 4i … 4i + 3 of the returned view. The view is
 * the kernel's memory: valid until the next call.
 */
export type PhiloxBlocks = (
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  c2: number,
  count: number,
) => Uint32Array;

let kernel: PhiloxBlocks | null | undefined;

/** The WebAssembly Philox kernel of this thread, or null where there is no WebAssembly. */
export function philoxBlocks(): PhiloxBlocks | null {
  if (kernel !== undefined) return kernel;
  const module = compileModule(wasmModule([philoxFunction()], 1));
  if (module === null) {
    kernel = null;
    return kernel;
  }
  const exports = new WebAssembly.Instance(module).exports;
  const memory = exports.memory as WebAssembly.Memory;
  const run = exports.philox as (...args: number[]) => void;
  const words = new Uint32Array(memory.buffer, 0, 4 * PHILOX_BLOCKS);
  kernel = (k0, k1, c0, c1, c2, count) => {
    if (!(count >= 0 && count <= PHILOX_BLOCKS && c0 + count <= 4294967296))
      throw new RangeError(`philox: ${count} blocks from counter ${c0} exceed the kernel's range`);
    run(k0 | 0, k1 | 0, c0 | 0, c1 | 0, c2 | 0, count, 0);
    return words;
  };
  return kernel;
}
