import type { CsrMatrix } from "../core/sparse.js";
import type { OdeSystem } from "../solvers/types.js";
import { fillBorder, fillPadded } from "./boundary.js";
import { correlateAdd } from "./correlate.js";
import { buildJacobianPattern, type JacobianPattern, updateJacobian } from "./jacobian.js";
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
 * B ⋆ u + z is computed once, at construction.
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

export function createCellSystem(array: CellArray): CellSystem {
  const { channels, rows, cols, boundary } = array;
  const n = cellCount(array);
  const pad = Math.max((array.A.size - 1) / 2, (array.B.size - 1) / 2);
  const paddedLength = (c: number) => c * (rows + 2 * pad) * (cols + 2 * pad);

  const constantInput = new Float64Array(n);
  for (let c = 0; c < channels; c++)
    constantInput.fill(array.z[c], c * rows * cols, (c + 1) * rows * cols);
  const paddedU = new Float64Array(paddedLength(array.inputChannels));
  const uFixed = boundary.kind === "fixed" ? boundary.u : 0;
  fillPadded(boundary, uFixed, array.input, array.inputChannels, rows, cols, pad, paddedU);
  correlateAdd(array.B, paddedU, pad, rows, cols, constantInput);

  // Work buffer, allocated once per system: the outputs y = f(x) with the boundary's virtual
  // cells around them, written in one pass (no separate y array), then correlated with A.
  const paddedY = new Float64Array(paddedLength(channels));
  const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
  const alpha = outputSlopeOutside(array.output);
  const beta = 1 - alpha;
  const pc = cols + 2 * pad;
  const plane = (rows + 2 * pad) * pc;
  const A = array.A;
  const templateCurrent = (x: Float64Array, dxdt: Float64Array) => {
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
      constantInput,
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
  let pattern: JacobianPattern | undefined;
  return {
    array,
    cells: n,
    dim: 2 * n,
    constantInput,
    rhs: (_t, state, dsdt) => {
      templateCurrent(state, dsdt);
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
