import { op } from "../core/wasmBinary.js";
import { seq } from "./cellStepSimd.js";

/**
 * The small pieces of WebAssembly that the generated kernels of this folder are written with
 * (the Winograd kernels, winograd3x3F32.ts and winograd4x4F32.ts; the transposed convolution,
 * convTranspose2Simd.ts): instruction sequences over locals, f32x4 arithmetic on expressions, a
 * counted loop, the loops of a transform over planes and tile rows, and the byte patterns of the
 * lane shuffles.
 */
export type Code = number[];
export const g = (local: number): Code => op.get(local);
export const assign = (local: number, value: Code): Code => seq(value, op.set(local));
export const addTo = (local: number, bytes: Code): Code =>
  seq(g(local), bytes, op.i32Add, op.set(local));
/** local·k as an i32 expression. */
export const times = (local: number, k: number): Code => seq(g(local), op.i32(k), op.i32Mul);
const f4 = (code: readonly number[]) => (a: Code, b: Code) => seq(a, b, code);
export const add = f4(op.f32x4Add);
export const sub = f4(op.f32x4Sub);
export const mul = f4(op.f32x4Mul);
/** v128.const with four float32 lanes x. */
export const f32x4Const = (x: number): Code => [
  0xfd,
  0x0c,
  ...Array.from(new Uint8Array(Float32Array.of(x, x, x, x).buffer)),
];
/** `count` iterations of body with `counter` counting down (count ≥ 1). */
export const countdown = (counter: number, count: Code, body: Code): Code =>
  seq(
    assign(counter, count),
    op.loop,
    body,
    seq(g(counter), op.i32(1), op.i32Sub, op.tee(counter), op.brIf(0)),
    op.end,
  );
/** The i8x16.shuffle byte pattern of float32 lanes (0–3 from a, 4–7 from b of a‖b). */
export const bytes = (...lanes: number[]): number[] =>
  lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
export const EVEN = bytes(0, 2, 4, 6);
export const ODD = bytes(1, 3, 5, 7);
export const INTERLEAVE_LOW = bytes(0, 4, 1, 5);
export const INTERLEAVE_HIGH = bytes(2, 6, 3, 7);

/** The loop locals and strides of a transform over planes and tile rows (tileLoops). */
export interface TileLoops {
  /** Counters: planes, tile rows. */
  readonly plane: number;
  readonly row: number;
  /** The plane's first byte (advanced by planeStep after each plane), source and destination. */
  readonly srcPlane: number;
  readonly dstPlane: number;
  /** The tile row's first byte (advanced by rowStep after each row). */
  readonly srcRow: number;
  readonly dstRow: number;
  /** Where the body reads and writes: set to the row's first byte before each row. */
  readonly src: number;
  readonly dst: number;
}

/**
 * The loops every Winograd transform runs: for each of `planes` planes (channels or outputs), for
 * each of `rows` tile rows, `body` with src and dst at the row's first byte.
 */
export function tileLoops(
  l: TileLoops,
  counts: { planes: Code; rows: Code },
  steps: { srcPlane: Code; dstPlane: Code; srcRow: Code; dstRow: Code },
  body: Code,
): Code {
  return countdown(
    l.plane,
    counts.planes,
    seq(
      assign(l.srcRow, g(l.srcPlane)),
      assign(l.dstRow, g(l.dstPlane)),
      countdown(
        l.row,
        counts.rows,
        seq(
          assign(l.src, g(l.srcRow)),
          assign(l.dst, g(l.dstRow)),
          body,
          addTo(l.srcRow, steps.srcRow),
          addTo(l.dstRow, steps.dstRow),
        ),
      ),
      addTo(l.srcPlane, steps.srcPlane),
      addTo(l.dstPlane, steps.dstPlane),
    ),
  );
}

/**
 * An output transform's tile row: `full` groups of four tiles (counter q), each `compute` then
 * `storeFull` with src and dst advanced by srcStep and dstStep bytes, then, where `rest` (1–3
 * tiles) is nonzero, `compute` and `storeRest` once.
 */
export function groupsThenRest(
  l: { q: number; full: number; rest: number; src: number; dst: number },
  compute: Code,
  storeFull: Code,
  storeRest: Code,
  srcStep: number,
  dstStep: number,
): Code {
  return seq(
    seq(g(l.full), op.if),
    countdown(
      l.q,
      g(l.full),
      seq(compute, storeFull, addTo(l.src, op.i32(srcStep)), addTo(l.dst, op.i32(dstStep))),
    ),
    op.end,
    seq(g(l.rest), op.if, compute, storeRest, op.end),
  );
}
