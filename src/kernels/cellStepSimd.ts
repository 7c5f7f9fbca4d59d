import { F64, I32, op, V128, type WasmFunction } from "../core/wasmBinary.js";
import type { SmoothV1DevicesSimd, SmoothV1Simd } from "./memristorSimd.js";
import type { SimdLanes } from "./simdLanes.js";

/**
 * The element-wise parts of a fixed-step cell solve in WebAssembly SIMD (f64x2), for the trained
 * engine's fused path (src/unet/engines/fusedFixedStep.ts): they sit in the same module as the
 * 3×3 taps so that the state, the stages and the padded outputs stay in one memory. Each does, per
 * element, the float64 operations of the TypeScript loops it replaces in the same order, so the
 * results are the same bits (test/kernels/cellStepSimd.test.ts):
 *
 *   output     y = α·v + β·clamp(v) into the padded field's interior (float64, or rounded to
 *              float32 for the f32x4 module), clamp(v) = v > 1 ? 1 : v < −1 ? −1 : v by f64x2
 *              pmin/pmax (NaN kept), and out = (B ⋆ u + z) − v
 *   addSums    out += sums (float32 sums of the f32x4 correlation, widened exactly)
 *   axpy       out = y + c·k (out may be y: the solver's stage sums, one term at a time)
 *   nonFinite  Σ (v − v) over a field into two float64 lanes: 0 if every value is finite, NaN
 *              otherwise
 *
 * All addresses are byte addresses in the module's memory; n counts float64 values.
 */

export const seq = (...parts: ReadonlyArray<number>[]): number[] => parts.flat();
const inc = (local: number, bytes: number) =>
  seq(op.get(local), op.i32(bytes), op.i32Add, op.set(local));

/**
 * A loop over n float64 values two at a time, then the odd last one: `pointers` advance by 16
 * bytes per vector (8 for the scalar tail) each, scaled by `scale` (bytes per float64 value of
 * that pointer / 8). `end` is set to pointers[0] + 8n first.
 */
export function pairLoop(
  pointers: ReadonlyArray<{ local: number; scale: number }>,
  n: number,
  end: number,
  vector: ReadonlyArray<number>,
  scalar: ReadonlyArray<number>,
): number[] {
  const first = pointers[0].local;
  const advance = (bytes: number) => seq(...pointers.map((p) => inc(p.local, bytes * p.scale)));
  return seq(
    op.get(first),
    op.get(n),
    op.i32(8),
    op.i32Mul,
    op.i32Add,
    op.set(end),
    op.block,
    op.loop,
    seq(op.get(first), op.i32(16), op.i32Add, op.get(end), op.i32GtS, op.brIf(1)),
    vector,
    advance(16),
    op.br(0),
    op.end,
    op.end,
    seq(op.get(first), op.get(end), op.i32LtS, op.if),
    scalar,
    advance(8),
    op.end,
  );
}

/**
 * output(state, cI, out, padded, planeBytes, rowBytes, channels, rows, cols; α, β): for each
 * channel and row, the row's `cols` values of state (contiguous C×rows×cols float64) give
 * y = α·v + β·clamp(v) at padded (the interior's first cell; rowBytes and planeBytes its
 * strides) and out = cI − v.
 */
function outputFunction(padded: SimdLanes): WasmFunction {
  const [state, cI, out, pad, planeBytes, rowBytes, channels, rows, cols, alpha, beta] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ];
  const [c, i, rowEnd, pCh, pRow, pp] = [11, 12, 13, 14, 15, 16];
  const [va, vb, one, minusOne, v] = [17, 18, 19, 20, 21];
  const sv = 22;
  const eb = padded.bytes;
  // y = α·v + β·clamp(v), on the stack, for a vector (v in local v) or a scalar (sv).
  const yVector = seq(
    op.get(va),
    op.get(v),
    op.f64x2Mul,
    op.get(vb),
    op.get(v),
    op.get(one),
    op.f64x2Pmin,
    op.get(minusOne),
    op.f64x2Pmax,
    op.f64x2Mul,
    op.f64x2Add,
  );
  const yScalar = seq(
    op.get(alpha),
    op.get(sv),
    op.f64Mul,
    op.get(beta),
    op.get(sv),
    op.f64(1),
    op.f64Min,
    op.f64(-1),
    op.f64Max,
    op.f64Mul,
    op.f64Add,
  );
  const storeVector =
    eb === 8 ? op.v128Store(0) : seq(op.f32x4DemoteF64x2Zero, op.v128Store64Lane(0, 0));
  const storeScalar = eb === 8 ? op.f64Store(0) : seq(op.f32DemoteF64, op.f32Store(0));
  const advance = (values: number) =>
    seq(inc(state, 8 * values), inc(cI, 8 * values), inc(out, 8 * values), inc(pp, eb * values));
  const body = seq(
    op.get(alpha),
    op.f64x2Splat,
    op.set(va),
    op.get(beta),
    op.f64x2Splat,
    op.set(vb),
    op.f64(1),
    op.f64x2Splat,
    op.set(one),
    op.f64(-1),
    op.f64x2Splat,
    op.set(minusOne),
    op.get(pad),
    op.set(pCh),
    op.get(channels),
    op.set(c),
    op.loop,
    seq(op.get(pCh), op.set(pRow), op.get(rows), op.set(i)),
    op.loop,
    seq(op.get(pRow), op.set(pp)),
    seq(op.get(state), op.get(cols), op.i32(8), op.i32Mul, op.i32Add, op.set(rowEnd)),
    op.block,
    op.loop,
    seq(op.get(state), op.i32(16), op.i32Add, op.get(rowEnd), op.i32GtS, op.brIf(1)),
    seq(op.get(state), op.v128Load(0), op.set(v)),
    seq(op.get(pp), yVector, storeVector),
    seq(op.get(out), op.get(cI), op.v128Load(0), op.get(v), op.f64x2Sub, op.v128Store(0)),
    advance(2),
    op.br(0),
    op.end,
    op.end,
    seq(op.get(state), op.get(rowEnd), op.i32LtS, op.if),
    seq(op.get(state), op.f64Load(0), op.set(sv)),
    seq(op.get(pp), yScalar, storeScalar),
    seq(op.get(out), op.get(cI), op.f64Load(0), op.get(sv), op.f64Sub, op.f64Store(0)),
    advance(1),
    op.end,
    seq(op.get(pRow), op.get(rowBytes), op.i32Add, op.set(pRow)),
    seq(op.get(i), op.i32(1), op.i32Sub, op.tee(i), op.brIf(0)),
    op.end,
    seq(op.get(pCh), op.get(planeBytes), op.i32Add, op.set(pCh)),
    seq(op.get(c), op.i32(1), op.i32Sub, op.tee(c), op.brIf(0)),
    op.end,
  );
  return {
    name: "output",
    params: 9,
    extraParams: [F64, F64],
    locals: [
      [6, I32],
      [5, V128],
      [1, F64],
    ],
    body,
  };
}

/** addSums(out, sums, n): out[m] += sums[m], sums float32. */
function addSumsFunction(): WasmFunction {
  const [out, sums, n, end] = [0, 1, 2, 3];
  const body = pairLoop(
    [
      { local: out, scale: 1 },
      { local: sums, scale: 0.5 },
    ],
    n,
    end,
    seq(
      op.get(out),
      op.get(out),
      op.v128Load(0),
      op.get(sums),
      op.v128Load64Zero(0),
      op.f64x2PromoteLowF32x4,
      op.f64x2Add,
      op.v128Store(0),
    ),
    seq(
      op.get(out),
      op.get(out),
      op.f64Load(0),
      op.get(sums),
      op.f32Load(0),
      op.f64PromoteF32,
      op.f64Add,
      op.f64Store(0),
    ),
  );
  return { name: "addSums", params: 3, locals: [[1, I32]], body };
}

/** axpy(out, y, k, n; c): out[m] = y[m] + c·k[m]. */
function axpyFunction(): WasmFunction {
  const [out, y, k, n, c, end, vc] = [0, 1, 2, 3, 4, 5, 6];
  const loop = pairLoop(
    [
      { local: out, scale: 1 },
      { local: y, scale: 1 },
      { local: k, scale: 1 },
    ],
    n,
    end,
    seq(
      op.get(out),
      op.get(y),
      op.v128Load(0),
      op.get(vc),
      op.get(k),
      op.v128Load(0),
      op.f64x2Mul,
      op.f64x2Add,
      op.v128Store(0),
    ),
    seq(
      op.get(out),
      op.get(y),
      op.f64Load(0),
      op.get(c),
      op.get(k),
      op.f64Load(0),
      op.f64Mul,
      op.f64Add,
      op.f64Store(0),
    ),
  );
  return {
    name: "axpy",
    params: 4,
    extraParams: [F64],
    locals: [
      [1, I32],
      [1, V128],
    ],
    body: seq(op.get(c), op.f64x2Splat, op.set(vc), loop),
  };
}

/** nonFinite(y, n, at): the two lanes of Σ (v − v) over y stored at `at` (16 bytes). */
function nonFiniteFunction(): WasmFunction {
  const [y, n, at, end, acc, v] = [0, 1, 2, 3, 4, 5];
  const loop = pairLoop(
    [{ local: y, scale: 1 }],
    n,
    end,
    seq(
      op.get(y),
      op.v128Load(0),
      op.set(v),
      op.get(acc),
      op.get(v),
      op.get(v),
      op.f64x2Sub,
      op.f64x2Add,
      op.set(acc),
    ),
    seq(
      op.get(y),
      op.v128Load64Splat(0),
      op.set(v),
      op.get(acc),
      op.get(v),
      op.get(v),
      op.f64x2Sub,
      op.f64x2Add,
      op.set(acc),
    ),
  );
  return {
    name: "nonFinite",
    params: 3,
    locals: [
      [1, I32],
      [2, V128],
    ],
    body: seq(loop, op.get(at), op.get(acc), op.v128Store(0)),
  };
}

/** The element-wise step functions for a module whose padded field has `padded`'s lane type. */
export function cellStepFunctions(padded: SimdLanes): WasmFunction[] {
  return [outputFunction(padded), addSumsFunction(), axpyFunction(), nonFiniteFunction()];
}

/** The step functions of one instance (cellStepFunctions; byte addresses in its memory). */
export interface CellStepSimd {
  readonly output: (
    state: number,
    cI: number,
    out: number,
    padded: number,
    planeBytes: number,
    rowBytes: number,
    channels: number,
    rows: number,
    cols: number,
    alpha: number,
    beta: number,
  ) => void;
  readonly addSums: (out: number, sums: number, n: number) => void;
  readonly axpy: (out: number, y: number, k: number, n: number, c: number) => void;
  readonly nonFinite: (y: number, n: number, at: number) => void;
  /** The smooth-v1 memristor pass (memristorSimd.ts), in the same module. */
  readonly smoothV1: SmoothV1Simd;
  /** The pass with each cell's device its own parameters (memristorSimd.ts). */
  readonly smoothV1Devices: SmoothV1DevicesSimd;
}
