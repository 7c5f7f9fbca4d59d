import { smoothV1Constants } from "../devices/smoothV1Eval.js";
import { type SmoothV1Params, STRACHAN_SMOOTH_V1_NAME } from "../devices/strachanSmoothV1Params.js";
import type { MemristorModel } from "../devices/types.js";
import { activeKernel } from "../kernels/choice.js";
import {
  SMOOTH_V1_DEVICE_SLOTS,
  SMOOTH_V1_SIMD_SLOTS,
  smoothV1DeviceBlock,
  smoothV1SimdConstants,
} from "../kernels/memristorSimd.js";
import { newTaps3x3Simd, type Taps3x3Simd } from "../kernels/taps3x3Simd.js";
import { mixedRegions } from "../kernels/workspace.js";

/**
 * The memristor part of an M-CellNN right-hand side on plain arrays, by the kernels' WebAssembly
 * pass (src/kernels/memristorSimd.ts) where it applies: `strachan-taox-smooth-v1` (the trained
 * layers' model), one model for every cell, the WebAssembly kernel active. For each cell k,
 *
 *   dsdt[k]    −= (R/V_s)·i(w_k, u_k)
 *   dsdt[n+k]   = τ·(τ_model·dw/dt)(w_k, u_k) / τ_model,     u_k = V_s·(y_k or x_k)
 *
 * with the operations of the TypeScript loops it stands for (createCellSystem's, the mapped
 * system's), except the pass's own e^x: the same values to a few ulp, not the same bits
 * (test/cells/memristorPass.test.ts). The state is copied into the pass's module and the results
 * out on every call (2n values each way, against the pass's ~7 exponentials per cell).
 */
export interface MemristorPass {
  /** Adds the memristor terms of `state` (x, then w) to dsdt as above. */
  apply(state: Float64Array, dsdt: Float64Array): void;
}

/** What the pass needs of the array (array.scales, its output function's slopes). */
export interface MemristorPassSettings {
  readonly cells: number;
  readonly tau: number;
  readonly Vs: number;
  readonly R: number;
  /** y = α·v + β·clamp(v, −1, 1); u senses y when senseY. */
  readonly alpha: number;
  readonly beta: number;
  readonly senseY: boolean;
}

/** Whether the pass can evaluate `model` (its parameters, not the kernel choice). */
export function passTakes(model: MemristorModel): boolean {
  return model.name === STRACHAN_SMOOTH_V1_NAME;
}

/**
 * The pass's constants block for `model` and an array's settings (SMOOTH_V1_SIMD_SLOTS float64
 * into `into`): shared by this file's pass and the trained engine's fused path.
 */
export function passConstants(
  model: MemristorModel,
  settings: MemristorPassSettings,
  into: Float64Array,
): void {
  smoothV1SimdConstants(
    smoothV1Constants(model.params as unknown as SmoothV1Params),
    {
      modelTau: model.params.tau,
      arrayTau: settings.tau,
      Vs: settings.Vs,
      currentScale: settings.R / settings.Vs,
      alpha: settings.alpha,
      beta: settings.beta,
      senseY: settings.senseY,
    },
    into,
  );
}

/** The pass's own module instance (one thread runs one right-hand side at a time). */
let instance: Taps3x3Simd | null | undefined;

/** The pass for `model`, or null where it does not apply (the caller keeps its TypeScript loop). */
export function memristorPass(
  model: MemristorModel,
  settings: MemristorPassSettings,
): MemristorPass | null {
  if (!passTakes(model) || activeKernel() !== "wasm") return null;
  if (instance === undefined) instance = newTaps3x3Simd();
  if (instance === null) return null;
  const simd = instance;
  const n = settings.cells;
  const constants = new Float64Array(SMOOTH_V1_SIMD_SLOTS);
  passConstants(model, settings, constants);
  return {
    apply: (state, dsdt) => {
      // Laid out on every call: other systems use the same module between this one's calls.
      const [s, out, current, k] = mixedRegions(simd.memory, [
        { length: 2 * n },
        { length: 2 * n },
        { length: n },
        { length: SMOOTH_V1_SIMD_SLOTS },
      ]);
      s.set(state.subarray(0, 2 * n));
      k.set(constants);
      simd.step.smoothV1(s.byteOffset, out.byteOffset, current.byteOffset, n, k.byteOffset);
      for (let m = 0; m < n; m++) dsdt[m] -= current[m];
      dsdt.set(out.subarray(n, 2 * n), n);
    },
  };
}

/** A devices pass's module: its own instance, the device block written once (memristorDevicesPass). */
interface DevicesModule {
  readonly simd: Taps3x3Simd;
  readonly regions: readonly Float64Array[];
}

/** Per models array, per array settings: the module holding their device block. */
const devicePasses = new WeakMap<readonly MemristorModel[], Map<string, DevicesModule>>();

/**
 * The pass for an array whose every device is its own model (device-to-device variation: the
 * circuit engine's mapped layers), or null where it does not apply (a model the pass does not
 * take, or the WebAssembly kernel not active). models[k] is cell k's device. The device block
 * (SMOOTH_V1_DEVICE_SLOTS values per cell) is written once into a module instance of the pass's
 * own, kept with the models array (a WeakMap on it), so that every system built on the same
 * devices shares it; each call copies the state in and the results out, as the one-model pass.
 * A block of one model repeated gives that pass's bits.
 */
export function memristorDevicesPass(
  models: readonly MemristorModel[],
  settings: MemristorPassSettings,
): MemristorPass | null {
  const n = settings.cells;
  if (models.length !== n)
    throw new Error(`memristorDevicesPass: ${models.length} models for ${n} cells`);
  if (activeKernel() !== "wasm" || !models.every(passTakes)) return null;
  const key = [
    settings.tau,
    settings.Vs,
    settings.R,
    settings.alpha,
    settings.beta,
    settings.senseY,
  ].join(" ");
  let bySettings = devicePasses.get(models);
  if (!bySettings) {
    bySettings = new Map();
    devicePasses.set(models, bySettings);
  }
  let module = bySettings.get(key);
  if (!module) {
    const simd = newTaps3x3Simd();
    if (simd === null) return null;
    const regions = mixedRegions(simd.memory, [
      { length: 2 * n },
      { length: 2 * n },
      { length: n },
      { length: SMOOTH_V1_SIMD_SLOTS },
      { length: 2 * Math.ceil(n / 2) * SMOOTH_V1_DEVICE_SLOTS },
    ]);
    const blocks = models.map((m) => {
      const b = new Float64Array(SMOOTH_V1_SIMD_SLOTS);
      passConstants(m, settings, b);
      return b;
    });
    smoothV1DeviceBlock(blocks, regions[4]);
    regions[3].set(blocks[0]); // the array's slots (the same in every cell's block)
    module = { simd, regions };
    bySettings.set(key, module);
  }
  const { simd } = module;
  const [s, out, current, k, devices] = module.regions;
  return {
    apply: (state, dsdt) => {
      s.set(state.subarray(0, 2 * n));
      simd.step.smoothV1Devices(
        s.byteOffset,
        out.byteOffset,
        current.byteOffset,
        n,
        k.byteOffset,
        devices.byteOffset,
      );
      for (let m = 0; m < n; m++) dsdt[m] -= current[m];
      dsdt.set(out.subarray(n, 2 * n), n);
    },
  };
}
