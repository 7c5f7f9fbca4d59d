import { compileModule, op, V128, wasmModule } from "../core/wasmBinary.js";

/**
 * The floor under a kernel that streams its operands from memory: a WebAssembly SIMD loop that
 * reads a float32 array once, 64 bytes per iteration into four f32x4 accumulators (so that the
 * adds do not chain), and does nothing else. Its time for an array's bytes is what reading them
 * costs from wherever they sit (L2, L3 or DRAM), the bound a kernel reading the same bytes once
 * per call cannot beat. The sum is stored at address 0, so that the reads cannot be skipped and
 * a test can check that every byte was read.
 *
 * Parameters: from, to (byte addresses, 64-byte multiples apart).
 */
function streamFunction() {
  const FROM = 0;
  const TO = 1;
  const ACC = 2; // four v128 locals
  const accumulate = (k: number) => [
    ...op.get(ACC + k),
    ...op.get(FROM),
    ...op.v128Load(16 * k),
    ...op.f32x4Add,
    ...op.set(ACC + k),
  ];
  return {
    name: "stream",
    params: 2,
    locals: [[4, V128]] as const,
    body: [
      ...op.block,
      ...op.get(FROM),
      ...op.get(TO),
      ...op.i32GeS,
      ...op.brIf(0),
      ...op.loop,
      ...accumulate(0),
      ...accumulate(1),
      ...accumulate(2),
      ...accumulate(3),
      ...op.get(FROM),
      ...op.i32(64),
      ...op.i32Add,
      ...op.tee(FROM),
      ...op.get(TO),
      ...op.i32LtS,
      ...op.brIf(0),
      ...op.end,
      ...op.end,
      ...op.i32(0),
      ...op.get(ACC),
      ...op.get(ACC + 1),
      ...op.f32x4Add,
      ...op.get(ACC + 2),
      ...op.get(ACC + 3),
      ...op.f32x4Add,
      ...op.f32x4Add,
      ...op.v128Store(0),
    ],
  };
}

/** A float32 array in WebAssembly memory, and the time to read it once. */
export interface MemoryStream {
  /** The array as it sits in the module's memory (write the bytes to stream here). */
  readonly data: Float32Array;
  /** Reads `data` once; returns the four lane sums (each the sum of every fourth element). */
  stream(): Float32Array;
}

/** A stream probe over `length` float32 (rounded up to 16), or null without WebAssembly SIMD. */
export function memoryStream(length: number): MemoryStream | null {
  const module = compileModule(wasmModule([streamFunction()], 1));
  if (module === null) return null;
  const exports = new WebAssembly.Instance(module).exports;
  const memory = exports.memory as WebAssembly.Memory;
  const run = exports.stream as (from: number, to: number) => void;
  const n = Math.ceil(length / 16) * 16;
  const from = 64;
  const bytes = from + 4 * n;
  const pages = Math.ceil(bytes / 65536);
  if (pages > 1) memory.grow(pages - 1);
  const data = new Float32Array(memory.buffer, from, n);
  return {
    data,
    stream: () => {
      run(from, from + 4 * n);
      return new Float32Array(memory.buffer, 0, 4).slice();
    },
  };
}
