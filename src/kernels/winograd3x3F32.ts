import { ValidationError } from "../core/errors.js";
import { I32, op, V128, type WasmFunction } from "../core/wasmBinary.js";
import { seq } from "./cellStepSimd.js";
import {
  add,
  addTo,
  assign,
  bytes,
  type Code,
  countdown,
  EVEN,
  g,
  groupsThenRest,
  INTERLEAVE_HIGH,
  INTERLEAVE_LOW,
  ODD,
  sub,
  tileLoops,
  times,
} from "./wasmCode.js";
import { winograd4Filter, winograd4Functions } from "./winograd4x4F32.js";

/**
 * The multi-channel 3×3 correlation by Winograd's minimal filtering, F(2×2, 3×3) (Lavin & Gray,
 * "Fast Algorithms for Convolutional Neural Networks", CVPR 2016), in WebAssembly SIMD float32:
 * for a C_out×C_in template A on a field of even rows × cols (padded by one cell),
 *
 *   sums[o] = Σ_c A[o][c] ⋆ padded[c]
 *
 * computed per 2×2 block of outputs (a tile) from the 4×4 patch d of padded inputs under it:
 *
 *   U = G·g·Gᵀ (per template pair, once per solve),  V = Bᵀ·d·B (per channel and tile),
 *   M_ξ = Σ_c U_ξ[o][c]·V_ξ[c][t] for each of the 16 positions ξ (16 matrix products),
 *   Y = Aᵀ·M·A (the 2×2 outputs),
 *
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
 *   Aᵀ = [1 1 1 0; 0 1 −1 −1].
 *
 * That is 16 multiplies per tile and template pair instead of the direct form's 36 (2.25× fewer);
 * the transforms are additions only, O(C) per tile against the products' O(C²). It is exact in
 * real arithmetic; in float32 its rounding differs from the direct sums (test/kernels/
 * winograd3x3F32.test.ts measures both against float64).
 *
 * Fields whose rows and cols are multiples of 4 take F(4×4, 3×3) instead (winograd4x4F32.ts:
 * its own input and output transforms, this GEMM over 36 positions; winogradTiling decides,
 * CELLSPICE_WINOGRAD_TILE=2 keeps F(2×2)). The GEMM's products may be fused multiply-adds
 * (src/core/fusedMultiplyAdd.ts).
 *
 * Three functions, all operands in the float32 module's memory (byte addresses), the tiles of
 * each channel packed, t = p·tc + q (tc = cols/2, tr = rows/2), a row's tiles taken four at a time
 * (one vector), tc4 = tc rounded up to 4:
 *
 *   winogradInput   V[ξ][c][p·tc + q] from padded (C×(rows+2)×(cols+2)); a row's last vector
 *                   also writes up to tc4 − tc tiles past the row, into the next row (written
 *                   after it) or, after the last row, into the block's spare tiles; reads up to
 *                   2·(tc4 − tc) + 2 floats past the last padded row (callers leave that slack)
 *   winogradGemm    M[ξ][o][t] = Σ_c U[ξ][c][o]·V[ξ][c][t], 4 outputs × 8 tiles per block
 *                   (C_out a multiple of 4, any C_in; tiles8 = tr·tc + tc4 − tc rounded up to 8)
 *   winogradOutput  sums[o][2p + a][2q + b] = Y (written, not added), only the tc real tiles
 */

/** winogradInput(padded, pcB, planeB, V, xiB, cB, rowV, channels, tr, groups). */
function inputFunction(): WasmFunction {
  const [padded, pcB, planeB, V, xiB, cB, rowV, channels, tr, groups] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [c, p, q, src, dst, pSrc, pDst, row] = [10, 11, 12, 13, 14, 15, 16, 17];
  const T = 18; // t[r][k]: 16 locals, the patch after the row transform (d·B)
  const [a, b, a2, b2, d0, d1, d2, d3] = [34, 35, 36, 37, 38, 39, 40, 41];
  const t = (r: number, k: number) => T + 4 * r + k;
  const rowCode = (r: number): Code =>
    seq(
      assign(row, r === 0 ? g(src) : seq(g(src), times(pcB, r), op.i32Add)),
      assign(a, seq(g(row), op.v128Load(0))),
      assign(b, seq(g(row), op.v128Load(16))),
      assign(a2, seq(g(row), op.v128Load(8))),
      assign(b2, seq(g(row), op.v128Load(24))),
      assign(d0, seq(g(a), g(b), op.i8x16Shuffle(EVEN))),
      assign(d1, seq(g(a), g(b), op.i8x16Shuffle(ODD))),
      assign(d2, seq(g(a2), g(b2), op.i8x16Shuffle(EVEN))),
      assign(d3, seq(g(a2), g(b2), op.i8x16Shuffle(ODD))),
      assign(t(r, 0), sub(g(d0), g(d2))),
      assign(t(r, 1), add(g(d1), g(d2))),
      assign(t(r, 2), sub(g(d2), g(d1))),
      assign(t(r, 3), sub(g(d1), g(d3))),
    );
  const store = (xi: number, value: Code): Code =>
    seq(g(dst), xi === 0 ? [] : seq(times(xiB, xi), op.i32Add), value, op.v128Store(0));
  const columns: Code[] = [];
  for (let k = 0; k < 4; k++)
    columns.push(
      store(k, sub(g(t(0, k)), g(t(2, k)))),
      store(4 + k, add(g(t(1, k)), g(t(2, k)))),
      store(8 + k, sub(g(t(2, k)), g(t(1, k)))),
      store(12 + k, sub(g(t(1, k)), g(t(3, k)))),
    );
  const group = seq(
    rowCode(0),
    rowCode(1),
    rowCode(2),
    rowCode(3),
    ...columns,
    addTo(src, op.i32(32)),
    addTo(dst, op.i32(16)),
  );
  const body = tileLoops(
    { plane: c, row: p, srcPlane: padded, dstPlane: V, srcRow: pSrc, dstRow: pDst, src, dst },
    { planes: g(channels), rows: g(tr) },
    { srcPlane: g(planeB), dstPlane: g(cB), srcRow: times(pcB, 2), dstRow: g(rowV) },
    countdown(q, g(groups), group),
  );
  return {
    name: "winogradInput",
    params: 10,
    locals: [
      [8, I32],
      [24, V128],
    ],
    body,
  };
}

/**
 * winogradGemm(U, V, M, xiU, xiV, xiM, inChannels, outChannels, tiles8, positions) over
 * `positions` ξ (16 for F(2×2, 3×3), 36 for F(4×4, 3×3), winograd4x4F32.ts); `fused`: each
 * acc + w·v one relaxed_madd (src/core/fusedMultiplyAdd.ts) instead of a multiply and an add.
 */
function gemmFunction(fused: boolean): WasmFunction {
  const [U, V, M, xiU, xiV, xiM, channels, outChannels, tiles8, positions] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [xi, o, tb, c, pU, pV, pM, u, v, pMo, rowV, cU] = [
    10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
  ];
  const ACC = 22; // acc[x][y]: 8 locals, output o + x, tiles t + 4y
  const [v0, v1, w] = [30, 31, 32];
  const acc = (x: number, y: number) => ACC + 2 * x + y;
  const zero = op.f64x2Const(0);
  const product = (a: number, vy: number): Code =>
    fused ? seq(g(w), g(vy), g(a), op.f32x4RelaxedMadd) : add(g(a), seq(g(w), g(vy), op.f32x4Mul));
  const inner = seq(
    assign(v0, seq(g(v), op.v128Load(0))),
    assign(v1, seq(g(v), op.v128Load(16))),
    ...[0, 1, 2, 3].map((x) =>
      seq(
        assign(w, seq(g(u), op.v128Load32Splat(4 * x))),
        assign(acc(x, 0), product(acc(x, 0), v0)),
        assign(acc(x, 1), product(acc(x, 1), v1)),
      ),
    ),
    addTo(u, g(cU)),
    addTo(v, g(rowV)),
  );
  const storeBlock = [0, 1, 2, 3].flatMap((x) => [
    seq(g(pM), x === 0 ? [] : seq(times(rowV, x), op.i32Add), g(acc(x, 0)), op.v128Store(0)),
    seq(g(pM), x === 0 ? [] : seq(times(rowV, x), op.i32Add), g(acc(x, 1)), op.v128Store(16)),
  ]);
  const block = seq(
    ...[0, 1, 2, 3].flatMap((x) => [assign(acc(x, 0), zero), assign(acc(x, 1), zero)]),
    assign(u, g(pU)),
    assign(v, g(pV)),
    countdown(c, g(channels), inner),
    ...storeBlock,
    addTo(pV, op.i32(32)),
    addTo(pM, op.i32(32)),
  );
  const body = seq(
    assign(rowV, times(tiles8, 4)),
    assign(cU, times(outChannels, 4)),
    countdown(
      xi,
      g(positions),
      seq(
        assign(pU, g(U)),
        assign(pMo, g(M)),
        countdown(
          o,
          seq(g(outChannels), op.i32(2), op.i32ShrU),
          seq(
            assign(pV, g(V)),
            assign(pM, g(pMo)),
            countdown(tb, seq(g(tiles8), op.i32(3), op.i32ShrU), block),
            addTo(pU, op.i32(16)),
            addTo(pMo, times(rowV, 4)),
          ),
        ),
        addTo(U, g(xiU)),
        addTo(V, g(xiV)),
        addTo(M, g(xiM)),
      ),
    ),
  );
  return {
    name: "winogradGemm",
    params: 10,
    locals: [
      [12, I32],
      [11, V128],
    ],
    body,
  };
}

/**
 * winogradOutput(M, sums, xiM, oM, rowM, rowB, planeB, channels, tr, full, rest), or with `add`
 * winogradOutputAdd (same parameters; sums, rowB and planeB then address a float64 field): each
 * output's float32 Y widened exactly and added to the float64 value there, out + float64(Y), the
 * operations of writing the sums and then cellStepSimd's addSums, without the float32 round trip.
 */
function outputFunction(add64 = false): WasmFunction {
  const [M, sums, xiM, oM, rowM, rowB, planeB, channels, tr, full, rest] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ];
  const [o, p, q, src, dst, pSrc, pDst] = [11, 12, 13, 14, 15, 16, 17];
  const MV = 18; // m[ξ]: 16 locals
  const S = 34; // s[i][b]: 8 locals
  const Y = 42; // y[a][b]: 4 locals
  const [lo0, hi0, lo1, hi1] = [46, 47, 48, 49];
  const m = (i: number, j: number) => MV + 4 * i + j;
  const s = (i: number, b: number) => S + 2 * i + b;
  const y = (a: number, b: number) => Y + 2 * a + b;
  const compute = seq(
    ...Array.from({ length: 16 }, (_, xi) =>
      assign(MV + xi, seq(g(src), xi === 0 ? [] : seq(times(xiM, xi), op.i32Add), op.v128Load(0))),
    ),
    ...[0, 1, 2, 3].flatMap((i) => [
      assign(s(i, 0), add(add(g(m(i, 0)), g(m(i, 1))), g(m(i, 2)))),
      assign(s(i, 1), sub(sub(g(m(i, 1)), g(m(i, 2))), g(m(i, 3)))),
    ]),
    ...[0, 1].flatMap((b) => [
      assign(y(0, b), add(add(g(s(0, b)), g(s(1, b))), g(s(2, b)))),
      assign(y(1, b), sub(sub(g(s(1, b)), g(s(2, b))), g(s(3, b)))),
    ]),
    assign(lo0, seq(g(y(0, 0)), g(y(0, 1)), op.i8x16Shuffle(INTERLEAVE_LOW))),
    assign(hi0, seq(g(y(0, 0)), g(y(0, 1)), op.i8x16Shuffle(INTERLEAVE_HIGH))),
    assign(lo1, seq(g(y(1, 0)), g(y(1, 1)), op.i8x16Shuffle(INTERLEAVE_LOW))),
    assign(hi1, seq(g(y(1, 0)), g(y(1, 1)), op.i8x16Shuffle(INTERLEAVE_HIGH))),
  );
  const rowAt = (a: number): Code => (a === 0 ? g(dst) : seq(g(dst), g(rowB), op.i32Add));
  // float32 lanes 2, 3 of a vector moved to lanes 0, 1 (for the widening of the upper pair)
  const upper = (v: number): Code => seq(g(v), g(v), op.i8x16Shuffle(bytes(2, 3, 2, 3)));
  /** One output pair (f32 lanes 2k, 2k + 1 of v) at the pair's float32 byte offset `at`. */
  const pair = (a: number, v: number, k: 0 | 1, at: number): Code =>
    add64
      ? seq(
          rowAt(a),
          rowAt(a),
          op.v128Load(2 * at),
          k === 0 ? g(v) : upper(v),
          op.f64x2PromoteLowF32x4,
          op.f64x2Add,
          op.v128Store(2 * at),
        )
      : seq(rowAt(a), g(v), op.v128Store64Lane(at, k));
  const quad = (a: number, v: number, at: number): Code =>
    add64 ? seq(pair(a, v, 0, at), pair(a, v, 1, at + 8)) : seq(rowAt(a), g(v), op.v128Store(at));
  const storeFull = seq(quad(0, lo0, 0), quad(0, hi0, 16), quad(1, lo1, 0), quad(1, hi1, 16));
  // The last group's real tiles only (1–3): each tile is one pair per output row.
  const storeRest = seq(
    pair(0, lo0, 0, 0),
    pair(1, lo1, 0, 0),
    seq(g(rest), op.i32(2), op.i32GeS, op.if),
    pair(0, lo0, 1, 8),
    pair(1, lo1, 1, 8),
    op.end,
    seq(g(rest), op.i32(3), op.i32GeS, op.if),
    pair(0, hi0, 0, 16),
    pair(1, hi1, 0, 16),
    op.end,
  );
  const body = tileLoops(
    { plane: o, row: p, srcPlane: M, dstPlane: sums, srcRow: pSrc, dstRow: pDst, src, dst },
    { planes: g(channels), rows: g(tr) },
    { srcPlane: g(oM), dstPlane: g(planeB), srcRow: g(rowM), dstRow: times(rowB, 2) },
    groupsThenRest({ q, full, rest, src, dst }, compute, storeFull, storeRest, 16, add64 ? 64 : 32),
  );
  return {
    name: add64 ? "winogradOutputAdd" : "winogradOutput",
    params: 11,
    locals: [
      [7, I32],
      [32, V128],
    ],
    body,
  };
}

/**
 * The functions, for the float32 module: F(2×2, 3×3)'s three, the shared GEMM, and F(4×4, 3×3)'s
 * transforms; `fused`: the GEMM's products in fused multiply-add.
 */
export function winogradFunctions(fused = false): WasmFunction[] {
  return [
    inputFunction(),
    gemmFunction(fused),
    outputFunction(),
    outputFunction(true),
    ...winograd4Functions(),
  ];
}

/** The functions of one float32 instance (byte addresses in its memory). */
export interface WinogradSimd {
  readonly input: (
    padded: number,
    pcB: number,
    planeB: number,
    V: number,
    xiB: number,
    cB: number,
    rowV: number,
    channels: number,
    tr: number,
    groups: number,
  ) => void;
  readonly gemm: (
    U: number,
    V: number,
    M: number,
    xiU: number,
    xiV: number,
    xiM: number,
    inChannels: number,
    outChannels: number,
    tiles8: number,
    positions: number,
  ) => void;
  /**
   * F(4×4, 3×3)'s transforms (winograd4x4F32.ts), with the F(2×2) ones' parameters, the output
   * ones with lastCols and lastRows after them (a cropped field's last tile column and row).
   */
  readonly input4: WinogradSimd["input"];
  readonly output4: WinogradOutput4;
  readonly outputAdd4: WinogradOutput4;
  /** winogradOutputAdd has output's parameters (sums then a float64 field, strides in its bytes). */
  readonly outputAdd: WinogradSimd["output"];
  readonly output: (
    M: number,
    sums: number,
    xiM: number,
    oM: number,
    rowM: number,
    rowB: number,
    planeB: number,
    channels: number,
    tr: number,
    full: number,
    rest: number,
  ) => void;
}

/** winograd4Output's and winograd4OutputAdd's parameters (output's, then lastCols, lastRows). */
export type WinogradOutput4 = (
  ...args: [...Parameters<WinogradSimd["output"]>, lastCols: number, lastRows: number]
) => void;

/**
 * The tiling of a rows × cols field (both even): m × m output tiles, m = 4 (F(4×4, 3×3)) where
 * 4 is allowed and its products come to fewer, on whole tiles cropped to the field where rows
 * or cols ≡ 2 mod 4 (14 × 14 as 16 × 16), else m = 2.
 */
export interface WinogradTiling {
  /** The output tile's side, 2 or 4. */
  readonly m: 2 | 4;
  /** The positions ξ per tile: (m + 2)², 16 or 36 (U's, V's and M's first dimension). */
  readonly positions: 16 | 36;
  readonly tr: number;
  readonly tc: number;
  /** tc rounded up to 4: the tiles a row's vectors cover. */
  readonly tc4: number;
  /** tr·tc (the tiles) + tc4 − tc (the last row's spill), rounded up to 8: V's and M's tiles. */
  readonly tiles8: number;
  /**
   * The outputs kept of the last tile column and of the last tile row: m, or 2 where F(4×4)
   * covers a field of cols (rows) ≡ 2 mod 4 with whole tiles and crops them.
   */
  readonly lastCols: 2 | 4;
  readonly lastRows: 2 | 4;
}

/**
 * The largest Winograd tile by CELLSPICE_WINOGRAD_TILE: 4 (unset or "4": F(4×4, 3×3) where the
 * field allows it) or 2 (F(2×2, 3×3) everywhere, as before 2026-12-08: to reproduce earlier
 * rows, or for F(2×2)'s smaller rounding). Anything else names the variable and what is valid.
 */
export function winogradLargestTile(value = process.env.CELLSPICE_WINOGRAD_TILE): 2 | 4 {
  if (value === undefined || value === "" || value === "4") return 4;
  if (value === "2") return 2;
  throw new ValidationError("CELLSPICE_WINOGRAD_TILE", `is "${value}"`, "4 | 2");
}

/**
 * `largest`: the largest tile to use (4 by default; 2 keeps F(2×2, 3×3) everywhere, what every
 * result before 2026-12-08 ran).
 */
export function winogradTiling(
  rows: number,
  cols: number,
  largest: 2 | 4 = winogradLargestTile(),
): WinogradTiling {
  // F(4×4) on whole tiles, cropped where rows or cols ≡ 2 mod 4, where its 36 products per tile
  // come to less than 0.9 of F(2×2)'s 16 per 2×2 block (14 × 14: 576 against 784; not 6 × 6).
  const [tr4, tc4x] = [Math.ceil(rows / 4), Math.ceil(cols / 4)];
  const even = rows % 2 === 0 && cols % 2 === 0;
  const m =
    largest === 4 && even && 36 * tr4 * tc4x <= (rows % 4 || cols % 4 ? 0.9 : 1) * 4 * rows * cols
      ? 4
      : 2;
  const tr = m === 4 ? tr4 : rows / 2;
  const tc = m === 4 ? tc4x : cols / 2;
  const tc4 = 4 * Math.ceil(tc / 4);
  return {
    m,
    positions: m === 4 ? 36 : 16,
    tr,
    tc,
    tc4,
    tiles8: 8 * Math.ceil((tr * tc + tc4 - tc) / 8),
    lastCols: m === 4 && cols % 4 === 2 ? 2 : m,
    lastRows: m === 4 && rows % 4 === 2 ? 2 : m,
  };
}

/** Whether a 3×3 correlation into `outChannels` planes of rows × cols can take this path. */
export function winogradApplies(outChannels: number, rows: number, cols: number): boolean {
  return (
    outChannels > 0 &&
    outChannels % 4 === 0 &&
    rows % 2 === 0 &&
    cols % 2 === 0 &&
    rows > 0 &&
    cols > 0
  );
}

/**
 * Floats the input transform may read past the padded field's end (the callers' slack), for
 * either tile size: a row's last vector of four tiles reads m·(tc4 − tc) + 2 floats past it.
 */
export function winogradInputOverrun(cols: number): number {
  const two = winogradTiling(2, cols, 2);
  // F(4×4)'s last tile row reads up to two rows past a cropped field, its last vector of tiles
  // up to 4·tc4 + 3 columns into the row: 4·tc4 + 4 floats past the last padded row's end.
  const tc4 = 4 * Math.ceil(Math.ceil(cols / 4) / 4);
  return Math.max(2 * (two.tc4 - two.tc) + 2, 4 * tc4 + 4);
}

/**
 * U[ξ][c][o] = (G·g·Gᵀ)_ξ for g = A[o][c] (C_out×C_in×3×3, row-major), computed in float64 and
 * rounded once to float32: positions·C_in·C_out values, for the tiling's m (F(2×2): 16 positions;
 * F(4×4): 36, winograd4Filter).
 */
export function winogradFilter(
  A: ArrayLike<number>,
  outChannels: number,
  inChannels: number,
  into: Float32Array,
  m: 2 | 4 = 2,
): void {
  if (m === 4) {
    winograd4Filter(A, outChannels, inChannels, into);
    return;
  }
  const gg = new Float64Array(12);
  for (let o = 0; o < outChannels; o++)
    for (let c = 0; c < inChannels; c++) {
      const k = 9 * (o * inChannels + c);
      // G·g: 4×3
      for (let l = 0; l < 3; l++) {
        const [g0, g1, g2] = [A[k + l], A[k + 3 + l], A[k + 6 + l]];
        gg[l] = g0;
        gg[3 + l] = 0.5 * (g0 + g1 + g2);
        gg[6 + l] = 0.5 * (g0 - g1 + g2);
        gg[9 + l] = g2;
      }
      // (G·g)·Gᵀ: 4×4
      for (let i = 0; i < 4; i++) {
        const [h0, h1, h2] = [gg[3 * i], gg[3 * i + 1], gg[3 * i + 2]];
        const row = [h0, 0.5 * (h0 + h1 + h2), 0.5 * (h0 - h1 + h2), h2];
        for (let j = 0; j < 4; j++)
          into[(4 * i + j) * inChannels * outChannels + c * outChannels + o] = row[j];
      }
    }
}

/** The working set of one field's correlation, views of the float32 module's memory. */
export interface WinogradOperands {
  /** winogradFilter's U for the tiling's m: positions·C_in·C_out. */
  readonly U: Float32Array;
  /** At least positions·C_in·tiles8 and positions·C_out·tiles8. */
  readonly V: Float32Array;
  readonly M: Float32Array;
}

/**
 * sums = Σ_c A[o][c] ⋆ padded[c] (overwritten; C_out planes of rows × cols) by the three
 * functions; `padded` is C_in planes of (rows + 2)×(cols + 2) float32 with
 * winogradInputOverrun(cols) floats of slack after it, U is winogradFilter's for A.
 */
export function correlate3x3Winograd(
  simd: WinogradSimd,
  outChannels: number,
  inChannels: number,
  operands: WinogradOperands,
  padded: Float32Array,
  rows: number,
  cols: number,
  sums: Float32Array,
  tiling: WinogradTiling = winogradTiling(rows, cols),
): void {
  winograd(simd, outChannels, inChannels, operands, padded, rows, cols, sums, tiling);
}

/**
 * out += float64(Σ_c A[o][c] ⋆ padded[c]): correlate3x3Winograd's sums widened and added to a
 * float64 field in the same memory (C_out planes of rows × cols) by the output transform itself,
 * the same bits as writing the sums and adding them (test/kernels/winograd3x3F32.test.ts).
 */
export function correlateAdd3x3Winograd(
  simd: WinogradSimd,
  outChannels: number,
  inChannels: number,
  operands: WinogradOperands,
  padded: Float32Array,
  rows: number,
  cols: number,
  out: Float64Array,
  tiling: WinogradTiling = winogradTiling(rows, cols),
): void {
  winograd(simd, outChannels, inChannels, operands, padded, rows, cols, out, tiling);
}

function winograd(
  simd: WinogradSimd,
  outChannels: number,
  inChannels: number,
  operands: WinogradOperands,
  padded: Float32Array,
  rows: number,
  cols: number,
  target: Float32Array | Float64Array,
  tiling: WinogradTiling,
): void {
  const { m, positions, tr, tc, tc4, tiles8, lastRows, lastCols } = tiling;
  if (tr * m - (m - lastRows) !== rows || tc * m - (m - lastCols) !== cols)
    throw new Error(`a ${m}×${m} Winograd tiling does not fit a ${rows}×${cols} field`);
  const pc = cols + 2;
  const { U, V, M } = operands;
  const xiV = 4 * inChannels * tiles8;
  const xiM = 4 * outChannels * tiles8;
  (m === 4 ? simd.input4 : simd.input)(
    padded.byteOffset,
    4 * pc,
    4 * pc * (rows + 2),
    V.byteOffset,
    xiV,
    4 * tiles8,
    4 * tc,
    inChannels,
    tr,
    tc4 / 4,
  );
  simd.gemm(
    U.byteOffset,
    V.byteOffset,
    M.byteOffset,
    4 * inChannels * outChannels,
    xiV,
    xiM,
    inChannels,
    outChannels,
    tiles8,
    positions,
  );
  const eb = target.BYTES_PER_ELEMENT;
  const output =
    m === 4 ? (eb === 8 ? simd.outputAdd4 : simd.output4) : eb === 8 ? simd.outputAdd : simd.output;
  // A cropped last tile column is stored by the rest group: a whole last group becomes rest 4.
  const restTiles = lastCols < m && tc % 4 === 0 ? 4 : tc % 4;
  output(
    M.byteOffset,
    target.byteOffset,
    xiM,
    4 * tiles8,
    4 * tc,
    eb * cols,
    eb * rows * cols,
    outChannels,
    tr,
    (tc - restTiles) / 4,
    restTiles,
    lastCols,
    lastRows,
  );
}
