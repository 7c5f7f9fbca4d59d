import { fillBorder, fillPadded } from "../cells/boundary.js";
import { memristorDevicesPass, memristorPass } from "../cells/memristorPass.js";
import type { SolverVectors } from "../core/solverVectors.js";
import type { OdeSystem } from "../solvers/types.js";
import {
  type SolverSpace,
  type VariantCorrelator,
  type VariantPrecision,
  variantCorrelator,
} from "./correlateVariant.js";
import { type MappedLayer, mappedCells } from "./mappedLayer.js";

/**
 * The ODE system of a mapped layer for one input u (C_in × H × W), in units of τ:
 *
 *   CellNN    dx/dt = −x + A_cell ⋆ f(x) + (B_cell ⋆ u + z_cell)
 *   M-CellNN  dx/dt = … − (R/V_s)·i_M,k(w, V_s·v),   dw/dt = τ·g_k(w, V_s·v)
 *
 * with per-cell templates (space-variant), each memristor k its own model, and stuck cells whose
 * output is held at the stuck value. It mirrors src/cells createCellSystem step by step (same
 * padded-field layout, same order of additions), so a mapped layer with the programmed
 * templates in every cell computes the same bits as the ideal array.
 *
 * With the SIMD correlator and the standard output level (saturation 1) the system hands DOPRI5
 * its work vectors in the correlator's memory (workVectors): each right-hand side then writes
 * f(x) and B ⋆ u + z − x by the module's output pass and adds A ⋆ f(x) in place, with no copies;
 * the same operations, so the same bits as on plain arrays (test/hardware/inModule.test.ts).
 */
export interface MappedSystem extends OdeSystem {
  readonly layer: MappedLayer;
  readonly cells: number;
  /** B_cell ⋆ u + z_cell, per cell. */
  readonly constantInput: Float64Array;
  initialState(): Float64Array;
  /** The output stage y = f(x) (stuck cells at their value), for the state's x part. */
  output(x: Float64Array, y: Float64Array): void;
}

export function createMappedSystem(
  layer: MappedLayer,
  u: Float64Array,
  precision: VariantPrecision = "float64",
  lockstep = 1,
): MappedSystem {
  const parts = layerParts(layer, precision, lockstep);
  const { n, dim, pad, alpha, beta, L, stuck, stuckValue, stuckAt, yFixed, feedback, mod } = parts;
  const { channels, rows, cols, boundary } = layer;
  const pc = cols + 2 * pad;
  const plane = (rows + 2 * pad) * pc;
  const constantInput = constantInputOf(layer, u, pad);
  const paddedY = new Float64Array(channels * plane);
  const me = {};
  const inMemory = (a: Float64Array) => a.buffer === mod!.memory.buffer;
  const templateCurrent = (x: Float64Array, dxdt: Float64Array) => {
    if (mod && mod.owner === me && inMemory(x) && inMemory(dxdt)) {
      // The loop below, in the module: the same operations on the same values, so the same bits.
      mod.output(x, dxdt, alpha, beta);
      for (const q of stuckAt) mod.padded[q] = stuckValue;
      // fillBorder only reads, writes and copies elements: it serves a float32 field too.
      fillBorder(boundary, yFixed, mod.padded as Float64Array, channels, rows, cols, pad);
      mod.correlateInto(dxdt);
      return;
    }
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < rows; i++) {
        const src = (c * rows + i) * cols;
        const dst = c * plane + (i + pad) * pc + pad;
        for (let j = 0; j < cols; j++) {
          const v = x[src + j];
          paddedY[dst + j] = alpha * v + beta * (v > L ? L : v < -L ? -L : v);
          dxdt[src + j] = constantInput[src + j] - v;
        }
        if (stuck) for (let j = 0; j < cols; j++) if (stuck[src + j]) paddedY[dst + j] = stuckValue;
      }
    }
    fillBorder(boundary, yFixed, paddedY, channels, rows, cols, pad);
    feedback.correlateAdd(paddedY, dxdt);
  };

  // The solver's vectors in the correlator's memory, this system's constant input there with them.
  const workVectors = mod
    ? (count: number, length: number): SolverVectors | null => {
        if (count > mod.vectors.length || length !== dim) return null;
        mod.owner = me;
        mod.constantInput.set(constantInput);
        return {
          vectors: mod.vectors.slice(0, count),
          kind: "wasm",
          combine: mod.combine,
          release: () => {},
        };
      }
    : undefined;

  const memristor = parts.memristorTerm;
  return {
    layer,
    cells: n,
    dim,
    constantInput,
    workVectors,
    rhs: memristor
      ? (_t, state, dsdt) => {
          templateCurrent(state, dsdt);
          memristor(state, dsdt);
        }
      : (_t, x, dxdt) => templateCurrent(x, dxdt),
    initialState: () => parts.initialState(),
    output: parts.output,
  };
}

/** Inputs of one mapped layer in lockstep: blocks of `blockDim` values, one per input. */
export interface MappedLockstepSystem extends OdeSystem {
  readonly blockDim: number;
  readonly errorBlocks: number;
  initialState(): Float64Array;
  /** The output stage of one block's x part (MappedSystem.output). */
  output(x: Float64Array, y: Float64Array): void;
}

/**
 * Several inputs of one mapped layer solved in lockstep (the circuit engine's `lockstep`
 * option): the state is the systems' states one after another (each block exactly a
 * createMappedSystem state), `errorBlocks` makes DOPRI5's error norm the largest block's, and
 * each right-hand side evaluation runs every step of the space-variant correlation once for all
 * the blocks (LockstepCorrelation), so that each cell's coefficients are streamed from memory
 * once per evaluation instead of once per input. Each block's derivative is the same bits as its
 * own system's for the same state. Null where the layer's correlation has no lockstep slots for
 * this many inputs (no WebAssembly SIMD, an output level other than 1, or fewer slots): the caller
 * solves the inputs one by one.
 */
export function createMappedLockstepSystem(
  layer: MappedLayer,
  inputs: readonly Float64Array[],
  precision: VariantPrecision = "float64",
  capacity = inputs.length,
): MappedLockstepSystem | null {
  const parts = layerParts(layer, precision, capacity);
  const lock = parts.mod?.lockstep;
  const G = inputs.length;
  if (!lock || G < 1 || G > lock.capacity) return null;
  const { n, dim, pad, alpha, beta, stuckAt, stuckValue, yFixed } = parts;
  const { channels, rows, cols, boundary } = layer;
  const constantInputs = inputs.map((u) => constantInputOf(layer, u, pad));
  const me = {};
  const inMemory = (a: Float64Array) => a.buffer === parts.mod!.memory.buffer;
  const memristor = parts.memristorTerm;
  const targets: Float64Array[] = new Array(G);
  return {
    dim: G * dim,
    blockDim: dim,
    errorBlocks: G,
    rhs: (_t, state, dsdt) => {
      if (lock.owner !== me || !inMemory(state) || !inMemory(dsdt))
        throw new Error(
          `layers.${layer.name}: a lockstep system was evaluated outside its solver vectors ` +
            "(it solves with DOPRI5 on the vectors its workVectors gives)",
        );
      for (let q = 0; q < G; q++) {
        const x = state.subarray(q * dim, q * dim + n);
        const d = dsdt.subarray(q * dim, q * dim + n);
        lock.output(q, x, d, alpha, beta);
        const field = lock.padded[q];
        for (const k of stuckAt) field[k] = stuckValue;
        fillBorder(boundary, yFixed, field as Float64Array, channels, rows, cols, pad);
        targets[q] = d;
      }
      lock.correlateInto(targets);
      if (memristor)
        for (let q = 0; q < G; q++)
          memristor(state.subarray(q * dim, (q + 1) * dim), dsdt.subarray(q * dim, (q + 1) * dim));
    },
    workVectors: (count, length) => {
      const vectors = length === G * dim ? lock.vectors(count, length) : null;
      if (!vectors) return null;
      lock.owner = me;
      for (let q = 0; q < G; q++) lock.constantInput[q].set(constantInputs[q]);
      return { vectors, kind: "wasm", combine: lock.combine, release: () => {} };
    },
    initialState: () => {
      const s = new Float64Array(G * dim);
      for (let q = 0; q < G; q++) s.set(parts.initialState(), q * dim);
      return s;
    },
    output: parts.output,
  };
}

/** B_cell ⋆ u + z_cell, per cell (the constant part of a mapped system's right-hand side). */
function constantInputOf(layer: MappedLayer, u: Float64Array, pad: number): Float64Array {
  const { inputChannels, rows, cols, boundary } = layer;
  const constantInput = Float64Array.from(layer.z);
  const paddedU = new Float64Array(inputChannels * (rows + 2 * pad) * (cols + 2 * pad));
  const uFixed = boundary.kind === "fixed" ? boundary.u : 0;
  fillPadded(boundary, uFixed, u, inputChannels, rows, cols, pad, paddedU);
  correlator(layer, "B", pad).correlateAdd(paddedU, constantInput);
  return constantInput;
}

/** What a mapped layer's systems share, whatever their input. */
function layerParts(layer: MappedLayer, precision: VariantPrecision, lockstep: number) {
  const { rows, cols } = layer;
  const n = mappedCells(layer);
  const pad = 1;
  const alpha = layer.output.alpha;
  const beta = 1 - alpha;
  const L = layer.output.saturation;
  const stuck = layer.stuck;
  const stuckValue = layer.stuckOutput;
  const pc = cols + 2 * pad;
  const plane = (rows + 2 * pad) * pc;
  const dim = layer.memristor ? 2 * n : n;
  const feedback = correlator(
    layer,
    precision === "float32" ? "A32" : "A",
    pad,
    { cells: n, dim, vectors: SOLVER_VECTORS, lockstep },
    precision,
  );
  // The solve in the correlator's memory (its output pass clamps at ±1: the standard level only).
  const mod = L === 1 ? feedback.inModule : undefined;
  // Where the stuck cells sit in the padded field.
  const stuckAt: number[] = [];
  if (stuck)
    for (let k = 0; k < n; k++)
      if (stuck[k]) {
        const c = Math.floor(k / (rows * cols));
        const r = k - c * rows * cols;
        const i = Math.floor(r / cols);
        stuckAt.push(c * plane + (i + pad) * pc + pad + (r - i * cols));
      }
  const output = (x: Float64Array, y: Float64Array) => {
    for (let k = 0; k < n; k++) {
      const v = x[k];
      y[k] = stuck?.[k] ? stuckValue : alpha * v + beta * (v > L ? L : v < -L ? -L : v);
    }
  };
  const memristor = layer.memristor;
  const initialState = () => {
    const s = new Float64Array(dim);
    if (memristor) s.set(memristor.w0, n);
    return s;
  };
  return {
    n,
    dim,
    pad,
    alpha,
    beta,
    L,
    stuck,
    stuckValue,
    stuckAt,
    yFixed: layer.boundary.kind === "fixed" ? layer.boundary.y : 0,
    feedback,
    mod,
    output,
    initialState,
    memristorTerm: memristor ? memristorTerm(layer, n, alpha, beta, L) : null,
  };
}

/**
 * The memristor's part of an M-CellNN mapped system's right-hand side, added to dx/dt (after
 * the template current) and written to dw/dt: − (R/V_s)·i_M,k(w, V_s·v) and τ·g_k(w, V_s·v).
 */
function memristorTerm(
  layer: MappedLayer,
  n: number,
  alpha: number,
  beta: number,
  L: number,
): (state: Float64Array, dsdt: Float64Array) => void {
  const { models, voltage } = layer.memristor!;
  const { tau, Vs, R } = layer.scales;
  const currentScale = R / Vs;
  const pair = new Float64Array(2); // current and rate of one device (currentAndRate)
  const useOutput = voltage === "y";
  // The unit output level: the cell engine's WebAssembly pass (cells/memristorPass.ts) for one
  // model in every device (no device-to-device variation), so that an all-off profile stays the
  // cell engine's bits, and its per-device form for models of their own; another level takes the
  // TypeScript loop.
  const settings = { cells: n, tau, Vs, R, alpha, beta, senseY: useOutput };
  const pass =
    L !== 1
      ? null
      : models.every((m) => m === models[0])
        ? memristorPass(models[0], settings)
        : memristorDevicesPass(models, settings);
  if (pass) return (state, dsdt) => pass.apply(state, dsdt);
  return (state, dsdt) => {
    for (let k = 0; k < n; k++) {
      const w = state[n + k];
      const x = state[k];
      const v = Vs * (useOutput ? alpha * x + beta * (x > L ? L : x < -L ? -L : x) : x);
      const model = models[k];
      if (model.currentAndRate) {
        model.currentAndRate(w, v, pair);
        dsdt[k] -= currentScale * pair[0];
        dsdt[n + k] = tau * pair[1];
      } else {
        dsdt[k] -= currentScale * model.current(w, v);
        dsdt[n + k] = tau * model.stateRate(w, v);
      }
    }
  };
}

/** DOPRI5's 15 work vectors (the solver the mapped layers take by default). */
const SOLVER_VECTORS = 15;

const correlators = new WeakMap<
  MappedLayer,
  { A?: VariantCorrelator; A32?: VariantCorrelator; B?: VariantCorrelator }
>();

/**
 * The A (or B) correlation of a mapped layer, set up once per layer (the SIMD path copies the
 * per-cell coefficients into a WebAssembly instance of its own, kept as long as the layer) and
 * shared by every system built on it. Calls are sequential: one thread evaluates one system at a
 * time.
 */
function correlator(
  layer: MappedLayer,
  which: "A" | "A32" | "B",
  pad: number,
  space?: SolverSpace,
  precision: VariantPrecision = "float64",
): VariantCorrelator {
  let entry = correlators.get(layer);
  if (!entry) {
    entry = {};
    correlators.set(layer, entry);
  }
  let c = entry[which];
  // A solve asking for more lockstep slots than the kept correlator has: set it up again.
  if (c?.inModule && (space?.lockstep ?? 1) > (c.inModule.lockstep?.capacity ?? 1)) c = undefined;
  if (!c) {
    const template = which === "B" ? "B" : "A";
    c = variantCorrelator(
      layer.programmed[template],
      layer[template],
      pad,
      layer.rows,
      layer.cols,
      space,
      precision,
    );
    entry[which] = c;
  }
  return c;
}
