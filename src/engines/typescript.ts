import type { CellArray } from "../cells/spec.js";
import { createCellSystem, type SystemPrecision } from "../cells/system.js";
import { ValidationError } from "../core/errors.js";
import { solve } from "../solvers/solve.js";
import type { SolverMethod } from "../solvers/types.js";
import type { ArrayTrajectory } from "./trajectory.js";

export interface TypescriptRunOptions {
  /** Transient length in units of τ. */
  T: number;
  method?: SolverMethod;
  /** Fixed-step methods' step (τ). */
  dt?: number;
  rtol?: number;
  atol?: number;
  /** Report times (τ); default `points` + 1 evenly spaced times over [0, T]. */
  tEval?: ArrayLike<number>;
  points?: number;
  /** The arithmetic of A ⋆ f(x) (CellSystemOptions): float64 (default) or float32. */
  precision?: SystemPrecision;
}

/**
 * [choice] The default solver: Dormand–Prince 5(4), unless the array is memristor-dominated
 * (R·G_ON > 100, the memristor's largest conductance against the cell's 1/R), where the cell's
 * fastest eigenvalue is about −R·G and an explicit method needs steps below 1/(R·G): then TR-BDF2.
 * Measured (docs/performance.md, test/cells/mcellnn.test.ts): at R·G_ON = 2.5 DOPRI5 beats
 * TR-BDF2 by 4–50×; at R·G ≈ 25,000 TR-BDF2 takes over 100× fewer steps.
 */
export function defaultMethod(array: CellArray): SolverMethod {
  const m = array.memristor?.model;
  if (!m) return "dopri5";
  const gOn = Math.abs(m.current(m.wMax, 0.1) / 0.1);
  return array.scales.R * gOn > 100 ? "implicit" : "dopri5";
}

/** Simulates an array with cellspice's own solvers (default method: `defaultMethod`). */
export function simulateTypescript(array: CellArray, o: TypescriptRunOptions): ArrayTrajectory {
  if (!(o.T > 0 && Number.isFinite(o.T))) {
    throw new ValidationError("T", `got ${o.T}`, "a positive transient length in units of τ");
  }
  const precision = o.precision ?? "float64";
  const system = createCellSystem(array, { precision });
  const method = o.method ?? defaultMethod(array);
  const points = o.points ?? 100;
  const tEval =
    o.tEval ??
    Float64Array.from({ length: points + 1 }, (_, k) => (k === points ? o.T : (o.T * k) / points));
  const start = performance.now();
  const r = solve(system, {
    method,
    t0: 0,
    t1: o.T,
    y0: system.initialState(),
    tEval,
    dt: o.dt,
    rtol: o.rtol ?? (method === "implicit" ? 1e-6 : 1e-8),
    atol: o.atol ?? (method === "implicit" ? 1e-8 : 1e-10),
  });
  const wallTimeMs = performance.now() - start;
  const n = system.cells;
  const nt = r.t.length;
  // A CellNN's state is x alone: hand the solver's output over without copying.
  let x = r.y;
  let w: Float64Array | undefined;
  if (array.memristor) {
    x = new Float64Array(nt * n);
    w = new Float64Array(nt * n);
    for (let k = 0; k < nt; k++) {
      const row = r.y.subarray(k * r.dim, (k + 1) * r.dim);
      x.set(row.subarray(0, n), k * n);
      w.set(row.subarray(n, 2 * n), k * n);
    }
  }
  return {
    engine: "cellspice",
    t: Float64Array.from(r.t),
    cells: n,
    x,
    w,
    info: { method: r.method, settings: r.settings, stats: r.stats, precision },
    wallTimeMs,
  };
}
