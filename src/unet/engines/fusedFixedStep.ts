import { fillBorder, fillPadded } from "../../cells/boundary.js";
import { correlateAdd3x3InModule } from "../../cells/correlate.js";
import { passConstants, passTakes } from "../../cells/memristorPass.js";
import { outputSlopeOutside } from "../../cells/output.js";
import type { CellArray } from "../../cells/spec.js";
import type { CellSystem } from "../../cells/system.js";
import { type Combine, combineInModule } from "../../core/stageSums.js";
import { activeKernel } from "../../kernels/choice.js";
import { correlateAdd3x3F32 } from "../../kernels/correlate3x3F32.js";
import { SMOOTH_V1_SIMD_SLOTS } from "../../kernels/memristorSimd.js";
import {
  newTaps3x3F32,
  newTaps3x3Simd,
  type Taps3x3F32,
  type Taps3x3Simd,
} from "../../kernels/taps3x3Simd.js";
import {
  correlateAdd3x3Winograd,
  type WinogradOperands,
  type WinogradTiling,
  winogradApplies,
  winogradFilter,
  winogradInputOverrun,
  winogradTiling,
} from "../../kernels/winograd3x3F32.js";
import { mixedRegions } from "../../kernels/workspace.js";
import { combineInto } from "../../solvers/combine.js";
import { solverFailure } from "../../solvers/failure.js";
import { type ExplicitTableau, stepGrid } from "../../solvers/fixedStep.js";
import type { SolverMethod } from "../../solvers/types.js";

/** The kernels' own instances: the working set stays in their memory from one call to the next. */
let own: Taps3x3Simd | null | undefined;
let own32: Taps3x3F32 | null | undefined;

/**
 * The arithmetic of the correlation A ⋆ f(x): `float64` (the reference's bits), or `float32`:
 * f(x) rounded to float32 and the correlation summed in float32, added to the float64 right-hand
 * side; the state, the memristor and the solver stay float64. The float32 sums are Winograd's
 * F(2×2, 3×3) (src/kernels/winograd3x3F32.ts: 16 multiplies per 2×2 outputs instead of 36, its
 * U = G·A·Gᵀ from the float64 A) where rows and cols are even and the channels a multiple of 4,
 * and the direct f32x4 taps (A rounded to float32, four columns per vector) elsewhere. Where
 * Winograd applies and B is 3×3, B ⋆ u is summed by it too (u rounded to float32, once per
 * solve; `system`'s own B ⋆ u is then never computed). float32 needs WebAssembly SIMD
 * (float32Available).
 */
export type FusedPrecision = "float64" | "float32";

/** Whether this engine can run the float32 precision (it has WebAssembly SIMD). */
export function float32Available(): boolean {
  if (own32 === undefined) own32 = newTaps3x3F32();
  return own32 !== null;
}

/**
 * An explicit fixed-step solve of a cell array over [0, t1] with step dt, without the general
 * solver's overhead: the same arithmetic as `solveFixedStep(createCellSystem(array), …)` with the
 * state reported only at t1, operation for operation, so the result is the same bits (test/unet/
 * fusedFixedStep.test.ts compares them, on each kernel: with WebAssembly the reference evaluates
 * the smooth-v1 memristor by the same pass, src/cells/memristorPass.ts). What differs is where
 * the work happens:
 *
 *   - A's coefficients, the padded outputs y = f(x), B ⋆ u + z, the states and the stages k_i
 *     live in the memory of a WebAssembly instance of the 3×3 kernels that nothing else uses
 *     (the float32 one for precision float32), so the correlation reads and writes them in
 *     place (correlateAdd3x3InModule): no copy in or out per right-hand side;
 *   - one pass per right-hand side, in that module (cellStepSimd's output), writes f(x) into
 *     the padded buffer's interior and −x + (B ⋆ u + z) into the stage; for an M-CellNN the
 *     memristor's current and rate follow: for `strachan-taox-smooth-v1` (the trained layers'
 *     model) by the module's own pass (src/kernels/memristorSimd.ts, two cells per vector),
 *     for other models by a TypeScript loop (model.currentAndRate); then the border (a fixed
 *     one is filled once per solve), the correlation, and the current subtracted;
 *   - the stage arguments y + h·Σ a_ij·k_j and the step y + h·Σ b_i·k_i are formed one axpy per
 *     term in the module, in the solver's order (y, then each term in turn; zero a_ij skipped as
 *     the solver skips them), with no report or interpolation work, and each new state is
 *     checked for non-finite values there.
 *
 * Without WebAssembly SIMD (the scalar kernel, float64) the same passes run as TypeScript loops
 * on plain arrays.
 *
 * `system` supplies B ⋆ u + z and the initial state exactly as the reference computes them.
 * `check` runs before every right-hand side, as runBatch's watched system does. Returns the
 * state at t1, or null where this path does not apply (templates other than 3×3 A with B at
 * most 3×3); the caller then takes the reference path.
 */
export function fusedFixedStep(
  system: CellSystem,
  array: CellArray,
  tableau: ExplicitTableau,
  t1: number,
  dt: number,
  check?: () => void,
  precision: FusedPrecision = "float64",
  reuse?: FusedReuse,
): Float64Array | null {
  const s = tableau.b.length;
  const fused = fusedCell(system, array, { stages: s, extra: 0 }, check, precision, reuse);
  if (fused === null) return null;
  const { rhs, sum, allFinite, yStage, k } = fused;
  let { y, yNew } = fused;
  const method = tableau.name as SolverMethod;
  const { times, lastStep } = stepGrid(0, t1, dt);
  const nSteps = times.length - 1;
  // Each stage's nonzero a_ij (the solver skips zero terms).
  const stageTerms = (h: number) =>
    Array.from({ length: s }, (_, i) => {
      const terms: number[] = [];
      for (let j = 0; j < i; j++) if (h * tableau.a[i][j] !== 0) terms.push(j);
      return terms;
    });
  // Worked out once for the regular step and once for the last one, not on every step.
  const regularStages = stageTerms(dt);
  const lastStages = stageTerms(lastStep);
  for (let step = 0; step < nSteps; step++) {
    const last = step === nSteps - 1;
    const h = last ? lastStep : dt;
    const stages = last ? lastStages : regularStages;
    rhs(y, k[0]);
    for (let i = 1; i < s; i++) {
      const ai = tableau.a[i];
      const terms = stages[i];
      sum(
        yStage,
        y,
        terms.map((j) => h * ai[j]),
        terms.map((j) => k[j]),
      );
      rhs(yStage, k[i]);
    }
    sum(
      yNew,
      y,
      tableau.b.map((b) => h * b),
      k,
    );
    if (!allFinite(yNew))
      throw solverFailure(
        "non-finite-state",
        method,
        times[step + 1],
        h,
        yNew.slice(),
        "y",
        "the step produced a non-finite state",
      );
    [y, yNew] = [yNew, y];
  }
  // The kernels' memory is reused by the next call: the caller gets a copy.
  return fused.inModule ? y.slice() : y;
}

/**
 * A cell array's right-hand side with its working set in the kernels' own memory (fusedFixedStep
 * describes it): rhs(state, out) on the workspace's vectors (y, yNew, yStage, k, extra), the stage
 * sums on them (one pass per sum in the module, combineInto's bits) and the non-finite check.
 * Valid until the next fusedCell call (the memory is reused). Null where the path does not apply
 * (A not 3×3, or B larger than 3×3).
 */
export interface FusedCell {
  rhs(state: Float64Array, out: Float64Array): void;
  readonly sum: Combine;
  allFinite(values: Float64Array): boolean;
  readonly y: Float64Array;
  readonly yNew: Float64Array;
  readonly yStage: Float64Array;
  readonly k: Float64Array[];
  readonly extra: Float64Array[];
  /** The vectors live in a WebAssembly instance's memory (false: plain arrays, scalar kernel). */
  readonly inModule: boolean;
}

export function fusedCell(
  system: CellSystem,
  array: CellArray,
  vectors: { readonly stages: number; readonly extra: number },
  check?: () => void,
  precision: FusedPrecision = "float64",
  reuse?: FusedReuse,
): FusedCell | null {
  if (array.A.size !== 3 || array.B.size > 3) return null;
  const { channels, rows, cols, boundary } = array;
  const n = system.cells;
  const dim = system.dim;
  const pad = 1;
  const pc = cols + 2 * pad;
  const plane = (rows + 2 * pad) * pc;

  if (precision === "float32" && !float32Available())
    throw new Error("fusedFixedStep: float32 needs WebAssembly SIMD (float32Available)");
  if (own === undefined) own = newTaps3x3Simd();
  const simd = activeKernel() === "wasm" ? own : null;
  // Where the working set lives: the float32 kernels' memory, the float64 kernels' memory, or
  // (the scalar kernel) plain arrays.
  const instance = precision === "float32" ? own32! : simd;
  const model = array.memristor?.model;
  // The smooth-v1 memristor (the trained M-CellNN layers') has a pass in the module.
  const memristorInModule = instance !== null && model !== undefined && passTakes(model);
  // float32 on an even field with channels in fours: A ⋆ y by Winograd (F(4×4, 3×3) where rows
  // and cols are multiples of 4, else F(2×2, 3×3)), and a 3×3 B ⋆ u too (float32, once per solve).
  const winograd =
    precision === "float32" && winogradApplies(channels, rows, cols)
      ? winogradTiling(rows, cols)
      : null;
  const inputWinograd = winograd !== null && array.B.size === 3;
  const cIn = array.inputChannels;
  const w = workspace(instance, {
    float32: precision === "float32",
    coefLength: array.A.data.length,
    paddedLength: channels * plane,
    n,
    dim,
    stages: vectors.stages,
    extra: vectors.extra,
    current: model !== undefined,
    memristorConstants: memristorInModule,
    winograd: winograd && {
      channels,
      // B's operands share U, V and M: the larger of the two correlations' sizes
      inChannels: inputWinograd ? Math.max(channels, cIn) : channels,
      tiles8: winograd.tiles8,
      positions: winograd.positions,
      overrun: winogradInputOverrun(cols),
      paddedInputLength: inputWinograd ? cIn * plane : 0,
    },
  });
  const { coef, paddedY, sums, cI, k, yStage, result, current, memristorConstants } = w;
  const { y } = w;
  // V's tiles past the field's (tiles8's padding) are read by the products but never written:
  // zero, not whatever this memory held before (subnormal float32 patterns there cost the
  // multiply-adds a microcode assist each). Before B ⋆ u, the first correlation.
  w.winograd?.V.fill(0);
  if (inputWinograd) {
    // cI = z + B ⋆ u: u padded by the boundary's rule (as createCellSystem pads it), rounded
    // to float32, correlated by Winograd, the sums widened and added to z by its output transform.
    const { paddedInput, U, V, M } = w.winograd!;
    const uFixed = boundary.kind === "fixed" ? boundary.u : 0;
    fillPadded(
      boundary,
      uFixed,
      array.input,
      cIn,
      rows,
      cols,
      pad,
      paddedInput as unknown as Float64Array,
    );
    // The slack after the planes is read by the input transform (a cropped F(4×4) field mixes
    // it into its last tile row's outputs through rounding): zeros, not stale memory.
    paddedInput.fill(0, cIn * plane);
    U.set(winogradFilterOf(array.B.data, channels, cIn, reuse, winograd!));
    const cells = rows * cols;
    for (let c = 0; c < channels; c++) cI.fill(array.z[c], c * cells, (c + 1) * cells);
    correlateAdd3x3Winograd(
      own32!.winograd!,
      channels,
      cIn,
      { U, V, M },
      paddedInput,
      rows,
      cols,
      cI,
      winograd!,
    );
  } else cI.set(system.constantInput);
  // Winograd reads U, not the coefficients
  if (w.winograd)
    w.winograd.U.set(winogradFilterOf(array.A.data, channels, channels, reuse, winograd!));
  else coef.set(array.A.data);
  paddedY.fill(0);
  // system.initialState() without its allocation: x(0), then w(0) for an M-CellNN.
  y.set(array.x0);
  if (array.memristor) y.set(array.memristor.w0, n);

  const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
  // A fixed boundary's virtual cells never change: filled once here, not on every right-hand side.
  const fixedBorder = boundary.kind === "fixed";
  const border = () =>
    fillBorder(boundary, yFixed, paddedY as unknown as Float64Array, channels, rows, cols, pad);
  if (fixedBorder) border();
  const alpha = outputSlopeOutside(array.output);
  const beta = 1 - alpha;
  const useOutput = array.memristor?.voltage === "y";
  const { tau, Vs, R } = array.scales;
  const currentScale = R / Vs;
  const pair = new Float64Array(2);
  const elementwise = instance?.step;
  if (memristorInModule)
    passConstants(
      model,
      { cells: n, tau, Vs, R, alpha, beta, senseY: useOutput },
      memristorConstants!,
    );
  const eb = sums ? 4 : 8;
  const interior = paddedY.byteOffset + eb * (pad * pc + pad);

  // The correlation A ⋆ y added to out, after the output pass and the border.
  const correlate = (out: Float64Array) => {
    if (!fixedBorder) border();
    if (w.winograd) {
      correlateAdd3x3Winograd(
        own32!.winograd!,
        channels,
        channels,
        w.winograd,
        paddedY as Float32Array,
        rows,
        cols,
        out,
        winograd!,
      );
    } else if (sums) {
      sums.fill(0);
      correlateAdd3x3F32(
        own32!,
        channels,
        channels,
        coef as Float32Array,
        paddedY as Float32Array,
        rows,
        cols,
        sums,
      );
      if (elementwise) elementwise.addSums(out.byteOffset, sums.byteOffset, n);
      else for (let m = 0; m < n; m++) out[m] += sums[m];
    } else
      correlateAdd3x3InModule(
        simd,
        array.A,
        coef as Float64Array,
        paddedY as Float64Array,
        pad,
        rows,
        cols,
        out,
      );
  };

  // F(state) into out: the reference's templateCurrent and memristor loop in one pass, then
  // the border, A ⋆ y in place, and the memristor current subtracted.
  const rhsTypescript = (state: Float64Array, out: Float64Array) => {
    check?.();
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < rows; i++) {
        const src = (c * rows + i) * cols;
        const dst = c * plane + (i + pad) * pc + pad;
        for (let j = 0; j < cols; j++) {
          const v = state[src + j];
          const y = alpha * v + beta * (v > 1 ? 1 : v < -1 ? -1 : v);
          paddedY[dst + j] = y;
          out[src + j] = cI[src + j] - v;
          if (model !== undefined) {
            const cell = src + j;
            const w = state[n + cell];
            const u = Vs * (useOutput ? y : v);
            if (model.currentAndRate) {
              model.currentAndRate(w, u, pair);
              current![cell] = currentScale * pair[0];
              out[n + cell] = tau * pair[1];
            } else {
              current![cell] = currentScale * model.current(w, u);
              out[n + cell] = tau * model.stateRate(w, u);
            }
          }
        }
      }
    }
    correlate(out);
    if (current !== undefined) for (let m = 0; m < n; m++) out[m] -= current[m];
  };
  // The same with the element-wise pass in the kernels' module (cellStepSimd); an M-CellNN's
  // memristor loop stays here, after it (y recomputed with the same operations).
  const memristors = (state: Float64Array, out: Float64Array) => {
    for (let cell = 0; cell < n; cell++) {
      const v = state[cell];
      const w = state[n + cell];
      const u = Vs * (useOutput ? alpha * v + beta * (v > 1 ? 1 : v < -1 ? -1 : v) : v);
      if (model!.currentAndRate) {
        model!.currentAndRate(w, u, pair);
        current![cell] = currentScale * pair[0];
        out[n + cell] = tau * pair[1];
      } else {
        current![cell] = currentScale * model!.current(w, u);
        out[n + cell] = tau * model!.stateRate(w, u);
      }
    }
  };
  const rhsModule = (state: Float64Array, out: Float64Array) => {
    check?.();
    elementwise!.output(
      state.byteOffset,
      cI.byteOffset,
      out.byteOffset,
      interior,
      eb * plane,
      eb * pc,
      channels,
      rows,
      cols,
      alpha,
      beta,
    );
    if (memristorInModule)
      elementwise!.smoothV1(
        state.byteOffset,
        out.byteOffset,
        current!.byteOffset,
        n,
        memristorConstants!.byteOffset,
      );
    else if (model !== undefined) memristors(state, out);
    correlate(out);
    // out − current as out + (−1)·current: the same bits.
    if (current !== undefined)
      elementwise!.axpy(out.byteOffset, out.byteOffset, current.byteOffset, n, -1);
  };
  const rhs = elementwise ? rhsModule : rhsTypescript;
  // out = (((y + c_0·k_0) + c_1·k_1) + …): in the module one pass per sum (stageSums.ts), the
  // same operations in the same order as combineInto.
  const sum: Combine = instance ? combineInModule(instance.memory, instance.sums) : combineInto;
  const allFinite = (values: Float64Array) => {
    if (!elementwise || !result) return values.every(Number.isFinite);
    elementwise.nonFinite(values.byteOffset, dim, result.byteOffset);
    return result[0] === 0 && result[1] === 0;
  };

  return {
    rhs,
    sum,
    allFinite,
    y: w.y,
    yNew: w.yNew,
    yStage,
    k,
    extra: w.extra,
    inModule: instance !== null,
  };
}

/** What the working set holds (see fusedFixedStep). */
interface WorkspaceSizes {
  /** coef and paddedY are float32 (the float32 kernels). */
  readonly float32: boolean;
  readonly coefLength: number;
  readonly paddedLength: number;
  readonly n: number;
  readonly dim: number;
  readonly stages: number;
  /** Further vectors of dim values (a solver's own: the adaptive one's error and dense output). */
  readonly extra: number;
  /** The memristor currents (an M-CellNN). */
  readonly current: boolean;
  /** The smooth-v1 pass's constants block (memristorSimd.ts). */
  readonly memristorConstants: boolean;
  /** Winograd's operands (float32 only): C channels, the tile count, the input's overrun. */
  readonly winograd: {
    channels: number;
    /** The most input channels a Winograd correlation here has (A's C, or B's C_in). */
    inChannels: number;
    tiles8: number;
    /** The tiling's positions per tile (16 or 36, winogradTiling). */
    positions: number;
    overrun: number;
    /** B ⋆ u's padded input (C_in planes), 0 where B ⋆ u is not by Winograd. */
    paddedInputLength: number;
  } | null;
}

/**
 * U of each template (one per layer, shared by its batch elements), computed on first use and
 * kept with a copy of the coefficients it came from: a template changed in place is recomputed.
 */
const winogradFilters = new WeakMap<
  Float64Array,
  { from: Float64Array; m: 2 | 4; U: Float32Array }
>();

function winogradFilterOf(
  A: Float64Array,
  outChannels: number,
  inChannels: number,
  reuse: FusedReuse | undefined,
  tiling: WinogradTiling,
): Float32Array {
  const held = reuse?.filters.get(A);
  if (held !== undefined && held.length === tiling.positions * outChannels * inChannels)
    return held;
  let entry = winogradFilters.get(A);
  if (entry === undefined || entry.m !== tiling.m || !sameValues(entry.from, A)) {
    const U = new Float32Array(tiling.positions * outChannels * inChannels);
    entry = { from: A.slice(), m: tiling.m, U };
    winogradFilter(A, outChannels, inChannels, entry.U, tiling.m);
    winogradFilters.set(A, entry);
  }
  reuse?.filters.set(A, entry.U);
  return entry.U;
}

/**
 * What the solves of one batch may share (fusedReuse() makes one per layer run): the Winograd
 * filters U of its templates, checked against their coefficients once, by the first element,
 * not by every one (the templates cannot change between the elements of one synchronous run).
 */
export interface FusedReuse {
  readonly filters: Map<Float64Array, Float32Array>;
}

export function fusedReuse(): FusedReuse {
  return { filters: new Map() };
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let m = 0; m < a.length; m++) if (a[m] !== b[m]) return false;
  return true;
}

/** One call's working set (see fusedFixedStep). */
interface Workspace {
  readonly coef: Float64Array | Float32Array;
  readonly paddedY: Float64Array | Float32Array;
  /** The float32 correlation's sums (float32 precision only). */
  readonly sums?: Float32Array;
  readonly cI: Float64Array;
  readonly y: Float64Array;
  readonly yNew: Float64Array;
  readonly yStage: Float64Array;
  readonly k: Float64Array[];
  readonly extra: Float64Array[];
  /** nonFinite's two lanes (in a module only). */
  readonly result?: Float64Array;
  /** The memristor currents R/V_s·i, an M-CellNN only. */
  readonly current?: Float64Array;
  /** The smooth-v1 pass's constants (in a module only, where that pass runs). */
  readonly memristorConstants?: Float64Array;
  /** The Winograd correlations' U, V and M, and B ⋆ u's padded input (float32, even fields). */
  readonly winograd?: WinogradOperands & { readonly paddedInput: Float32Array };
}

/**
 * The working set in `instance`'s memory (16-byte aligned regions, kernelRegions' layout), or
 * plain arrays without one. coef and paddedY are float32 for the float32 kernels.
 */
function workspace(instance: Taps3x3Simd | null, sizes: WorkspaceSizes): Workspace {
  const { float32, coefLength, paddedLength, n, dim, stages, extra } = sizes;
  if (instance === null) {
    const f = (length: number) => new Float64Array(length);
    return {
      coef: f(coefLength),
      paddedY: f(paddedLength),
      cI: f(n),
      y: f(dim),
      yNew: f(dim),
      yStage: f(dim),
      k: Array.from({ length: stages }, () => f(dim)),
      extra: Array.from({ length: extra }, () => f(dim)),
      current: sizes.current ? f(n) : undefined,
    };
  }
  const wg = sizes.winograd;
  const views = mixedRegions(instance.memory, [
    { length: coefLength, float32 },
    // Winograd's input transform reads a few floats past the field (winogradInputOverrun).
    { length: paddedLength + (wg ? wg.overrun : 0), float32 },
    { length: float32 ? n : 0, float32: true },
    { length: n },
    { length: 2 },
    { length: sizes.current ? n : 0 },
    { length: sizes.memristorConstants ? SMOOTH_V1_SIMD_SLOTS : 0 },
    { length: wg ? wg.positions * wg.channels * wg.inChannels : 0, float32: true },
    { length: wg ? wg.positions * wg.inChannels * wg.tiles8 : 0, float32: true },
    { length: wg ? wg.positions * wg.channels * wg.tiles8 : 0, float32: true },
    {
      length: wg && wg.paddedInputLength > 0 ? wg.paddedInputLength + wg.overrun : 0,
      float32: true,
    },
    ...Array.from({ length: 3 + stages + extra }, () => ({ length: dim })),
  ]);
  const [
    coef,
    paddedY,
    sums,
    cI,
    result,
    current,
    constants,
    U,
    V,
    M,
    paddedInput,
    y,
    yNew,
    yStage,
    ...vectors
  ] = views;
  return {
    coef,
    paddedY,
    sums: float32 ? (sums as Float32Array) : undefined,
    cI: cI as Float64Array,
    result: result as Float64Array,
    y: y as Float64Array,
    yNew: yNew as Float64Array,
    yStage: yStage as Float64Array,
    k: vectors.slice(0, stages) as Float64Array[],
    extra: vectors.slice(stages) as Float64Array[],
    current: sizes.current ? (current as Float64Array) : undefined,
    memristorConstants: sizes.memristorConstants ? (constants as Float64Array) : undefined,
    winograd: wg
      ? {
          U: U as Float32Array,
          V: V as Float32Array,
          M: M as Float32Array,
          paddedInput: paddedInput as Float32Array,
        }
      : undefined,
  };
}
