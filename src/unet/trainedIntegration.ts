import { ValidationError } from "../core/errors.js";
import { solve } from "../solvers/solve.js";
import type { OdeSystem } from "../solvers/types.js";
import type { CellLayerSpec } from "../trained/unetExport.js";

/** The `cell` entry of a layer's manifest entry: T and the solver it was trained with. */
export type TrainedCellSettings = CellLayerSpec["cell"];

const METHODS = '"euler", "rk4" or "rk4-wclamp"';

/**
 * The one place where a manifest's solver spec becomes an integration: the layer's state at
 * t = T from y0, integrated as the network was trained (docs/export-format.md): `steps` fixed
 * steps of h = T/steps of `method` over [0, T] on the joint state (x, w).
 *
 *   euler       y ← y + h·F(y)
 *   rk4         the classic tableau, x and w advanced together
 *   rk4-wclamp  rk4, then every w clamped to [w_min, 1] (the memristor model's kernels.w_min)
 *               after every step — issue 13's circuit-faithful integration (docs/reproduction.md);
 *               for a layer without a memristor it is rk4
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
  const memristor = cell.memristor && cell.memristor.enabled !== false ? cell.memristor : null;
  switch (method) {
    case "euler":
    case "rk4":
      return solveFixed(system, y0, method, cell.T, steps);
    case "rk4-wclamp": {
      if (!memristor) return solveFixed(system, y0, "rk4", cell.T, steps);
      const wMin = memristor.kernels?.w_min;
      if (!(typeof wMin === "number" && wMin >= 0 && wMin < 1))
        throw new ValidationError(
          `${field.replace(/\.solver$/, "")}.memristor.kernels.w_min`,
          `got ${wMin}`,
          "0 ≤ w_min < 1",
        );
      return rk4ClampW(system, y0, cell.T / steps, steps, wMin);
    }
    default:
      throw new ValidationError(`${field}.method`, `got ${JSON.stringify(method)}`, METHODS);
  }
}

function solveFixed(
  system: OdeSystem,
  y0: Float64Array,
  method: "euler" | "rk4",
  T: number,
  steps: number,
): Float64Array {
  const r = solve(system, { method, t0: 0, t1: T, dt: T / steps, y0, tEval: [T] });
  return r.y.subarray(r.y.length - r.dim);
}

/**
 * `steps` classic RK4 steps of h on (x, w) — the state's second half is w, as createCellSystem
 * lays it out — each followed by w ← clamp(w, w_min, 1). Same operation order as
 * training/solvers.py (y + (h·c)·k, stage by stage), so float64 results agree to rounding.
 */
function rk4ClampW(
  system: OdeSystem,
  y0: Float64Array,
  h: number,
  steps: number,
  wMin: number,
): Float64Array {
  const dim = system.dim;
  const cells = dim / 2;
  const y = Float64Array.from(y0);
  const stage = new Float64Array(dim);
  const k1 = new Float64Array(dim);
  const k2 = new Float64Array(dim);
  const k3 = new Float64Array(dim);
  const k4 = new Float64Array(dim);
  const half = h * 0.5;
  const [b1, b2, b3, b4] = [h * (1 / 6), h * (1 / 3), h * (1 / 3), h * (1 / 6)];
  for (let s = 0; s < steps; s++) {
    const t = s * h;
    system.rhs(t, y, k1);
    for (let i = 0; i < dim; i++) stage[i] = y[i] + half * k1[i];
    system.rhs(t + half, stage, k2);
    for (let i = 0; i < dim; i++) stage[i] = y[i] + half * k2[i];
    system.rhs(t + half, stage, k3);
    for (let i = 0; i < dim; i++) stage[i] = y[i] + h * k3[i];
    system.rhs(t + h, stage, k4);
    for (let i = 0; i < dim; i++) y[i] = y[i] + b1 * k1[i] + b2 * k2[i] + b3 * k3[i] + b4 * k4[i];
    for (let i = cells; i < dim; i++) y[i] = y[i] < wMin ? wMin : y[i] > 1 ? 1 : y[i];
  }
  return y;
}
