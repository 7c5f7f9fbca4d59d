import { ValidationError } from "../core/errors.js";
import type { CsrMatrix } from "../core/sparse.js";
import { correlateAdd3x3F32 } from "../kernels/correlate3x3F32.js";
import { newTaps3x3F32 } from "../kernels/taps3x3Simd.js";
import { kernelRegionsF32 } from "../kernels/workspace.js";
import type { OdeSystem } from "../solvers/types.js";
import { fillBorder, fillPadded } from "./boundary.js";
import { correlateAdd } from "./correlate.js";
import { buildJacobianPattern, type JacobianPattern, updateJacobian } from "./jacobian.js";
import { memristorPass } from "./memristorPass.js";
import { applyOutput, outputSlopeOutside } from "./output.js";
import { type CellArray, cellCount } from "./spec.js";

/**
 * The ODE system of an array, in normalised time (units of τ):
 *
 *   CellNN    dx/dt = −x + A ⋆ f(x) + (B ⋆ u + z)
 *   M-CellNN  dx/dt = −x + A ⋆ f(x) + (B ⋆ u + z) − (R/V_s)·i_M(w, V_s·v)
 *             dw/dt = τ·g(w, V_s·v)        with v = x (or y = f(x)), DESIGN.md 2.3
 *
 * The state vector is x (C·H·W) for a CellNN and [x, w] (2·C·H·W) for an M-CellNN.
 * B ⋆ u + z is computed once, on first use (the first right-hand side or read of
 * constantInput): a caller that brings its own, as the trained engine's float32 path does, does
 * not pay for it.
 */
export interface CellSystem extends OdeSystem {
  readonly array: CellArray;
  /** Number of cells C·H·W (the x part of the state). */
  readonly cells: number;
  /** B ⋆ u + z, per cell. */
  readonly constantInput: Float64Array;
  /** The initial state: x(0), followed by w(0) for an M-CellNN. */
  initialState(): Float64Array;
}

/** The arithmetic of A ⋆ f(x) in a cell system. */
export type SystemPrecision = "float64" | "float32";

export interface CellSystemOptions {
  /**
   * `float64` (default): every operation in float64. `float32`: f(x) and A rounded to float32 and
   * A ⋆ f(x) summed in float32 by the f32x4 WebAssembly SIMD kernel (3×3 A only), added to the
   * float64 right-hand side; B ⋆ u + z, the state, the memristor and the solver stay float64
   * (the trained engine's `precision: "float32"`, now for the adaptive solvers and co-simulation).
   */
  readonly precision?: SystemPrecision;
}

export function createCellSystem(array: CellArray, options: CellSystemOptions = {}): CellSystem {
  const { channels, rows, cols, boundary } = array;
  const n = cellCount(array);
  const pad = Math.max((array.A.size - 1) / 2, (array.B.size - 1) / 2);
  const paddedLength = (c: number) => c * (rows + 2 * pad) * (cols + 2 * pad);

  let constantInputValue: Float64Array | undefined;
  const constantInputOf = (): Float64Array => {
    if (constantInputValue === undefined) {
      constantInputValue = new Float64Array(n);
      for (let c = 0; c < channels; c++)
        constantInputValue.fill(array.z[c], c * rows * cols, (c + 1) * rows * cols);
      const paddedU = new Float64Array(paddedLength(array.inputChannels));
      const uFixed = boundary.kind === "fixed" ? boundary.u : 0;
      fillPadded(boundary, uFixed, array.input, array.inputChannels, rows, cols, pad, paddedU);
      correlateAdd(array.B, paddedU, pad, rows, cols, constantInputValue);
    }
    return constantInputValue;
  };

  const precision = options.precision ?? "float64";
  if (precision !== "float64" && precision !== "float32")
    throw new ValidationError("precision", `got ${JSON.stringify(precision)}`, "float64 | float32");
  // Work buffer, allocated once per system on its first right-hand side (a caller that solves
  // elsewhere, as the trained engine's fused path does, never allocates it): the outputs
  // y = f(x) with the boundary's virtual cells around them, written in one pass (no separate
  // y array), then correlated with A. The float32 path keeps its own in its kernel's memory.
  let paddedYBuffer: Float64Array | undefined;
  const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
  const alpha = outputSlopeOutside(array.output);
  const beta = 1 - alpha;
  const pc = cols + 2 * pad;
  const plane = (rows + 2 * pad) * pc;
  const A = array.A;
  const templateCurrent =
    precision === "float32"
      ? float32TemplateCurrent(array, constantInputOf, alpha, beta, yFixed)
      : (x: Float64Array, dxdt: Float64Array) => {
          const constantInput = constantInputOf();
          paddedYBuffer ??= new Float64Array(paddedLength(channels));
          const paddedY = paddedYBuffer;
          for (let c = 0; c < channels; c++) {
            for (let i = 0; i < rows; i++) {
              const src = (c * rows + i) * cols;
              const dst = c * plane + (i + pad) * pc + pad;
              for (let j = 0; j < cols; j++) {
                const v = x[src + j];
                // f(x) exactly as applyOutputInto writes it.
                paddedY[dst + j] = alpha * v + beta * (v > 1 ? 1 : v < -1 ? -1 : v);
                dxdt[src + j] = constantInput[src + j] - v;
              }
            }
          }
          fillBorder(boundary, yFixed, paddedY, channels, rows, cols, pad);
          correlateAdd(A, paddedY, pad, rows, cols, dxdt);
        };

  const memristor = array.memristor;
  if (!memristor) {
    let pattern: JacobianPattern | undefined;
    return {
      array,
      cells: n,
      dim: n,
      get constantInput() {
        return constantInputOf();
      },
      rhs: (_t, x, dxdt) => templateCurrent(x, dxdt),
      jacobian: (_t, x): CsrMatrix => {
        pattern ??= buildJacobianPattern(array);
        return updateJacobian(pattern, array, x);
      },
      initialState: () => Float64Array.from(array.x0),
    };
  }

  const { model, voltage } = memristor;
  const output = array.output;
  const { tau, Vs, R } = array.scales;
  const currentScale = R / Vs;
  const pair = new Float64Array(2); // current and rate of one device (currentAndRate)
  const useOutput = voltage === "y";
  // The trained layers' memristor by the kernels' WebAssembly pass (memristorPass.ts), where it
  // applies; the TypeScript loop below otherwise.
  const pass = memristorPass(model, {
    cells: n,
    tau,
    Vs,
    R,
    alpha,
    beta,
    senseY: useOutput,
  });
  let pattern: JacobianPattern | undefined;
  return {
    array,
    cells: n,
    dim: 2 * n,
    get constantInput() {
      return constantInputOf();
    },
    rhs: (_t, state, dsdt) => {
      templateCurrent(state, dsdt);
      if (pass) {
        pass.apply(state, dsdt);
        return;
      }
      for (let k = 0; k < n; k++) {
        const w = state[n + k];
        const v = Vs * (useOutput ? applyOutput(output, state[k]) : state[k]);
        if (model.currentAndRate) {
          model.currentAndRate(w, v, pair);
          dsdt[k] -= currentScale * pair[0];
          dsdt[n + k] = tau * pair[1];
        } else {
          dsdt[k] -= currentScale * model.current(w, v);
          dsdt[n + k] = tau * model.stateRate(w, v);
        }
      }
    },
    jacobian: (_t, state): CsrMatrix => {
      pattern ??= buildJacobianPattern(array);
      return updateJacobian(pattern, array, state);
    },
    initialState: () => {
      const s = new Float64Array(2 * n);
      s.set(array.x0, 0);
      s.set(memristor.w0, n);
      return s;
    },
  };
}

/**
 * templateCurrent in float32: dxdt = (B ⋆ u + z) − x + A ⋆ f(x), the correlation by the f32x4
 * kernel on operands in a WebAssembly instance of the system's own (pad 1 whatever B's size).
 */
function float32TemplateCurrent(
  array: CellArray,
  constantInputOf: () => Float64Array,
  alpha: number,
  beta: number,
  yFixed: number,
): (x: Float64Array, dxdt: Float64Array) => void {
  const { channels, rows, cols, boundary, A } = array;
  if (A.size !== 3)
    throw new ValidationError(
      "precision",
      `is "float32" but template A is ${A.size}×${A.size}`,
      '"float64" (the float32 kernel takes 3×3 templates)',
    );
  const simd = newTaps3x3F32();
  if (simd === null)
    throw new ValidationError(
      "precision",
      'is "float32" but this JavaScript engine has no WebAssembly SIMD',
      '"float64"',
    );
  const n = channels * rows * cols;
  const pc = cols + 2;
  const plane = (rows + 2) * pc;
  const [coef, padded, sums] = kernelRegionsF32(simd.memory, [A.data.length, channels * plane, n]);
  coef.set(A.data);
  padded.fill(0);
  return (x, dxdt) => {
    const constantInput = constantInputOf();
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < rows; i++) {
        const src = (c * rows + i) * cols;
        const dst = c * plane + (i + 1) * pc + 1;
        for (let j = 0; j < cols; j++) {
          const v = x[src + j];
          padded[dst + j] = alpha * v + beta * (v > 1 ? 1 : v < -1 ? -1 : v);
          dxdt[src + j] = constantInput[src + j] - v;
        }
      }
    }
    // fillBorder only reads, writes and copies elements: it serves the float32 buffer too.
    fillBorder(boundary, yFixed, padded as unknown as Float64Array, channels, rows, cols, 1);
    sums.fill(0);
    correlateAdd3x3F32(simd, channels, channels, coef, padded, rows, cols, sums);
    for (let m = 0; m < n; m++) dxdt[m] += sums[m];
  };
}
