import { combineInto } from "./combine.js";
import { activeKernel } from "./kernelChoice.js";
import {
  type Combine,
  combineInModule,
  type StageSums,
  stageSumFunctions,
  stageSumsOf,
} from "./stageSums.js";
import { compileModule, wasmModule } from "./wasmBinary.js";

export { MAX_TERMS } from "./stageSums.js";

/**
 * [choice] Shorter vectors stay plain arrays: for a handful of values the call into WebAssembly
 * and the views cost more than the loop (not measured per length).
 */
export const SIMD_MIN_LENGTH = 64;

/** The module's bytes: the stage sums (stageSums.ts) and a memory for the vectors. */
export function solverVectorsModule(): Uint8Array<ArrayBuffer> {
  return wasmModule(stageSumFunctions(), 1);
}

interface Instance {
  readonly memory: WebAssembly.Memory;
  readonly sums: StageSums;
}

let compiled: WebAssembly.Module | null | undefined;
/** Instances not in use; a solve takes one and gives it back (solves may nest: each its own). */
const free: Instance[] = [];

function takeInstance(): Instance | null {
  const kept = free.pop();
  if (kept) return kept;
  if (compiled === undefined) compiled = compileModule(solverVectorsModule());
  if (compiled === null) return null;
  const exports = new WebAssembly.Instance(compiled).exports;
  return { memory: exports.memory as WebAssembly.Memory, sums: stageSumsOf(exports) };
}

/**
 * A solve's work vectors and the stage sums on them. `combine(out, base, c, k)` is combineInto's
 * contract and bits; `release()` ends the vectors' life (they must not be used after it: the next
 * solve reuses their memory).
 */
export interface SolverVectors {
  readonly vectors: Float64Array[];
  /** "wasm": the vectors live in a WebAssembly instance and `combine` runs there. */
  readonly kind: "wasm" | "scalar";
  readonly combine: Combine;
  release(): void;
}

/**
 * `count` vectors of `length` values (zeroed), in a WebAssembly instance of their own where the
 * active kernel is "wasm" (CELLSPICE_KERNEL) and the vectors are long enough to gain; otherwise
 * plain arrays and the TypeScript combineInto.
 */
export function solverVectors(count: number, length: number): SolverVectors {
  const instance = length >= SIMD_MIN_LENGTH && activeKernel() === "wasm" ? takeInstance() : null;
  if (instance === null)
    return {
      vectors: Array.from({ length: count }, () => new Float64Array(length)),
      kind: "scalar",
      combine: combineInto,
      release: () => {},
    };
  // 16-byte aligned, 16 bytes apart (the kernels' layout), the memory grown to hold them.
  const stride = (8 * length + 31) & ~15;
  const memory = instance.memory;
  if (memory.buffer.byteLength < count * stride)
    memory.grow(Math.ceil((count * stride - memory.buffer.byteLength) / 65536));
  const vectors = Array.from(
    { length: count },
    (_, v) => new Float64Array(memory.buffer, v * stride, length),
  );
  for (const v of vectors) v.fill(0);
  const inModule = combineInModule(instance.memory, instance.sums);
  let released = false;
  return {
    vectors,
    kind: "wasm",
    combine: (out, base, c, k) => (released ? combineInto : inModule)(out, base, c, k),
    release: () => {
      if (released) return;
      released = true;
      free.push(instance);
    },
  };
}
