import { op } from "../core/wasmBinary.js";
import { seq } from "./cellStepSimd.js";

/**
 * The small pieces of WebAssembly the Winograd kernels (winograd3x3F32.ts: F(2×2, 3×3) and the
 * shared GEMM; winograd4x4F32.ts: F(4×4, 3×3)) are written with: instruction sequences over
 * locals, f32x4 arithmetic on expressions, a counted loop, and the byte patterns of the lane
 * shuffles.
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
