import {
  compileModule,
  F64,
  I32,
  op,
  V128,
  type WasmFunction,
  wasmModule,
} from "../core/wasmBinary.js";
import { seq } from "./cellStepSimd.js";
import { addTo, assign, type Code, countdown, g, times } from "./wasmCode.js";

/**
 * The 2×2, stride-2 transposed convolution (the UNet's upsampling) in WebAssembly SIMD, f64x2:
 *
 *   y[o][2i + a][2j + d] = bias[o] + Σ_c x[c][i][j] · W[o][c][2a + d]
 *
 * for one batch element: x is C_in planes of h × w, y C_out planes of 2h × 2w, W packed
 * C_out × C_in × 4 (convTranspose2d's C_in × C_out × 2 × 2 reordered so that one output's weights
 * are read in order). Two neighbouring pixels share a vector; a block is two such pairs (four
 * pixels, eight accumulators: two x loads and four weight splats per eight multiplies and eight
 * adds), then one pair, then a lone last pixel in scalar f64. The two columns d of a row a
 * leave as [d0(j), d1(j)] and [d0(j + 1), d1(j + 1)] by one shuffle each.
 *
 * Every output starts at its bias and adds the channels in ascending order, a multiply then an
 * add (WebAssembly has no fused multiply-add), as the plain loops of convTranspose2dReference.ts:
 * the same bits (test/nn/fastPaths.test.ts).
 *
 *   convT2(x, W, bias, y, cIn, cOut, h, w, planeBytes)   byte addresses; planeBytes = 8·h·w
 *
 * and, for any other k (up0's H/4 × H/4 from a 1×1 map), rows4 below.
 */
/** f64 lane 0 of a and of b, and lane 1 of a and of b (i8x16 shuffles). */
const LOW = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

function convT2Function(): WasmFunction {
  const [x, W, bias, y, cIn, cOut, h, w, planeBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [o, i, j, c, px, pw, wO, row0, rowBytes, xRow] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const ACC = 19; // acc[r][p]: 8 v128 locals, weight r = 2a + d, pair p
  const [x0, x1, s, b] = [27, 28, 29, 30];
  const SACC = 31; // 4 f64 accumulators of the lone pixel
  const acc = (r: number, p: number) => ACC + 2 * r + p;
  const pairBlock = (pairs: 1 | 2): Code =>
    seq(
      ...Array.from({ length: 4 }, (_, r) =>
        seq(...Array.from({ length: pairs }, (_, p) => assign(acc(r, p), g(b)))),
      ),
      assign(px, seq(g(xRow), times(j, 8), op.i32Add)),
      assign(pw, g(wO)),
      countdown(
        c,
        g(cIn),
        seq(
          assign(x0, seq(g(px), op.v128Load(0))),
          pairs === 2 ? assign(x1, seq(g(px), op.v128Load(16))) : [],
          ...Array.from({ length: 4 }, (_, r) =>
            seq(
              assign(s, seq(g(pw), op.v128Load64Splat(8 * r))),
              ...Array.from({ length: pairs }, (_, p) =>
                assign(
                  acc(r, p),
                  seq(g(acc(r, p)), g(s), g(p === 0 ? x0 : x1), op.f64x2Mul, op.f64x2Add),
                ),
              ),
            ),
          ),
          addTo(px, g(planeBytes)),
          addTo(pw, op.i32(32)),
        ),
      ),
      // row a = 0 at row0, a = 1 one output row below; pair p's four columns from 4(j + 2p)·…
      ...[0, 1].flatMap((a) =>
        Array.from({ length: pairs }, (_, p) => {
          const at = seq(
            g(row0),
            a === 0 ? [] : seq(g(rowBytes), op.i32Add),
            times(j, 16),
            op.i32Add,
          );
          return seq(
            at,
            g(acc(2 * a, p)),
            g(acc(2 * a + 1, p)),
            op.i8x16Shuffle(LOW),
            op.v128Store(32 * p),
            at,
            g(acc(2 * a, p)),
            g(acc(2 * a + 1, p)),
            op.i8x16Shuffle(HIGH),
            op.v128Store(32 * p + 16),
          );
        }),
      ),
    );
  const bScalar = seq(g(bias), times(o, 8), op.i32Add, op.f64Load(0));
  const lonePixel = seq(
    ...Array.from({ length: 4 }, (_, r) => assign(SACC + r, bScalar)),
    assign(px, seq(g(xRow), times(j, 8), op.i32Add)),
    assign(pw, g(wO)),
    countdown(
      c,
      g(cIn),
      seq(
        ...Array.from({ length: 4 }, (_, r) =>
          assign(
            SACC + r,
            seq(g(SACC + r), g(px), op.f64Load(0), g(pw), op.f64Load(8 * r), op.f64Mul, op.f64Add),
          ),
        ),
        addTo(px, g(planeBytes)),
        addTo(pw, op.i32(32)),
      ),
    ),
    ...[0, 1].flatMap((a) =>
      [0, 1].map((d) =>
        seq(
          g(row0),
          a === 0 ? [] : seq(g(rowBytes), op.i32Add),
          times(j, 16),
          op.i32Add,
          g(SACC + 2 * a + d),
          op.f64Store(8 * d),
        ),
      ),
    ),
  );
  const rowCode = seq(
    assign(j, op.i32(0)),
    op.block,
    op.loop,
    seq(g(j), op.i32(4), op.i32Add, g(w), op.i32GtS, op.brIf(1)),
    pairBlock(2),
    addTo(j, op.i32(4)),
    op.br(0),
    op.end,
    op.end,
    seq(g(j), op.i32(2), op.i32Add, g(w), op.i32GtS, op.i32(1), op.i32Xor, op.if),
    pairBlock(1),
    addTo(j, op.i32(2)),
    op.end,
    seq(g(j), g(w), op.i32LtS, op.if),
    lonePixel,
    op.end,
  );
  const body = seq(
    assign(rowBytes, times(w, 16)),
    assign(wO, g(W)),
    assign(o, op.i32(0)),
    op.loop,
    seq(g(bias), times(o, 8), op.i32Add, op.v128Load64Splat(0), op.set(b)),
    // y's plane of o: 4·planeBytes per output channel
    assign(row0, seq(g(y), g(o), g(planeBytes), op.i32Mul, op.i32(4), op.i32Mul, op.i32Add)),
    assign(xRow, g(x)),
    countdown(i, g(h), seq(rowCode, addTo(row0, times(rowBytes, 2)), addTo(xRow, times(w, 8)))),
    addTo(wO, times(cIn, 32)),
    seq(g(o), op.i32(1), op.i32Add, op.tee(o), g(cOut), op.i32LtS, op.brIf(0)),
    op.end,
  );
  return {
    name: "convT2",
    params: 9,
    locals: [
      [10, I32],
      [12, V128],
      [4, F64],
    ],
    body,
  };
}

/**
 * rows4(xs, W, start, t, cIn, M): four GEMM rows of convTranspose2d's general-k path,
 * t[i·M + m] = start[m] + Σ_c xs[4c + i] · W[c·M + m] for i < 4, m < M: two m per vector (W's
 * row is contiguous), the four rows' x splatted, channels ascending; an odd last m in scalar f64.
 */
function rows4Function(): WasmFunction {
  const [xs, W, start, t, cIn, M] = [0, 1, 2, 3, 4, 5];
  const [m, c, px, pw, rowBytes] = [6, 7, 8, 9, 10];
  const ACC = 11; // 4 v128 accumulators, rows i
  const [wv, xv] = [15, 16];
  const SACC = 17; // 4 f64
  const tAt = (i: number) => seq(g(t), i === 0 ? [] : times(rowBytes, i), i === 0 ? [] : op.i32Add);
  const mBytes = (k: number) => seq(g(m), op.i32(k), op.i32Mul);
  const pair = seq(
    ...[0, 1, 2, 3].map((i) =>
      assign(ACC + i, seq(g(start), mBytes(8), op.i32Add, op.v128Load(0))),
    ),
    assign(px, g(xs)),
    assign(pw, seq(g(W), mBytes(8), op.i32Add)),
    countdown(
      c,
      g(cIn),
      seq(
        assign(wv, seq(g(pw), op.v128Load(0))),
        ...[0, 1, 2, 3].map((i) =>
          seq(
            assign(xv, seq(g(px), op.v128Load64Splat(8 * i))),
            assign(ACC + i, seq(g(ACC + i), g(xv), g(wv), op.f64x2Mul, op.f64x2Add)),
          ),
        ),
        addTo(px, op.i32(32)),
        addTo(pw, g(rowBytes)),
      ),
    ),
    ...[0, 1, 2, 3].map((i) => seq(tAt(i), mBytes(8), op.i32Add, g(ACC + i), op.v128Store(0))),
  );
  const lone = seq(
    ...[0, 1, 2, 3].map((i) =>
      assign(SACC + i, seq(g(start), mBytes(8), op.i32Add, op.f64Load(0))),
    ),
    assign(px, g(xs)),
    assign(pw, seq(g(W), mBytes(8), op.i32Add)),
    countdown(
      c,
      g(cIn),
      seq(
        ...[0, 1, 2, 3].map((i) =>
          assign(
            SACC + i,
            seq(g(SACC + i), g(px), op.f64Load(8 * i), g(pw), op.f64Load(0), op.f64Mul, op.f64Add),
          ),
        ),
        addTo(px, op.i32(32)),
        addTo(pw, g(rowBytes)),
      ),
    ),
    ...[0, 1, 2, 3].map((i) => seq(tAt(i), mBytes(8), op.i32Add, g(SACC + i), op.f64Store(0))),
  );
  const body = seq(
    assign(rowBytes, times(M, 8)),
    assign(m, op.i32(0)),
    op.block,
    op.loop,
    seq(g(m), op.i32(2), op.i32Add, g(M), op.i32GtS, op.brIf(1)),
    pair,
    addTo(m, op.i32(2)),
    op.br(0),
    op.end,
    op.end,
    seq(g(m), g(M), op.i32LtS, op.if),
    lone,
    op.end,
  );
  return {
    name: "rows4",
    params: 6,
    locals: [
      [5, I32],
      [6, V128],
      [4, F64],
    ],
    body,
  };
}

/** One instance of the kernels: its memory and the functions (byte addresses in that memory). */
export interface ConvTranspose2Simd {
  readonly memory: WebAssembly.Memory;
  readonly convT2: (
    x: number,
    W: number,
    bias: number,
    y: number,
    cIn: number,
    cOut: number,
    h: number,
    w: number,
    planeBytes: number,
  ) => void;
  readonly rows4: (xs: number, W: number, start: number, t: number, cIn: number, M: number) => void;
}

let compiled: WebAssembly.Module | null | undefined;
let shared: ConvTranspose2Simd | null | undefined;

/** The module's bytes (exported for the tests' validation). */
export function convTranspose2SimdModule(): Uint8Array<ArrayBuffer> {
  return wasmModule([convT2Function(), rows4Function()], 1);
}

/** The shared instance, or null where this engine has no WebAssembly SIMD. */
export function convTranspose2Simd(): ConvTranspose2Simd | null {
  if (shared !== undefined) return shared;
  compiled ??= compileModule(convTranspose2SimdModule());
  if (compiled === null) {
    shared = null;
    return shared;
  }
  const exports = new WebAssembly.Instance(compiled).exports;
  shared = {
    memory: exports.memory as WebAssembly.Memory,
    convT2: exports.convT2 as ConvTranspose2Simd["convT2"],
    rows4: exports.rows4 as ConvTranspose2Simd["rows4"],
  };
  return shared;
}
