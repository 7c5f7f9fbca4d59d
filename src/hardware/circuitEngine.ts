import { createHash } from "node:crypto";
import type { CellArray } from "../cells/spec.js";
import { randomStream } from "../core/counterRandom.js";
import { ValidationError } from "../core/errors.js";
import { defaultMethod } from "../engines/typescript.js";
import { solve } from "../solvers/solve.js";
import type { OdeSystem, SolverMethod } from "../solvers/types.js";
import { cellEngine } from "../unet/engines/cell.js";
import { trainedEngine } from "../unet/engines/trained.js";
import type {
  BatchShape,
  LayerEngine,
  LayerResult,
  LayerRunOptions,
  TrainedCellLayer,
} from "../unet/layerEngine.js";
import type { VariantPrecision } from "./correlateVariant.js";
import { type MappedLayer, mapLayer } from "./mappedLayer.js";
import { createMappedLockstepSystem, createMappedSystem } from "./mappedSystem.js";
import {
  checkProfileLayers,
  type HardwareProfile,
  isAnalogLayer,
  isIdealProfile,
  profileDocument,
} from "./profile.js";
import { quantisationGrid, quantiseInPlace } from "./quantise.js";
import { eulerMaruyama, noiseIntensity } from "./thermalNoise.js";

export interface CircuitEngineOptions {
  /** Seed of the realised circuit: mismatch, device variation, stuck cells, stochastic rounding. */
  readonly mismatchSeed?: number | string;
  /** Adaptive solver tolerances, as the `cell` engine's (defaults 1e-6, 1e-8). */
  readonly rtol?: number;
  readonly atol?: number;
  readonly method?: Extract<SolverMethod, "dopri5" | "odex" | "implicit">;
  /**
   * `float64` (default) or `float32`: the analog layers' A ⋆ f(x) by the float32 space-variant
   * kernels (f32x4: f(x) and the sums in float32, the state, the memristor and the solver
   * float64), and the `cell` engine's float32 for the ideal and digital layers. WebAssembly SIMD
   * only.
   */
  readonly precision?: VariantPrecision;
  /**
   * The model's cellular layer names: when given, `layers.analog` is checked against them at
   * once (a ValidationError naming `layers.analog[i]`), so that a misspelt layer is not silently
   * digital.
   */
  readonly layers?: readonly string[];
  /**
   * Inputs of a batch solved together (default 1: each alone). With G > 1 an analog layer's
   * batch is solved G inputs at a time in lockstep (createMappedLockstepSystem: one DOPRI5 step
   * size for the G, its error norm the largest input's, so each meets its tolerance), each
   * cell's coefficients streamed from memory once per evaluation for the G: the per-cell
   * kernel's memory traffic divided by G. Each input's result then depends on the others of its
   * group through the shared steps (within the tolerance). Only the adaptive DOPRI5 path without
   * thermal noise, on the WebAssembly kernels; elsewhere the inputs are solved one by one.
   */
  readonly lockstep?: number;
  /**
   * `true` (default): a layer whose circuit is the same in every cell (sharedCircuit: quantised
   * templates, T_hw, converters, without per-cell values) runs on the `cell` engine with its
   * programmed templates; `false`: on the mapped per-cell path like every other (to measure or
   * check the one against the other).
   */
  readonly sharedCircuits?: boolean;
}

/**
 * The circuit engine (LayerEngine): each analog layer is mapped onto the profile's circuit —
 * quantised templates, per-cell mismatched transconductors and offsets, per-device memristors,
 * stuck cells, converters, finite settling, thermal noise — and simulated as the continuous
 * cell. Layers the profile keeps digital run on the `cell` (or `trained`) engine.
 *
 * With every non-ideality off (isIdealProfile) an analog layer is computed by the `cell` engine
 * itself, so the two agree bit for bit; the mapped path, with the programmed templates in every
 * cell, also gives the same bits (test/hardware). Mapped layers are realised once per layer and
 * image size and kept: the realisation is the same for every batch and every call.
 */
export function circuitEngine(
  profile: HardwareProfile,
  options: CircuitEngineOptions = {},
): LayerEngine {
  if (options.layers) checkProfileLayers(profile, options.layers);
  const seed = options.mismatchSeed ?? 0;
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-8;
  const precision = options.precision ?? "float64";
  if (precision !== "float64" && precision !== "float32")
    throw new ValidationError("precision", `got ${JSON.stringify(precision)}`, "float64 | float32");
  const lockstep = options.lockstep ?? 1;
  if (!Number.isInteger(lockstep) || lockstep < 1 || lockstep > MAX_LOCKSTEP)
    throw new ValidationError(
      "lockstep",
      `got ${JSON.stringify(options.lockstep)}`,
      `an integer from 1 (each input alone) to ${MAX_LOCKSTEP}`,
    );
  const ideal = cellEngine({ rtol, atol, method: options.method, precision });
  const digital = profile.layers.digital === "trained" ? trainedEngine({ precision }) : ideal;
  const idealProfile = isIdealProfile(profile);
  const mapped = new Map<string, MappedLayer>();
  const realise = (layer: TrainedCellLayer, rows: number, cols: number): MappedLayer => {
    const key = `${layer.spec.name}\u0000${rows}x${cols}`;
    let m = mapped.get(key);
    if (!m) {
      m = mapLayer(layer, profile, seed, rows, cols);
      mapped.set(key, m);
    }
    return m;
  };
  return {
    name: "circuit",
    describe: () => ({
      engine: "circuit",
      profile: profileDocument(profile),
      mismatchSeed: seed,
      ideal: idealProfile,
      analogLayers: profile.layers.analog,
      digitalLayers: digital.describe(),
      method:
        options.method ?? "per layer: dopri5, implicit (TR-BDF2) where the memristor dominates",
      integration:
        profile.thermal.temperature === null
          ? "adaptive (as the cell engine)"
          : `Euler-Maruyama, step <= ${profile.thermal.dt} tau`,
      rtol,
      atol,
      lockstep,
      sharedCircuits:
        options.sharedCircuits === false
          ? "every analog layer on its per-cell mapped path"
          : "a layer that is one circuit in every cell on the cell engine, its programmed templates",
      precision:
        precision === "float32"
          ? "float32 correlation (f32x4 space-variant taps), float64 state, memristor and solver"
          : "float64",
    }),
    run: (layer, u, shape, runOptions = {}) => {
      if (!isAnalogLayer(profile, layer.spec.name)) return digital.run(layer, u, shape, runOptions);
      if (idealProfile) return ideal.run(layer, u, shape, runOptions);
      const m = realise(layer, shape.rows, shape.cols);
      if (options.sharedCircuits !== false && sharedCircuit(profile, m))
        return runShared(m, layer, profile, u, shape, runOptions, ideal);
      return runMapped(m, profile, u, shape, runOptions, {
        rtol,
        atol,
        method: options.method,
        precision,
        lockstep,
      });
    },
  };
}

/**
 * The most inputs one lockstep solve takes ([choice]: each slot adds a field, a constant input
 * and its share of 15 solver vectors to the layer's memory, about 3 MB per slot for a 32-channel
 * 28 × 28 layer; G = 4 already gains nothing over 2 on the n_feat 32 fixture, docs/hardware.md).
 */
export const MAX_LOCKSTEP = 16;

/**
 * Whether the mapped layer is one circuit repeated in every cell, so that the `cell` engine
 * computes it (runShared): no per-cell values (transconductor mismatch, offsets, stuck cells, the
 * memristors' device-to-device variation or spread of w(0)), the memristors at their trained
 * scales, no thermal noise, the unit output level. Quantised templates (every rounding mode
 * programs one template per layer), a read-out time T_hw and the converters keep every cell the
 * same.
 */
export function sharedCircuit(profile: HardwareProfile, m: MappedLayer): boolean {
  const uniformMemristors =
    m.memristor === undefined ||
    (Object.values(profile.memristor.sigma).every((s) => s === 0) &&
      profile.memristor.w0_sigma === 0 &&
      profile.scales.memristive === "trained");
  return (
    profile.mismatch.sigma === 0 &&
    profile.offset.sigma === 0 &&
    profile.stuck.fraction === 0 &&
    profile.thermal.temperature === null &&
    m.output.saturation === 1 &&
    m.stuck === undefined &&
    uniformMemristors
  );
}

/**
 * A shared circuit (sharedCircuit) on the `cell` engine: the layer with its programmed templates,
 * the realised output stage and the read-out time T_hw as the trained T, the inputs through the
 * DAC and the outputs through the ADC as runMapped does. In float64 the same bits as runMapped
 * (whose mapped path repeats the cell engine's operations: test/hardware/sharedCircuit.test.ts);
 * in float32 it takes the cell engine's kernels (Winograd where it applies) instead of the
 * per-cell f32x4 ones, the difference of float32 roundings. Its time is the ideal image's.
 */
function runShared(
  m: MappedLayer,
  layer: TrainedCellLayer,
  profile: HardwareProfile,
  u: Float64Array,
  shape: BatchShape,
  options: LayerRunOptions,
  engine: LayerEngine,
): LayerResult {
  let programmed = sharedLayers.get(m);
  if (!programmed) {
    programmed = {
      spec: {
        ...layer.spec,
        cell: {
          ...layer.spec.cell,
          T: m.T_hw,
          output: { ...layer.spec.cell.output, alpha: m.output.alpha },
        },
      },
      A: m.programmed.A.data,
      B: m.programmed.B.data,
      z: m.programmed.z,
    };
    sharedLayers.set(m, programmed);
  }
  const { dac, adc } = converterGrids(profile);
  const r = engine.run(
    programmed,
    dac ? quantiseInPlace(Float64Array.from(u), dac) : u,
    shape,
    options,
  );
  if (adc) quantiseInPlace(r.y, adc);
  return r;
}

/** The DAC's and the ADC's grids, where the profile has them. */
function converterGrids(profile: HardwareProfile) {
  const grid = (c: HardwareProfile["dac"]) =>
    c.bits === null ? undefined : quantisationGrid(c.bits, c.full_scale);
  return { dac: grid(profile.dac), adc: grid(profile.adc) };
}

/** Each shared circuit's layer: its programmed templates, output stage and T_hw. */
const sharedLayers = new WeakMap<MappedLayer, TrainedCellLayer>();

/** The adaptive method the `cell` engine would choose for this layer (defaultMethod's rule). */
function methodFor(m: MappedLayer): SolverMethod {
  const probe = {
    memristor: m.memristor ? { model: m.memristor.models[0] } : undefined,
    scales: m.scales,
  };
  return defaultMethod(probe as unknown as CellArray);
}

/** A mapped layer on a batch, element by element, from the same solve call as the cell engine. */
export function runMapped(
  m: MappedLayer,
  profile: HardwareProfile,
  u: Float64Array,
  shape: BatchShape,
  options: LayerRunOptions,
  solver: {
    rtol: number;
    atol: number;
    method?: SolverMethod;
    precision?: VariantPrecision;
    lockstep?: number;
  },
): LayerResult {
  const { batch, channels, rows, cols } = shape;
  if (channels !== m.inputChannels || rows !== m.rows || cols !== m.cols)
    throw new ValidationError(
      `layers.${m.name}.input`,
      `has shape ${channels}×${rows}×${cols}`,
      `${m.inputChannels}×${m.rows}×${m.cols}`,
    );
  if (u.length !== batch * channels * rows * cols)
    throw new ValidationError(
      `layers.${m.name}.input`,
      `has ${u.length} values`,
      `batch×C_in×H×W = ${batch}×${channels}×${rows}×${cols}`,
    );
  const per = channels * rows * cols;
  const n = m.channels * rows * cols;
  const y = new Float64Array(batch * n);
  const keep = options.keepStates === true;
  const x = keep ? new Float64Array(batch * n) : undefined;
  const w = keep && m.memristor ? new Float64Array(batch * n) : undefined;
  const check = options.checkInterrupt;
  const { dac, adc } = converterGrids(profile);
  const thermal = profile.thermal.temperature;
  const method = solver.method ?? methodFor(m);
  const inputOf = (k: number) => {
    const uk = u.subarray(k * per, (k + 1) * per);
    return dac ? quantiseInPlace(Float64Array.from(uk), dac) : uk;
  };
  const finish = (
    k: number,
    state: Float64Array,
    output: (x: Float64Array, y: Float64Array) => void,
  ) => {
    const xT = state.subarray(0, n);
    const yk = y.subarray(k * n, (k + 1) * n);
    output(xT, yk);
    if (adc) quantiseInPlace(yk, adc);
    x?.set(xT, k * n);
    w?.set(state.subarray(n, 2 * n), k * n);
  };
  // The system with the interrupt check before each right-hand side, where there is one.
  const watch = (system: OdeSystem): OdeSystem =>
    check
      ? {
          dim: system.dim,
          errorBlocks: system.errorBlocks,
          rhs: (t, s, ds) => {
            check();
            system.rhs(t, s, ds);
          },
          workVectors: system.workVectors,
        }
      : system;
  // The adaptive solve to the read-out time T_hw: the state there.
  const settle = (system: OdeSystem, y0: Float64Array): Float64Array => {
    const r = solve(system, {
      method,
      t0: 0,
      t1: m.T_hw,
      y0,
      tEval: [m.T_hw],
      rtol: solver.rtol,
      atol: solver.atol,
    });
    return r.y.subarray(r.y.length - r.dim);
  };
  const group = solver.lockstep ?? 1;
  let done = 0;
  if (group > 1 && thermal === null && method === "dopri5")
    while (done < batch) {
      check?.();
      const size = Math.min(group, batch - done);
      const inputs = Array.from({ length: size }, (_, q) => inputOf(done + q));
      const system =
        size > 1 ? createMappedLockstepSystem(m, inputs, solver.precision, group) : null;
      if (!system) break; // one input left, or no lockstep slots: one by one below
      const states = settle(watch(system), system.initialState());
      for (let q = 0; q < size; q++)
        finish(
          done + q,
          states.subarray(q * system.blockDim, (q + 1) * system.blockDim),
          system.output,
        );
      done += size;
    }
  for (let k = done; k < batch; k++) {
    check?.();
    const uk = inputOf(k);
    const system = createMappedSystem(m, uk, solver.precision, group);
    const watched = watch(system);
    let state: Float64Array;
    if (thermal === null) {
      state = settle(watched, system.initialState());
    } else {
      const s = noiseIntensity(thermal, m.scales.tau / m.scales.R, m.scales.Vs);
      const stream = randomStream(profile.thermal.seed, m.name, "thermal", inputDigest(uk));
      state = eulerMaruyama(
        watched,
        system.initialState(),
        m.T_hw,
        profile.thermal.dt,
        s,
        n,
        stream,
      );
    }
    finish(k, state, system.output);
  }
  return { y, x, w };
}

/**
 * The noise stream of a layer input is named by its content (SHA-256 of its bytes): the same
 * input always sees the same noise, whatever the batch, its position in it or the call order.
 */
function inputDigest(u: Float64Array): string {
  return createHash("sha256")
    .update(new Uint8Array(u.buffer, u.byteOffset, u.byteLength))
    .digest("hex")
    .slice(0, 16);
}
