/**
 * Transconductor mismatch of a single-channel classic array, as the simulate job kind draws it
 * (a relative Gaussian error σ·ε, ε ~ N(0, 1), from the job's random stream):
 *
 *   feedback A   one draw per coefficient for the whole array (die-to-die): the solver's
 *                feedback template is space-invariant, so A stays one template;
 *   control B, z one draw per cell and per coefficient (every cell has its own transconductors).
 *                Since u is constant, cell c's realised constant input is
 *                  Σ_o B_o (1 + σ ε_{c,o}) u_{c+o} + z (1 + σ ε_{c,z}),
 *                the nominal B ⋆ u + z plus the offset current `controlMismatchCurrent` returns.
 *
 * A zero coefficient has no transconductor and stays zero. Per-cell A mismatch needs a
 * space-variant array: that is the hardware circuit engine's job (src/hardware).
 */
import { fillPadded } from "../../cells/boundary.js";
import type { CellArray } from "../../cells/spec.js";
import type { CellSystem } from "../../cells/system.js";
import type { Template } from "../../cells/template.js";
import type { RandomStream } from "../../core/counterRandom.js";
import type { OdeSystem } from "../../solvers/types.js";

/** A copy of `t` with each coefficient a·(1 + σ·normal(first + index)). */
export function mismatchedTemplate(
  t: Template,
  sigma: number,
  random: RandomStream,
  first: number,
): Template {
  const data = Float64Array.from(t.data, (a, o) => a * (1 + sigma * random.normal(first + o)));
  return { ...t, data };
}

/**
 * The per-cell offset current of mismatched control transconductors (module comment), for a
 * single-channel array. Cell c's draws are normal(first + c·(k² + 1) + o), o < k² for B and
 * o = k² for z.
 */
export function controlMismatchCurrent(
  array: CellArray,
  sigma: number,
  random: RandomStream,
  first: number,
): Float64Array {
  if (array.channels !== 1 || array.inputChannels !== 1)
    throw new Error("controlMismatchCurrent: single-channel arrays only");
  const { rows, cols, B, boundary } = array;
  const k = B.size;
  const r = (k - 1) / 2;
  const pc = cols + 2 * r;
  const padded = new Float64Array((rows + 2 * r) * pc);
  fillPadded(
    boundary,
    boundary.kind === "fixed" ? boundary.u : 0,
    array.input,
    1,
    rows,
    cols,
    r,
    padded,
  );
  const z = array.z[0];
  const draws = k * k + 1;
  const offset = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const c = i * cols + j;
      const base = first + c * draws;
      let current = z === 0 ? 0 : z * sigma * random.normal(base + k * k);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const coefficient = B.data[a * k + b];
          if (coefficient === 0) continue;
          current +=
            coefficient * sigma * random.normal(base + a * k + b) * padded[(i + a) * pc + j + b];
        }
      }
      offset[c] = current;
    }
  }
  return offset;
}

/** The system dx/dt = F(x) + offset: a constant current per cell, the Jacobian unchanged. */
export function withOffsetCurrent(system: CellSystem, offset: Float64Array): OdeSystem {
  const n = system.cells;
  return {
    dim: system.dim,
    rhs(t, y, dydt) {
      system.rhs(t, y, dydt);
      for (let c = 0; c < n; c++) dydt[c] += offset[c];
    },
    jacobian: system.jacobian?.bind(system),
  };
}
