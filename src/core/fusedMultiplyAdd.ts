import { setFlagsFromString } from "node:v8";
import { ValidationError } from "./errors.js";
import { compileModule, I32, op, type WasmFunction, wasmModule } from "./wasmBinary.js";

/**
 * Fused multiply-add in the float32 WebAssembly kernels (the 3×3 taps, the space-variant taps and
 * Winograd's products): relaxed SIMD's f32x4.relaxed_madd, one instruction for a·b + c where
 * the scalar form needs a multiply and an add. WebAssembly's relaxed SIMD (a finished proposal)
 * is on by default from V8 11.4 (Node 22); Node 20's V8 11.3 has it behind
 * `--experimental-wasm-relaxed-simd`, which this module sets for the process when a module using
 * it does not validate otherwise. Only float32 kernels take it: they are tested against the
 * scalar reference within a rounding bound, which a fused product meets (one rounding fewer);
 * the float64 kernels keep their promise of the scalar reference's bits and never use it.
 *
 * relaxed_madd may be fused or not, as the CPU has it (x86-64 with FMA3: vfmadd; fusedOnThisCpu
 * says which), so a float32 result can differ in its last bits between machines; on one machine
 * it is deterministic.
 */

/** The values CELLSPICE_FMA takes: `auto` (the default) uses it where available. */
const CHOICES = ["auto", "on", "off"] as const;

/** The smallest module that uses relaxed_madd: f(): mem[48..64) = madd(mem[0..16), …). */
function probeModule(): Uint8Array<ArrayBuffer> {
  const load = (at: number) => [...op.i32(at), ...op.v128Load(0)];
  const probe: WasmFunction = {
    name: "probe",
    params: 0,
    locals: [[1, I32]],
    body: [
      ...op.i32(48),
      ...load(0),
      ...load(16),
      ...load(32),
      ...op.f32x4RelaxedMadd,
      ...op.v128Store(0),
    ],
  };
  return wasmModule([probe], 1);
}

let available: boolean | undefined;

/**
 * Whether this engine can run relaxed_madd: it validates the probe module as it is, or after
 * V8's flag is set (Node 20). Decided once per process.
 */
export function fmaAvailable(): boolean {
  if (available !== undefined) return available;
  if (typeof WebAssembly === "undefined") {
    available = false;
    return available;
  }
  const bytes = probeModule();
  if (!WebAssembly.validate(bytes)) {
    try {
      setFlagsFromString("--experimental-wasm-relaxed-simd");
    } catch {
      // An engine without the flag: the probe below says no.
    }
  }
  available = WebAssembly.validate(bytes);
  return available;
}

/**
 * Whether relaxed_madd rounds once (a fused multiply-add) here: (1 + ε)(1 − ε) − 1 is −ε² when
 * fused and 0 when the product is rounded first. Null where relaxed_madd is not available.
 */
export function fusedOnThisCpu(): boolean | null {
  if (!fmaAvailable()) return null;
  const module = compileModule(probeModule());
  if (module === null) return null;
  const exports = new WebAssembly.Instance(module).exports;
  const memory = exports.memory as WebAssembly.Memory;
  const v = new Float32Array(memory.buffer, 0, 16);
  const eps = 2 ** -23;
  v.fill(1 + eps, 0, 4);
  v.fill(1 - eps, 4, 8);
  v.fill(-1, 8, 12);
  (exports.probe as () => void)();
  return v[12] !== 0;
}

/**
 * Whether the float32 kernels use fused multiply-add, by CELLSPICE_FMA: `off` never, `on`
 * always (an error where the engine cannot), `auto` or unset where fmaAvailable. Read on every
 * call, so that a test can switch it.
 */
export function fmaChoice(value: string | undefined = process.env.CELLSPICE_FMA): boolean {
  const v = value === undefined || value === "" ? "auto" : value;
  if (!(CHOICES as readonly string[]).includes(v))
    throw new ValidationError("CELLSPICE_FMA", `is "${v}"`, CHOICES.join(" | "));
  if (v === "off") return false;
  const can = fmaAvailable();
  if (v === "on" && !can)
    throw new ValidationError(
      "CELLSPICE_FMA",
      'is "on" but this JavaScript engine has no WebAssembly relaxed SIMD',
      "off | auto",
    );
  return can;
}

let active: boolean | undefined;

/**
 * Whether kernels compiled from now on use fused multiply-add: CELLSPICE_FMA as read on first
 * use, or what useFma set. A kernel instance keeps the choice it was compiled with.
 */
export function activeFma(): boolean {
  active ??= fmaChoice();
  return active;
}

/** Sets the choice for kernels compiled from now on (tests, benches); undefined reads CELLSPICE_FMA again. */
export function useFma(on: boolean | undefined): void {
  active = on === undefined ? undefined : on ? fmaChoice("on") : false;
}
