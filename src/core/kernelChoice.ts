import { ValidationError } from "./errors.js";
import { stageSumFunctions } from "./stageSums.js";
import { compileModule, wasmModule } from "./wasmBinary.js";

let simd: boolean | undefined;

/**
 * Whether this JavaScript engine has WebAssembly SIMD: it validates a module of v128 functions
 * (the solvers' stage sums). Decided once.
 */
export function simdAvailable(): boolean {
  simd ??= compileModule(wasmModule(stageSumFunctions(), 1)) !== null;
  return simd;
}

/**
 * Which implementation the kernels use: the plain TypeScript one or WebAssembly SIMD (the 3×3
 * correlations of src/kernels, the solvers' stage sums). In core so that every layer can ask.
 */
export type KernelKind = "scalar" | "wasm";

const KINDS = ["auto", "scalar", "wasm"] as const;

/**
 * The kernel chosen by CELLSPICE_KERNEL: `scalar` forces the TypeScript reference, `wasm` the
 * WebAssembly SIMD kernels (an error where this engine has none), `auto` or unset takes wasm
 * when it is available and scalar otherwise. Read on every call, so a test can switch it.
 */
export function kernelKind(value: string | undefined = process.env.CELLSPICE_KERNEL): KernelKind {
  const v = value === undefined || value === "" ? "auto" : value;
  if (!(KINDS as readonly string[]).includes(v))
    throw new ValidationError("CELLSPICE_KERNEL", `is "${v}"`, KINDS.join(" | "));
  if (v === "scalar") return "scalar";
  const available = simdAvailable();
  if (v === "wasm" && !available)
    throw new ValidationError(
      "CELLSPICE_KERNEL",
      'is "wasm" but this JavaScript engine has no WebAssembly SIMD',
      "scalar | auto",
    );
  return available ? "wasm" : "scalar";
}

let active: KernelKind | undefined;

/**
 * The kernel in use: CELLSPICE_KERNEL as read on first use (kernelKind), or the one set by
 * useKernel. Cached, so the hot loops do not read the environment on every call.
 */
export function activeKernel(): KernelKind {
  active ??= kernelKind();
  return active;
}

/** Sets the kernel in use (tests, benches); undefined reads CELLSPICE_KERNEL again. */
export function useKernel(kind: KernelKind | undefined): void {
  active = kind === undefined ? undefined : kernelKind(kind);
}
