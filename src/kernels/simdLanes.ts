import { op } from "../core/wasmBinary.js";

/** The locals (indices) a ragged tail's instructions may use. */
export interface TailLocals {
  /** Byte offset of the tail's first column in its row. */
  readonly j: number;
  /** Bytes per row of values (cols · bytes). */
  readonly end: number;
  /** The address of the output vector being stored. */
  readonly addr: number;
  /** The tail's own locals: the first of its i32Locals, the first of its v128Locals. */
  readonly i32: number;
  readonly v128: number;
}

/**
 * How a row's last columns that do not fill a vector are stored: the vector is computed whole
 * and only the lanes of those columns written.
 */
export interface RaggedTail {
  /** Extra locals the tail uses, beyond the generator's own. */
  readonly i32Locals: number;
  readonly v128Locals: number;
  /** Run once per row before the tail's updates. */
  readonly prepare: (l: TailLocals) => ReadonlyArray<number>;
  /** Stores the tail's lanes of the vector on the stack at the address below it (also in addr). */
  readonly store: (l: TailLocals) => ReadonlyArray<number>;
}

/** A 16-byte WebAssembly SIMD vector as the 3×3 taps generator uses it. */
export interface SimdLanes {
  readonly name: "f64x2" | "f32x4";
  /** Bytes per value. */
  readonly bytes: number;
  /** Values per vector. */
  readonly lanes: number;
  /** Loads one value at the byte offset into every lane. */
  readonly splat: (offset: number) => ReadonlyArray<number>;
  readonly add: ReadonlyArray<number>;
  readonly mul: ReadonlyArray<number>;
  readonly tail: RaggedTail;
}

const seq = (...parts: ReadonlyArray<number>[]): number[] => parts.flat();

/** Two float64 per vector; a row's odd last column is lane 0. */
export const F64X2: SimdLanes = {
  name: "f64x2",
  bytes: 8,
  lanes: 2,
  splat: op.v128Load64Splat,
  add: op.f64x2Add,
  mul: op.f64x2Mul,
  tail: {
    i32Locals: 0,
    v128Locals: 0,
    prepare: () => [],
    store: () => op.v128Store64Lane(0, 0),
  },
};

/**
 * Four float32 per vector; a row's last REM = 1–3 columns (REM = (end − j) / 4, in an i32 local)
 * are stored from a v128 local: lanes 0–1 in one 8-byte store when REM ≥ 2, lane 0 when REM = 1,
 * and lane 2 as well when REM = 3.
 */
export const F32X4: SimdLanes = {
  name: "f32x4",
  bytes: 4,
  lanes: 4,
  splat: op.v128Load32Splat,
  add: op.f32x4Add,
  mul: op.f32x4Mul,
  tail: {
    i32Locals: 1,
    v128Locals: 1,
    prepare: ({ j, end, i32: rem }) =>
      seq(op.get(end), op.get(j), op.i32Sub, op.i32(2), op.i32ShrS, op.set(rem)),
    store: ({ addr, i32: rem, v128: tmp }) => {
      const storeIf = (test: ReadonlyArray<number>[], store: ReadonlyArray<number>) =>
        seq(op.get(rem), ...test, op.if, op.get(addr), op.get(tmp), store, op.end);
      return seq(
        op.set(tmp),
        op.drop,
        storeIf([op.i32(2), op.i32GeS], op.v128Store64Lane(0, 0)),
        storeIf([op.i32(1), op.i32Eq], op.v128Store32Lane(0, 0)),
        storeIf([op.i32(3), op.i32Eq], op.v128Store32Lane(8, 2)),
      );
    },
  },
};
