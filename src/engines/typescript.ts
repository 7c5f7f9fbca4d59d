import type { CellArray } from "../cells/spec.js";
import { createCellSystem } from "../cells/system.js";
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
}

/**
 * Simulates an array with cellspice's own solvers. Default: Dormand–Prince 5(4) at rtol 1e-8
 * for a CellNN, the implicit solver for an M-CellNN (its memristor is stiff when it switches).
 */
export function simulateTypescript(array: CellArray, o: TypescriptRunOptions): ArrayTrajectory {
  if (!(o.T > 0 && Number.isFinite(o.T))) {
    throw new ValidationError("T", `got ${o.T}`, "a positive transient length in units of τ");
  }
  const system = createCellSystem(array);
  const method = o.method ?? (array.memristor ? "implicit" : "dopri5");
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
  const x = new Float64Array(nt * n);
  const w = array.memristor ? new Float64Array(nt * n) : undefined;
  for (let k = 0; k < nt; k++) {
    const row = r.y.subarray(k * r.dim, (k + 1) * r.dim);
    x.set(row.subarray(0, n), k * n);
    w?.set(row.subarray(n, 2 * n), k * n);
  }
  return {
    engine: "cellspice",
    t: Float64Array.from(r.t),
    cells: n,
    x,
    w,
    info: { method: r.method, settings: r.settings, stats: r.stats },
    wallTimeMs,
  };
}
