import { I32, op, V128, type WasmFunction } from "../core/wasmBinary.js";
import { seq } from "./cellStepSimd.js";
import {
  add,
  addTo,
  assign,
  bytes,
  type Code,
  countdown,
  f32x4Const,
  g,
  groupsThenRest,
  INTERLEAVE_HIGH,
  INTERLEAVE_LOW,
  mul,
  sub,
  tileLoops,
  times,
} from "./wasmCode.js";

/**
 * Winograd's F(4×4, 3×3) (Lavin & Gray, CVPR 2016) in WebAssembly SIMD float32: the same
 * correlation as winograd3x3F32.ts's F(2×2, 3×3), per 4×4 block of outputs from the 6×6 patch d
 * under it, for fields whose rows and columns are multiples of 4:
 *
 *   U = G·g·Gᵀ (6×6),  V = Bᵀ·d·B (6×6),  M_ξ = Σ_c U_ξ[o][c]·V_ξ[c][t] (36 products),  Y = Aᵀ·M·A
 *
 *   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
 *   G  = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]
 *   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
 *
 * 36 multiplies per 16 outputs and template pair (2.25 per output) against F(2×2)'s 16 per 4
 * (4 per output) and the direct form's 9: 1.78× fewer than F(2×2) in the products, which dominate
 * at 16 channels and more. Its transforms have larger coefficients (up to 8 and 1/24), so its
 * float32 rounding is larger than F(2×2)'s (test/kernels/winograd3x3F32.test.ts bounds both).
 * The products are winograd3x3F32.ts's GEMM with 36 positions.
 *
 * Layout as F(2×2)'s: tiles t = p·tc + q (tc = cols/4, tr = rows/4) of each channel packed, a
 * row's tiles four at a time (one vector), tc4 = tc rounded up to 4.
 *
 *   winograd4Input   V[ξ][c][t] from padded (C×(rows+2)×(cols+2)); a row's last vector also
 *                    writes up to tc4 − tc tiles past the row (into the next row, written after
 *                    it, or the block's spare tiles); reads up to 4·(tc4 − tc) + 2 floats past
 *                    the last padded row (winogradInputOverrun)
 *   winograd4Output / winograd4OutputAdd   Y written, or widened and added to a float64 field
 */

/** 4×4 transpose of four f32x4 locals into four others (lane k of out[j] = lane j of in[k]). */
function transpose(inputs: readonly number[], t: readonly number[], out: readonly number[]): Code {
  const LOW_HALVES = bytes(0, 1, 4, 5);
  const HIGH_HALVES = bytes(2, 3, 6, 7);
  const [x0, x1, x2, x3] = inputs;
  return seq(
    assign(t[0], seq(g(x0), g(x1), op.i8x16Shuffle(INTERLEAVE_LOW))),
    assign(t[1], seq(g(x2), g(x3), op.i8x16Shuffle(INTERLEAVE_LOW))),
    assign(t[2], seq(g(x0), g(x1), op.i8x16Shuffle(INTERLEAVE_HIGH))),
    assign(t[3], seq(g(x2), g(x3), op.i8x16Shuffle(INTERLEAVE_HIGH))),
    assign(out[0], seq(g(t[0]), g(t[1]), op.i8x16Shuffle(LOW_HALVES))),
    assign(out[1], seq(g(t[0]), g(t[1]), op.i8x16Shuffle(HIGH_HALVES))),
    assign(out[2], seq(g(t[2]), g(t[3]), op.i8x16Shuffle(LOW_HALVES))),
    assign(out[3], seq(g(t[2]), g(t[3]), op.i8x16Shuffle(HIGH_HALVES))),
  );
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/**
 * One row of Bᵀ applied across six values r(0…5) (each pushed by r(k)): the same expressions as
 * inputTransform's, one output at a time, so that the operands can be loaded where they are used
 * instead of held.
 */
function inputRow(rho: number, r: (k: number) => Code): Code {
  const k = (c: number) => f32x4Const(c);
  switch (rho) {
    case 0:
      return add(sub(mul(k(4), r(0)), mul(k(5), r(2))), r(4));
    case 1:
      return add(sub(r(4), mul(k(4), r(2))), sub(r(3), mul(k(4), r(1))));
    case 2:
      return sub(sub(r(4), mul(k(4), r(2))), sub(r(3), mul(k(4), r(1))));
    case 3:
      return add(sub(r(4), r(2)), mul(k(2), sub(r(3), r(1))));
    case 4:
      return sub(sub(r(4), r(2)), mul(k(2), sub(r(3), r(1))));
    default:
      return add(sub(mul(k(4), r(1)), mul(k(5), r(3))), r(5));
  }
}

/**
 * One row of Aᵀ applied across six values m(0…5): y0 = (m0 + (m1 + m2)) + (m3 + m4),
 * y1 = (m1 − m2) + 2·(m3 − m4), y2 = (m1 + m2) + 4·(m3 + m4), y3 = ((m1 − m2) + 8·(m3 − m4)) + m5.
 */
function outputRow(a: number, m: (k: number) => Code): Code {
  const k = (c: number) => f32x4Const(c);
  switch (a) {
    case 0:
      return add(add(m(0), add(m(1), m(2))), add(m(3), m(4)));
    case 1:
      return add(sub(m(1), m(2)), mul(k(2), sub(m(3), m(4))));
    case 2:
      return add(add(m(1), m(2)), mul(k(4), add(m(3), m(4))));
    default:
      return add(add(sub(m(1), m(2)), mul(k(8), sub(m(3), m(4)))), m(5));
  }
}

/**
 * winograd4Input(padded, pcB, planeB, V, xiB, cB, rowV, channels, tr, groups): winogradInput's
 * parameters. Per vector of four tiles and row ρ of V = Bᵀ·d·B: Bᵀ's row ρ down the patch's rows
 * for each of the five vectors of four columns under the tiles (loads, no shuffles: z_i), the
 * 4×4 transpose that makes lane k tile k's columns (d0…d5), then Bᵀ across them (V[ρ][0…5],
 * stored). Each row of V needs only a dozen vectors at a time, which the registers hold.
 */
function input4Function(): WasmFunction {
  const [padded, pcB, planeB, V, xiB, cB, rowV, channels, tr, groups] = range(0, 10);
  const [c, p, q, src, dst, pSrc, pDst] = range(10, 7);
  const Z = range(17, 5); // Bᵀ's row ρ down the rows, for the five column vectors
  const T = range(22, 4); // transpose and transform temporaries
  const D = range(26, 6); // d[0…5] of row ρ, lane k = tile k
  const S = range(32, 2); // the second transpose's halves (d4, d5) before the last shuffle
  const out = range(34, 6);
  const LOW_HALVES = bytes(0, 1, 4, 5);
  const HIGH_HALVES = bytes(2, 3, 6, 7);
  // The patch's row k, column vector i (byte offset 16·i): src + k·pcB.
  const at = (k: number, i: number): Code =>
    seq(g(src), k === 0 ? [] : seq(times(pcB, k), op.i32Add), op.v128Load(16 * i));
  const store = (xi: number, value: number): Code =>
    seq(g(dst), xi === 0 ? [] : seq(times(xiB, xi), op.i32Add), g(value), op.v128Store(0));
  const rowOfV = (rho: number): Code =>
    seq(
      ...Z.map((z, i) =>
        assign(
          z,
          inputRow(rho, (k) => at(k, i)),
        ),
      ),
      // d0…d3: columns 0–3 of the four tiles (tile k's first four columns are z_k).
      transpose(Z.slice(0, 4), T, D.slice(0, 4)),
      // d4, d5: columns 4, 5 of tile k are lanes 0, 1 of z_{k+1}.
      assign(S[0], seq(g(Z[1]), g(Z[2]), op.i8x16Shuffle(INTERLEAVE_LOW))),
      assign(S[1], seq(g(Z[3]), g(Z[4]), op.i8x16Shuffle(INTERLEAVE_LOW))),
      assign(D[4], seq(g(S[0]), g(S[1]), op.i8x16Shuffle(LOW_HALVES))),
      assign(D[5], seq(g(S[0]), g(S[1]), op.i8x16Shuffle(HIGH_HALVES))),
      ...out.map((o, j) =>
        assign(
          o,
          inputRow(j, (k) => g(D[k])),
        ),
      ),
      ...out.map((o, j) => store(6 * rho + j, o)),
    );
  const group = seq(...range(0, 6).map(rowOfV), addTo(src, op.i32(64)), addTo(dst, op.i32(16)));
  const body = tileLoops(
    { plane: c, row: p, srcPlane: padded, dstPlane: V, srcRow: pSrc, dstRow: pDst, src, dst },
    { planes: g(channels), rows: g(tr) },
    { srcPlane: g(planeB), dstPlane: g(cB), srcRow: times(pcB, 4), dstRow: g(rowV) },
    countdown(q, g(groups), group),
  );
  return {
    name: "winograd4Input",
    params: 10,
    locals: [
      [7, I32],
      [40 - 17, V128],
    ],
    body,
  };
}

/**
 * winograd4Output(M, sums, xiM, oM, rowM, rowB, planeB, channels, tr, full, rest, lastCols,
 * lastRows), or with `add64` winograd4OutputAdd: winogradOutput's parameters and contract for
 * 4×4 tiles, and two more for a field cropped from whole tiles (rows or cols ≡ 2 mod 4): the
 * last tile of each tile row stores only its first `lastCols` (2 or 4) columns, the last tile row
 * only its first `lastRows` (2 or 4) rows. That last tile must be in the `rest` group (rest = 1–4
 * where lastCols is 2). Per vector of four tiles and output row a: Aᵀ's row a down M's rows for
 * each of its six columns (loads: t_j), Aᵀ across them (Y[a][0…3], lane k = tile k), and the
 * transpose that makes each vector one tile's four outputs of that row, stored.
 */
function output4Function(add64: boolean): WasmFunction {
  const [M, sums, xiM, oM, rowM, rowB, planeB, channels, tr, full, rest, lastCols, lastRows] =
    range(0, 13);
  const [o, p, q, src, dst, pSrc, pDst] = range(13, 7);
  const Tj = range(20, 6); // Aᵀ's row a down M's rows, for M's six columns
  const Y = range(26, 4);
  const T = range(30, 4);
  const R = range(34, 4); // one output row's four tiles, four columns each
  const mAt = (i: number, j: number): Code =>
    seq(g(src), 6 * i + j === 0 ? [] : seq(times(xiM, 6 * i + j), op.i32Add), op.v128Load(0));
  const rowAt = (a: number): Code => (a === 0 ? g(dst) : seq(g(dst), times(rowB, a), op.i32Add));
  const pair = (a: number, lanes: Code, at: number) =>
    seq(
      rowAt(a),
      rowAt(a),
      op.v128Load(at),
      lanes,
      op.f64x2PromoteLowF32x4,
      op.f64x2Add,
      op.v128Store(at),
    );
  /** Tile k's four outputs of row a (the f32x4 in local v) at its place. */
  const tile = (a: number, v: number, k: number): Code => {
    if (!add64) return seq(rowAt(a), g(v), op.v128Store(16 * k));
    const upper = seq(g(v), g(v), op.i8x16Shuffle(bytes(2, 3, 2, 3)));
    return seq(pair(a, g(v), 32 * k), pair(a, upper, 32 * k + 16));
  };
  /** Its first two outputs only (a cropped field's last tile). */
  const halfTile = (a: number, v: number, k: number): Code =>
    add64 ? pair(a, g(v), 32 * k) : seq(rowAt(a), g(v), op.v128Store64Lane(16 * k, 0));
  const rowOfY = (a: number): Code =>
    seq(
      ...Tj.map((t, j) =>
        assign(
          t,
          outputRow(a, (i) => mAt(i, j)),
        ),
      ),
      ...Y.map((y, b) =>
        assign(
          y,
          outputRow(b, (j) => g(Tj[j])),
        ),
      ),
      transpose(Y, T, R),
    );
  /** Rows 2 and 3 of a tile: skipped in the last tile row (p = 1) of a field cropped to 2 rows. */
  const unlessCroppedRow = (a: number, code: Code): Code =>
    a < 2
      ? code
      : seq(
          seq(g(p), op.i32(1), op.i32Ne, g(lastRows), op.i32(4), op.i32Eq, op.i32Or, op.if),
          code,
          op.end,
        );
  const storeFull = seq(
    ...range(0, 4).map((a) =>
      unlessCroppedRow(a, seq(rowOfY(a), ...R.map((v, k) => tile(a, v, k)))),
    ),
  );
  // The last group's real tiles only (rest = 1–4), the last of them cropped to lastCols.
  const restTile = (a: number, k: number): Code =>
    seq(
      seq(g(rest), op.i32(k + 1), op.i32Eq, g(lastCols), op.i32(2), op.i32Eq, op.i32And, op.if),
      halfTile(a, R[k], k),
      op.else,
      tile(a, R[k], k),
      op.end,
    );
  const storeRest = seq(
    ...range(0, 4).map((a) =>
      unlessCroppedRow(
        a,
        seq(
          rowOfY(a),
          ...range(0, 4).map((k) =>
            k === 0
              ? restTile(a, 0)
              : seq(seq(g(rest), op.i32(k), op.i32GtS, op.if), restTile(a, k), op.end),
          ),
        ),
      ),
    ),
  );
  const body = tileLoops(
    { plane: o, row: p, srcPlane: M, dstPlane: sums, srcRow: pSrc, dstRow: pDst, src, dst },
    { planes: g(channels), rows: g(tr) },
    { srcPlane: g(oM), dstPlane: g(planeB), srcRow: g(rowM), dstRow: times(rowB, 4) },
    groupsThenRest({ q, full, rest, src, dst }, [], storeFull, storeRest, 16, add64 ? 128 : 64),
  );
  return {
    name: add64 ? "winograd4OutputAdd" : "winograd4Output",
    params: 13,
    locals: [
      [7, I32],
      [38 - 20, V128],
    ],
    body,
  };
}

/** F(4×4, 3×3)'s input and output transforms, for the float32 module (beside winogradFunctions). */
export function winograd4Functions(): WasmFunction[] {
  return [input4Function(), output4Function(false), output4Function(true)];
}

/**
 * U[ξ][c][o] = (G·g·Gᵀ)_ξ (6×6) for g = A[o][c] (C_out×C_in×3×3, row-major), computed in
 * float64 and rounded once to float32: 36·C_in·C_out values.
 */
export function winograd4Filter(
  A: ArrayLike<number>,
  outChannels: number,
  inChannels: number,
  into: Float32Array,
): void {
  // G·h for a column (or row) h of three values.
  const G = (h0: number, h1: number, h2: number, to: Float64Array, at: number, step: number) => {
    to[at] = h0 / 4;
    to[at + step] = -(h0 + h1 + h2) / 6;
    to[at + 2 * step] = -(h0 - h1 + h2) / 6;
    to[at + 3 * step] = h0 / 24 + h1 / 12 + h2 / 6;
    to[at + 4 * step] = h0 / 24 - h1 / 12 + h2 / 6;
    to[at + 5 * step] = h2;
  };
  const gg = new Float64Array(18); // G·g: 6×3, gg[3i + l]
  const u = new Float64Array(36);
  for (let o = 0; o < outChannels; o++)
    for (let c = 0; c < inChannels; c++) {
      const k = 9 * (o * inChannels + c);
      for (let l = 0; l < 3; l++) G(A[k + l], A[k + 3 + l], A[k + 6 + l], gg, l, 3);
      for (let i = 0; i < 6; i++) G(gg[3 * i], gg[3 * i + 1], gg[3 * i + 2], u, 6 * i, 1);
      for (let xi = 0; xi < 36; xi++)
        into[xi * inChannels * outChannels + c * outChannels + o] = u[xi];
    }
}
