/**
 * Fixed-step explicit Runge–Kutta methods, each given as data (a Butcher tableau) and run by
 * one stepper. Reports every step by default; at tEval, points inside a step are filled by
 * cubic Hermite interpolation from the step's end values and derivatives (third order, so it
 * never limits Euler or costs RK4 more than its own O(dt⁴)); points on the grid get the step
 * values exactly.
 */

import { ValidationError } from "../core/errors.js";
import { combineInto } from "./combine.js";
import { solverFailure } from "./failure.js";
import { hermite, Recorder, reportStep, TIME_MATCH } from "./output.js";
import { newStats } from "./stats.js";
import type { OdeSystem, SolveResult, SolverMethod } from "./types.js";
import type { ResolvedOptions } from "./validate.js";

/**
 * An explicit Runge–Kutta method: stage i evaluates F at t + c[i]·h and
 * y + h·Σ_{j<i} a[i][j]·k_j; the step is y + h·Σ b[i]·k_i.
 */
export interface ExplicitTableau {
  readonly name: string;
  readonly order: number;
  readonly c: readonly number[];
  /** Strictly lower triangular: a[i] has i entries. */
  readonly a: readonly (readonly number[])[];
  readonly b: readonly number[];
}

/** Explicit (forward) Euler: y₊ = y + h·F(t, y). */
export const EULER: ExplicitTableau = { name: "euler", order: 1, c: [0], a: [[]], b: [1] };

/** The classic fourth-order Runge–Kutta method (Kutta 1901; Hairer–Nørsett–Wanner I, Table 1.2). */
export const RK4: ExplicitTableau = {
  name: "rk4",
  order: 4,
  c: [0, 1 / 2, 1 / 2, 1],
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
};

/** A span that is within this relative distance of a whole number of steps is that number. */
const GRID_SNAP = 1e-9;

/**
 * The step grid on [t0, t1] for step dt: n = round((t1−t0)/dt) equal steps when (t1−t0)/dt is
 * within GRID_SNAP (relative) of that integer — so 100 × 0.01 over T = 1 is exactly 100 steps
 * of 0.01 — else ⌊(t1−t0)/dt⌋ full steps and a shortened last one. Times are t0 + k·dt
 * (multiplied, not accumulated), the last is t1 exactly.
 */
export function stepGrid(
  t0: number,
  t1: number,
  dt: number,
): { times: Float64Array; lastStep: number } {
  const q = (t1 - t0) / dt;
  const r = Math.round(q);
  const snapped = r >= 1 && Math.abs(q - r) <= GRID_SNAP * q;
  const n = snapped ? r : Math.ceil(q);
  const times = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) times[k] = t0 + k * dt;
  times[n] = t1;
  return { times, lastStep: snapped ? dt : t1 - times[n - 1] };
}

export function solveFixedStep(
  system: OdeSystem,
  opts: ResolvedOptions,
  tableau: ExplicitTableau,
): SolveResult {
  const method = tableau.name as SolverMethod;
  if (opts.dt === undefined) {
    throw new ValidationError("dt", "missing", `a step > 0 for method "${method}"`);
  }
  const dt = opts.dt;
  const { t0, t1, y0, maxSteps } = opts;
  const dim = system.dim;
  const { times: grid, lastStep } = stepGrid(t0, t1, dt);
  const nSteps = grid.length - 1;
  if (nSteps > maxSteps) {
    throw solverFailure(
      "too-many-steps",
      method,
      t0,
      dt,
      y0,
      "y",
      `${nSteps} steps of dt = ${dt} exceed maxSteps = ${maxSteps}`,
    );
  }
  const rec = new Recorder(opts.tEval ?? grid, dim);
  const span = t1 - t0;
  const stats = newStats();

  const s = tableau.b.length;
  const k = Array.from({ length: s }, () => new Float64Array(dim));
  const y = Float64Array.from(y0);
  const yStage = new Float64Array(dim);
  const yNew = new Float64Array(dim);
  const fNew = new Float64Array(dim);
  const terms: { c: number[]; k: Float64Array[] } = { c: [], k: [] };
  let haveK1 = false;
  let ta = t0;
  let tb = t0;
  const interpolate = (t: number, out: Float64Array) =>
    hermite(ta, tb, y, k[0], yNew, fNew, t, out);

  reportStep(rec, t0, y, span, interpolate);
  for (let step = 0; step < nSteps; step++) {
    ta = grid[step];
    tb = grid[step + 1];
    const h = step < nSteps - 1 ? dt : lastStep;
    if (!haveK1) {
      system.rhs(ta, y, k[0]);
      stats.rhsEvaluations++;
    }
    // y + h·Σ a_ij·k_j (zero terms left out) and y + h·Σ b_i·k_i (every term), one pass each
    // (combineInto: the bits of one pass per term).
    for (let i = 1; i < s; i++) {
      const ai = tableau.a[i];
      terms.c.length = 0;
      terms.k.length = 0;
      for (let j = 0; j < i; j++) {
        const c = h * ai[j];
        if (c === 0) continue;
        terms.c.push(c);
        terms.k.push(k[j]);
      }
      combineInto(yStage, y, terms.c, terms.k);
      system.rhs(ta + tableau.c[i] * h, yStage, k[i]);
      stats.rhsEvaluations++;
    }
    terms.c.length = 0;
    terms.k.length = 0;
    for (let i = 0; i < s; i++) {
      terms.c.push(h * tableau.b[i]);
      terms.k.push(k[i]);
    }
    combineInto(yNew, y, terms.c, terms.k);
    stats.steps++;
    for (let m = 0; m < dim; m++) {
      if (!Number.isFinite(yNew[m])) {
        throw solverFailure(
          "non-finite-state",
          method,
          tb,
          h,
          yNew,
          "y",
          "the step produced a non-finite state",
        );
      }
    }
    haveK1 = false;
    if (rec.nextTime < tb - TIME_MATCH * span) {
      // A report time inside this step: the interpolant needs F at the step end, which is
      // also the next step's first stage.
      system.rhs(tb, yNew, fNew);
      stats.rhsEvaluations++;
      haveK1 = true;
    }
    reportStep(rec, tb, yNew, span, interpolate);
    y.set(yNew);
    if (haveK1) k[0].set(fNew);
  }
  return {
    method,
    t: rec.times,
    y: rec.states,
    dim,
    stats,
    settings: { dt },
  };
}
