import { fmaAvailable } from "../core/fusedMultiplyAdd.js";
import { compileModule, op, V128, type WasmFunction, wasmModule } from "../core/wasmBinary.js";

/** The lane types of the peak micro-benchmark: two float64 or four float32 per vector. */
export type PeakLanes = "f64x2" | "f32x4";

/**
 * What one loop iteration of a peak function executes: multiplies, adds, both at once, or fused
 * multiply-adds p ← p·m + d (relaxed SIMD's f32x4.relaxed_madd, two FLOP per lane; float32
 * only, where src/core/fusedMultiplyAdd.ts finds it).
 */
export type PeakMix = "mul" | "add" | "mul+add" | "madd";

/**
 * Independent dependency chains in every peak function: 12 of one kind, or 6 multiply and 6 add
 * chains (with m and d, 14 vectors: what fits x86-64's 16 SIMD registers without spilling).
 * 12 chains cover a latency of 4 cycles on 3 ports.
 */
export const PEAK_CHAINS = 12;

const chainsOf = (mix: PeakMix) => (mix === "mul+add" ? PEAK_CHAINS / 2 : PEAK_CHAINS);

/** Loop bodies unrolled per counted iteration. */
const UNROLL = 4;

/**
 * A WebAssembly SIMD micro-benchmark of the arithmetic the kernels are made of: independent
 * multiply chains p_i ← p_i · m and/or add chains s_i ← s_i + d (chainsOf), repeated
 * `iterations` × UNROLL times, with no loads or stores inside the loop. Independent chains hide
 * the latency, so the rate is that of the execution ports (core WASM SIMD has no fused
 * multiply-add: a multiply and an add are two instructions; the `madd` mix measures relaxed
 * SIMD's). Reads m at byte 0, d at 16, the chains' start
 * values at 32 (p) and 48 (s); writes the chains' final values from byte 64: p_0 … then s_0 …
 * (those the function has).
 */
function peakFunction(name: string, lanes: PeakLanes, mix: PeakMix): WasmFunction {
  const ITER = 0;
  const M = 1;
  const D = 2;
  const chains = chainsOf(mix);
  const p = (i: number) => 3 + i;
  const s = (i: number) => 3 + chains + i;
  const mul = lanes === "f64x2" ? op.f64x2Mul : op.f32x4Mul;
  const add = lanes === "f64x2" ? op.f64x2Add : op.f32x4Add;
  const body: number[] = [];
  const emit = (...parts: ReadonlyArray<number>[]) => {
    for (const part of parts) body.push(...part);
  };
  emit(op.i32(0), op.v128Load(0), op.set(M), op.i32(0), op.v128Load(16), op.set(D));
  for (let i = 0; i < chains; i++) {
    emit(op.i32(0), op.v128Load(32), op.set(p(i)));
    emit(op.i32(0), op.v128Load(48), op.set(s(i)));
  }
  emit(op.block, op.loop);
  emit(op.get(ITER), op.i32(1), op.i32LtS, op.brIf(1));
  for (let u = 0; u < UNROLL; u++)
    for (let i = 0; i < chains; i++) {
      if (mix === "madd") {
        emit(op.get(p(i)), op.get(M), op.get(D), op.f32x4RelaxedMadd, op.set(p(i)));
        continue;
      }
      if (mix !== "add") emit(op.get(p(i)), op.get(M), mul, op.set(p(i)));
      if (mix !== "mul") emit(op.get(s(i)), op.get(D), add, op.set(s(i)));
    }
  emit(op.get(ITER), op.i32(1), op.i32Sub, op.set(ITER), op.br(0));
  emit(op.end, op.end);
  for (let i = 0; i < chains; i++) {
    if (mix !== "add") emit(op.i32(0), op.get(p(i)), op.v128Store(64 + 16 * i));
    const sAt = mix === "add" ? 64 + 16 * i : 64 + 16 * (chains + i);
    if (mix !== "mul" && mix !== "madd") emit(op.i32(0), op.get(s(i)), op.v128Store(sAt));
  }
  return { name, params: 1, locals: [[2 + 2 * chains, V128]], body };
}

const MIXES: readonly PeakMix[] = ["mul", "add", "mul+add"];
const functionName = (lanes: PeakLanes, mix: PeakMix) => `${lanes}_${mix.replace("+", "_")}`;

/**
 * The module's bytes: one function per lane type and mix, `f64x2_mul` … `f32x4_mul_add`, and
 * `f32x4_madd` where the engine has relaxed SIMD.
 */
export function peakSimdModule(): Uint8Array<ArrayBuffer> {
  const fns: WasmFunction[] = [];
  for (const lanes of ["f64x2", "f32x4"] as const)
    for (const mix of MIXES) fns.push(peakFunction(functionName(lanes, mix), lanes, mix));
  if (fmaAvailable()) fns.push(peakFunction(functionName("f32x4", "madd"), "f32x4", "madd"));
  return wasmModule(fns, 1);
}

export interface PeakSimd {
  readonly memory: WebAssembly.Memory;
  /**
   * Runs `iterations` counted iterations; returns the FLOP executed (one per lane and operation,
   * two per lane for a fused multiply-add). `madd` throws where the module has no such function.
   */
  run(lanes: PeakLanes, mix: PeakMix, iterations: number): number;
  /** Whether the `madd` mix is there (f32x4 only). */
  readonly madd: boolean;
}

/** The compiled micro-benchmark, or null where this engine has no WebAssembly SIMD. */
export function peakSimd(): PeakSimd | null {
  const module = compileModule(peakSimdModule());
  if (module === null) return null;
  const exports = new WebAssembly.Instance(module).exports;
  const memory = exports.memory as WebAssembly.Memory;
  return {
    memory,
    madd: exports.f32x4_madd !== undefined,
    run: (lanes, mix, iterations) => {
      const f = exports[functionName(lanes, mix)] as ((n: number) => void) | undefined;
      if (f === undefined) throw new Error(`the peak module has no ${lanes} ${mix} function`);
      f(iterations);
      const perVector = lanes === "f64x2" ? 2 : 4;
      return iterations * UNROLL * PEAK_CHAINS * perVector * (mix === "madd" ? 2 : 1);
    },
  };
}
