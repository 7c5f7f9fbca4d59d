import { fillBorder } from "../../cells/boundary.js";
import { correlateAdd3x3InModule } from "../../cells/correlate.js";
import { outputSlopeOutside } from "../../cells/output.js";
import type { CellArray } from "../../cells/spec.js";
import type { CellSystem } from "../../cells/system.js";
import { activeKernel } from "../../kernels/choice.js";
import { correlateAdd3x3F32 } from "../../kernels/correlate3x3F32.js";
import {
  newTaps3x3F32,
  newTaps3x3Simd,
  type Taps3x3F32,
  type Taps3x3Simd,
} from "../../kernels/taps3x3Simd.js";
import { kernelRegions, kernelRegionsF32 } from "../../kernels/workspace.js";
import { solverFailure } from "../../solvers/failure.js";
import { type ExplicitTableau, stepGrid } from "../../solvers/fixedStep.js";
import type { SolverMethod } from "../../solvers/types.js";

/** The kernels' own instances: the working set stays in their memory from one call to the next. */
let own: Taps3x3Simd | null | undefined;
let own32: Taps3x3F32 | null | undefined;

/**
 * The arithmetic of the correlation A ⋆ f(x): `float64` (the reference's bits), or `float32`:
 * f(x) and A rounded to float32 and the correlation summed in float32 (f32x4, four columns per
 * vector), added to the float64 right-hand side; the state, the memristor and the solver stay
 * float64. float32 needs WebAssembly SIMD (float32Available).
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
 * fusedFixedStep.test.ts compares them). What differs is where the work happens:
 *
 *   - A's coefficients, the padded outputs y = f(x) and the stages k_i live in the memory of a
 *     WebAssembly instance of the 3×3 kernels that nothing else uses, so the correlation reads
 *     and writes them in place (correlateAdd3x3InModule): no copy in or out per right-hand side;
 *   - one pass per right-hand side writes f(x) into the padded buffer's interior, −x + (B ⋆ u + z)
 *     into the stage and, for an M-CellNN, the memristor's current and rate (model.currentAndRate);
 *     then the border, the correlation, and the current subtracted;
 *   - the stage arguments y + h·Σ a_ij·k_j and the step y + h·Σ b_i·k_i are formed in one pass
 *     per component, in the solver's order (y, then each term in turn; zero a_ij skipped as
 *     the solver skips them), with no report or interpolation work.
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
): Float64Array | null {
  if (array.A.size !== 3 || array.B.size > 3) return null;
  const { channels, rows, cols, boundary } = array;
  const n = system.cells;
  const dim = system.dim;
  const pad = 1;
  const pc = cols + 2 * pad;
  const plane = (rows + 2 * pad) * pc;
  const s = tableau.b.length;

  if (own === undefined) own = newTaps3x3Simd();
  const simd = activeKernel() === "wasm" ? own : null;
  const regions = kernelRegions(simd?.memory ?? null, [
    array.A.data.length,
    channels * plane,
    ...Array.from({ length: s }, () => dim),
  ]);
  const coef = regions[0];
  const k = regions.slice(2);
  // float32: A, f(x) padded and the correlation's sums in the float32 kernels' memory.
  let single: { coef: Float32Array; padded: Float32Array; sums: Float32Array } | undefined;
  if (precision === "float32") {
    if (!float32Available())
      throw new Error("fusedFixedStep: float32 needs WebAssembly SIMD (float32Available)");
    const [coef32, padded32, sums] = kernelRegionsF32(own32!.memory, [
      array.A.data.length,
      channels * plane,
      n,
    ]);
    coef32.set(array.A.data);
    single = { coef: coef32, padded: padded32, sums };
  }
  // fillBorder only reads, writes and copies elements: it serves the float32 buffer too.
  const paddedY = single ? (single.padded as unknown as Float64Array) : regions[1];
  coef.set(array.A.data);
  paddedY.fill(0);

  const constantInput = system.constantInput;
  const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
  const alpha = outputSlopeOutside(array.output);
  const beta = 1 - alpha;
  const memristor = array.memristor;
  const model = memristor?.model;
  const useOutput = memristor?.voltage === "y";
  const { tau, Vs, R } = array.scales;
  const currentScale = R / Vs;
  const current = memristor ? new Float64Array(n) : undefined;
  const pair = new Float64Array(2);

  // F(state) into out: the reference's templateCurrent and memristor loop in one pass, then
  // the border, A ⋆ y in place, and the memristor current subtracted.
  const rhs = (state: Float64Array, out: Float64Array) => {
    check?.();
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < rows; i++) {
        const src = (c * rows + i) * cols;
        const dst = c * plane + (i + pad) * pc + pad;
        for (let j = 0; j < cols; j++) {
          const v = state[src + j];
          const y = alpha * v + beta * (v > 1 ? 1 : v < -1 ? -1 : v);
          paddedY[dst + j] = y;
          out[src + j] = constantInput[src + j] - v;
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
    fillBorder(boundary, yFixed, paddedY, channels, rows, cols, pad);
    if (single) {
      const sums = single.sums.fill(0);
      correlateAdd3x3F32(own32!, channels, channels, single.coef, single.padded, rows, cols, sums);
      for (let m = 0; m < n; m++) out[m] += sums[m];
    } else correlateAdd3x3InModule(simd, array.A, coef, paddedY, pad, rows, cols, out);
    if (current !== undefined) for (let m = 0; m < n; m++) out[m] -= current[m];
  };

  const method = tableau.name as SolverMethod;
  const { times, lastStep } = stepGrid(0, t1, dt);
  const nSteps = times.length - 1;
  let y: Float64Array = system.initialState();
  let yNew: Float64Array = new Float64Array(dim);
  const yStage = new Float64Array(dim);
  for (let step = 0; step < nSteps; step++) {
    const h = step < nSteps - 1 ? dt : lastStep;
    rhs(y, k[0]);
    for (let i = 1; i < s; i++) {
      const ai = tableau.a[i];
      const terms: number[] = [];
      for (let j = 0; j < i; j++) if (h * ai[j] !== 0) terms.push(j);
      combine(
        yStage,
        y,
        terms.map((j) => h * ai[j]),
        terms.map((j) => k[j]),
      );
      rhs(yStage, k[i]);
    }
    combine(
      yNew,
      y,
      tableau.b.map((b) => h * b),
      k,
    );
    for (let m = 0; m < dim; m++)
      if (!Number.isFinite(yNew[m]))
        throw solverFailure(
          "non-finite-state",
          method,
          times[step + 1],
          h,
          yNew,
          "y",
          "the step produced a non-finite state",
        );
    [y, yNew] = [yNew, y];
  }
  return y;
}

/**
 * out[m] = (((y[m] + c_0·k_0[m]) + c_1·k_1[m]) + …) in one pass: the reference's `set` and one
 * axpy per term, in the same order, so the same bits. Up to four terms take an unrolled loop.
 */
function combine(out: Float64Array, y: Float64Array, c: number[], k: Float64Array[]): void {
  const n = out.length;
  switch (c.length) {
    case 0:
      out.set(y);
      return;
    case 1: {
      const [c0, k0] = [c[0], k[0]];
      for (let m = 0; m < n; m++) out[m] = y[m] + c0 * k0[m];
      return;
    }
    case 4: {
      const [c0, c1, c2, c3] = c;
      const [k0, k1, k2, k3] = k;
      for (let m = 0; m < n; m++) out[m] = y[m] + c0 * k0[m] + c1 * k1[m] + c2 * k2[m] + c3 * k3[m];
      return;
    }
    default:
      out.set(y);
      for (let j = 0; j < c.length; j++) {
        const [cj, kj] = [c[j], k[j]];
        for (let m = 0; m < n; m++) out[m] += cj * kj[m];
      }
  }
}
