import { ValidationError } from "../core/errors.js";
import { solve } from "../solvers/solve.js";
import type { OdeSystem } from "../solvers/types.js";
import type { CellLayerSpec } from "../trained/unetExport.js";

/** The `cell` entry of a layer's manifest entry: T and the solver it was trained with. */
export type TrainedCellSettings = CellLayerSpec["cell"];

/**
 * The one place where a manifest's solver spec becomes an integration: the layer's state at
 * t = T from y0, integrated as the network was trained (docs/export-format.md): `steps` fixed
 * steps of h = T/steps of `method` over [0, T] on the joint state (x, w).
 *
 *   euler  y ← y + h·F(y)
 *   rk4    the classic tableau, x and w advanced together
 *
 * (Issue 13 adds a circuit-faithful method here.)
 */
export function integrateTrained(
  system: OdeSystem,
  y0: Float64Array,
  cell: TrainedCellSettings,
  field = "cell.solver",
): Float64Array {
  const { method, steps } = cell.solver;
  if (!(Number.isInteger(steps) && steps > 0))
    throw new ValidationError(
      `${field}.steps`,
      `got ${JSON.stringify(steps)}`,
      "a positive integer",
    );
  if (!(cell.T > 0 && Number.isFinite(cell.T)))
    throw new ValidationError(`${field.replace(/\.solver$/, "")}.T`, `got ${cell.T}`, "T > 0");
  switch (method) {
    case "euler":
    case "rk4": {
      const r = solve(system, {
        method,
        t0: 0,
        t1: cell.T,
        dt: cell.T / steps,
        y0,
        tEval: [cell.T],
      });
      return r.y.subarray(r.y.length - r.dim);
    }
    default:
      throw new ValidationError(
        `${field}.method`,
        `got ${JSON.stringify(method)}`,
        '"euler" or "rk4"',
      );
  }
}
