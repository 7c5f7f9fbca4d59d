import { solveDopri5 } from "./dopri5.js";
import { EULER, RK4, solveFixedStep } from "./fixedStep.js";
import { solveImplicit } from "./implicit.js";
import { solveOdex } from "./odex.js";
import type { OdeSystem, SolveOptions, SolveResult } from "./types.js";
import { resolveOptions } from "./validate.js";

/**
 * Integrates dy/dt = F(t, y) from t0 to t1 with the chosen method and returns the states at the
 * report times (every step for euler/rk4, [t0, t1] for the adaptive methods, or tEval).
 * Bad options throw ValidationError; a solve that cannot complete throws SolverError.
 *
 * @example
 * const system = { dim: 1, rhs: (_t, y, dydt) => { dydt[0] = -y[0]; } };
 * const r = solve(system, { method: "dopri5", t0: 0, t1: 1, y0: Float64Array.of(1) });
 * r.y[r.y.length - 1]; // ≈ e^{−1}
 */
export function solve(system: OdeSystem, options: SolveOptions): SolveResult {
  const opts = resolveOptions(system, options);
  switch (opts.method) {
    case "euler":
      return solveFixedStep(system, opts, EULER);
    case "rk4":
      return solveFixedStep(system, opts, RK4);
    case "dopri5":
      return solveDopri5(system, opts);
    case "odex":
      return solveOdex(system, opts);
    case "implicit":
      return solveImplicit(system, opts);
  }
}
