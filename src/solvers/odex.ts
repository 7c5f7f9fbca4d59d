/**
 * Adapter for the `odex` package: E. Hairer and G. Wanner's ODEX (Gragg–Bulirsch–Stoer
 * extrapolation of the explicit midpoint rule with variable order and step; HNW I §II.9),
 * ported to JavaScript by C. Smith. Non-stiff problems only; very efficient at tight tolerances,
 * which makes it our reference solver.
 *
 * odex works on plain 0-based number arrays and returns a fresh derivative array per call; this
 * adapter converts at the boundary only (one Float64Array pair reused for every call), counts
 * right-hand-side evaluations itself, uses odex's dense output for tEval, and maps its outcomes
 * to SolverError: too many steps; a step below the floor (odex itself would shrink forever);
 * any non-finite F value (odex cannot reject a step on it: NaN would poison its extrapolation
 * table), which aborts at once.
 */
import { createRequire } from "node:module";
import { stepFloor } from "./dopri5.js";
import { solverFailure } from "./failure.js";
import { Recorder, reportStep } from "./output.js";
import { newStats } from "./stats.js";
import type { OdeSystem, SolveResult } from "./types.js";
import type { ResolvedOptions } from "./validate.js";

// odex ships its TypeScript source, which fails this project's strict type check if the
// compiler ever resolves the module name; so the package is loaded through require (its
// CommonJS build) and typed by the local declaration in odex-shim.d.ts. A tsconfig `paths`
// mapping would also satisfy tsc but makes tsx load the empty .d.ts at run time.
const { Solver } = createRequire(import.meta.url)("odex") as typeof import("./odex-shim.js");
type OdexSolver = InstanceType<typeof Solver>;

/** Thrown inside odex's callbacks to abort it; turned into a SolverError outside. */
class Abort {
  constructor(readonly error: Error) {}
}

export function solveOdex(system: OdeSystem, opts: ResolvedOptions): SolveResult {
  const method = "odex";
  const { t0, t1, rtol, atol, hMax, hMin, maxSteps } = opts;
  const dim = system.dim;
  const span = t1 - t0;
  const rec = new Recorder(opts.tEval ?? Float64Array.of(t0, t1), dim);
  const stats = newStats();

  const solver = new Solver(dim);
  solver.relativeTolerance = rtol;
  solver.absoluteTolerance = atol;
  solver.maxSteps = maxSteps;
  solver.maxStepSize = hMax;
  if (opts.h0 !== undefined) solver.initialStepSize = opts.h0;
  solver.denseOutput = opts.tEval !== null;

  let lastX = t0; // the last accepted time
  let lastH = 0;
  let collapsed = false;
  const yIn = new Float64Array(dim);
  const dydt = new Float64Array(dim);
  const fOut: number[] = new Array<number>(dim).fill(0);
  const f = (x: number, y: number[]): number[] => {
    for (let i = 0; i < dim; i++) yIn[i] = y[i];
    system.rhs(x, yIn, dydt);
    stats.rhsEvaluations++;
    for (let i = 0; i < dim; i++) {
      const v = dydt[i];
      if (!Number.isFinite(v)) {
        throw new Abort(
          solverFailure(
            "non-finite-state",
            method,
            lastX,
            x - lastX,
            dydt,
            "dydt",
            `F(${x}, y) is not finite`,
            {
              tF: x,
            },
          ),
        );
      }
      fOut[i] = v;
    }
    return fOut;
  };

  const yAcc = new Float64Array(dim);
  let dense: ((c: number, t: number) => number) | undefined;
  const interpolate = (t: number, out: Float64Array) => {
    for (let i = 0; i < dim; i++) out[i] = dense ? dense(i, t) : Number.NaN;
  };
  const solOut = (
    nr: number,
    xOld: number,
    x: number,
    y: number[],
    interp?: (c: number, t: number) => number,
  ): boolean | undefined => {
    for (let i = 0; i < dim; i++) yAcc[i] = y[i];
    lastX = x;
    if (nr > 1) {
      lastH = x - xOld;
      if (lastH < stepFloor(xOld, span, hMin) && x < t1) {
        collapsed = true;
        return false;
      }
    }
    dense = interp;
    reportStep(rec, x, yAcc, span, interpolate);
    return undefined;
  };

  let result: ReturnType<OdexSolver["solve"]>;
  try {
    result = solver.solve(f, t0, Array.from(opts.y0), t1, solOut);
  } catch (e) {
    if (e instanceof Abort) throw e.error;
    throw e;
  }
  stats.steps = result.nAccept;
  stats.rejectedSteps = result.nReject;
  if (collapsed) {
    throw solverFailure(
      "step-size-collapse",
      method,
      lastX,
      lastH,
      yAcc,
      "y",
      "odex's step fell below the floor",
    );
  }
  if (result.outcome === 1) {
    throw solverFailure(
      "too-many-steps",
      method,
      lastX,
      lastH,
      yAcc,
      "y",
      `maxSteps = ${maxSteps} reached`,
    );
  }
  if (!rec.done) {
    // Report times that odex stepped past without a callback (only t1 can be left).
    for (let i = 0; i < dim; i++) yAcc[i] = result.y[i];
    reportStep(rec, t1, yAcc, span, interpolate);
  }
  return { method, t: rec.times, y: rec.states, dim, stats, settings: { rtol, atol } };
}
