/**
 * TR-BDF2: an L-stable, one-step, second-order implicit Runge–Kutta method for stiff systems
 * (R. E. Bank, W. M. Coughran, W. Fichtner, E. H. Grosse, D. J. Rose, R. K. Smith, "Transient
 * simulation of silicon devices and circuits", IEEE TCAD 4(4), 1985 — a circuit simulator's
 * method; M. E. Hosea, L. F. Shampine, "Analysis and implementation of TR-BDF2", Appl. Numer.
 * Math. 20:21–37, 1996, whose embedded error estimate is used here).
 *
 * Why this method: the memristor switching regime has rates over many decades, so the method
 * must damp infinitely stiff components (L-stability; the trapezoidal rule alone rings) and
 * must restart cheaply after the abrupt switch (one-step, unlike multistep BDF). With
 * γ = 2 − √2 both stages have the same iteration matrix W = I − d·h·J (d = γ/2), so one LU
 * factorisation serves a whole step and, while h and J stay, many steps.
 *
 * One step from (t, y, f₀ = F(t, y)):
 *   trapezoidal stage: y_γ − d·h·F(t + γh, y_γ) = y + d·h·f₀
 *   BDF2 stage:        y₁ − d·h·F(t + h, y₁)   = y + w·h·(f₀ + f_γ),  w = √2/4
 * i.e. the ESDIRK with c = (0, γ, 1), b = (w, w, d). The embedded third-order weights
 * b̂ = ((1−w)/3, (3w+1)/3, d/3) give est = h·Σ(b − b̂)_i·f_i, filtered as W⁻¹·est so that it
 * stays bounded on stiff components (Hosea–Shampine). Stage derivatives f_γ, f₁ are taken from
 * the stage equations, not re-evaluated. Step control: h·clamp(0.9·‖est‖^(−1/3), 0.2, 5), with h
 * kept when the factor is in [1, 1.2] so the factorisation is reused. Steps are shortened to
 * land on every tEval time, so reported values are step values: a derivative-based interpolant
 * would be inaccurate on stiff components (there the stage derivatives are only O(h²) accurate
 * even when the values are much better).
 *
 * Newton (simplified, HNW II §IV.8): W from a possibly old J; convergence rate θ = ‖Δₖ‖/‖Δₖ₋₁‖;
 * stop when θ/(1−θ)·‖Δ‖ ≤ κ in the error norm; fail on θ ≥ 1, on predicted non-convergence,
 * or after MAX_NEWTON iterations. A failure with an old J re-evaluates J; with a fresh J it
 * shrinks h by 4. J is re-evaluated at the next step when Newton was slow.
 */

import { errorBlocksOf, initialStep, stepFloor, weightedRms } from "./dopri5.js";
import { solverFailure } from "./failure.js";
import { makeNewtonMatrix, type NewtonMatrix } from "./newtonMatrix.js";
import { hermite, Recorder, reportStep } from "./output.js";
import { newStats } from "./stats.js";
import type { OdeSystem, SolveResult } from "./types.js";
import type { ResolvedOptions } from "./validate.js";

const GAMMA = 2 - Math.SQRT2;
const D = GAMMA / 2;
const W = Math.SQRT2 / 4;
/** BDF2 stage in terms of y_γ: its constant is W1·y_γ + (1 − W1)·y, W1 = 1/(γ(2 − γ)). */
const W1 = 1 / (GAMMA * (2 - GAMMA));
/** Error weights b − b̂. */
const E0 = (4 * W - 1) / 3;
const E1 = -1 / 3;
const E2 = (2 * D) / 3;

const SAFETY = 0.9;
const FAC_MIN = 0.2;
const FAC_MAX = 5;
const KAPPA = 0.01;
const MAX_NEWTON = 8;
export function solveImplicit(system: OdeSystem, opts: ResolvedOptions): SolveResult {
  const method = "implicit";
  const { t0, t1, rtol, atol, hMax, hMin, maxSteps } = opts;
  const dim = system.dim;
  const span = t1 - t0;
  const rec = new Recorder(opts.tEval ?? Float64Array.of(t0, t1), dim);
  const stats = newStats();
  const mat: NewtonMatrix = makeNewtonMatrix(system, stats, opts.linearSolver);

  const y = Float64Array.from(opts.y0);
  const f0 = new Float64Array(dim);
  const yg = new Float64Array(dim);
  const fg = new Float64Array(dim);
  const y1 = new Float64Array(dim);
  const f1 = new Float64Array(dim);
  const cst = new Float64Array(dim);
  const fz = new Float64Array(dim);
  const delta = new Float64Array(dim);
  const est = new Float64Array(dim);

  let t = t0;
  let tNew = t0;
  const interpolate = (tr: number, out: Float64Array) => hermite(t, tNew, y, f0, y1, f1, tr, out);

  system.rhs(t, y, f0);
  stats.rhsEvaluations++;
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(f0[i])) {
      throw solverFailure("non-finite-state", method, t, 0, f0, "dydt", "F(t0, y0) is not finite");
    }
  }
  reportStep(rec, t, y, span, interpolate);

  let h: number;
  if (opts.h0 !== undefined) h = Math.min(opts.h0, hMax);
  else {
    h = initialStep(system, t, y, f0, 2, rtol, atol, hMax, y1, f1);
    stats.rhsEvaluations++;
  }

  let eta = 1; // Newton contraction estimate carried between solves
  const nonFiniteF = new Float64Array(dim);
  let sawNonFinite = false;
  let slowNewton = false;
  /**
   * Simplified Newton for z − dh·F(tz, z) = cst, from the guess in z. True when converged;
   * the weights of the norm come from the step's start state.
   */
  const newton = (tz: number, z: Float64Array, dh: number): boolean => {
    let normPrev = 0;
    for (let it = 0; it < MAX_NEWTON; it++) {
      system.rhs(tz, z, fz);
      stats.rhsEvaluations++;
      for (let i = 0; i < dim; i++) delta[i] = cst[i] + dh * fz[i] - z[i];
      const solved = mat.solve(delta);
      stats.newtonIterations++;
      if (!solved) return false;
      let s = 0;
      for (let i = 0; i < dim; i++) {
        z[i] += delta[i];
        const r = delta[i] / (atol + rtol * Math.abs(y[i]));
        s += r * r;
      }
      const norm = Math.sqrt(s / dim);
      if (!Number.isFinite(norm)) {
        for (let i = 0; i < dim; i++) {
          if (!Number.isFinite(fz[i])) {
            nonFiniteF.set(fz);
            sawNonFinite = true;
            break;
          }
        }
        return false;
      }
      if (it > 3) slowNewton = true;
      if (it === 0) {
        const eta0 = Math.max(eta, Number.EPSILON) ** 0.8;
        if (eta0 * norm <= KAPPA || norm === 0) return true;
      } else {
        const theta = norm / normPrev;
        if (theta >= 1) return false;
        if (theta > 0.5) slowNewton = true;
        eta = theta / (1 - theta);
        if (eta * norm <= KAPPA) return true;
        if ((theta ** (MAX_NEWTON - 1 - it) / (1 - theta)) * norm > KAPPA) return false;
      }
      normPrev = norm;
    }
    return false;
  };

  let needJacobian = true;
  let jacobianFresh = false;
  let factoredDh = Number.NaN;
  let rejectedLast = false;
  let lastFailure: "newton" | "non-finite" | "error" = "error";

  while (t < t1) {
    if (stats.steps + stats.rejectedSteps >= maxSteps) {
      throw solverFailure("too-many-steps", method, t, h, y, "y", `maxSteps = ${maxSteps} reached`);
    }
    // Steps land on every report time (their values are then step values, with the error
    // controlled, rather than interpolated); hs is the step taken, h the controller's proposal.
    const target = Math.min(t1, rec.nextTime);
    let hs = h;
    let last = false;
    if (t + 1.01 * h >= target) {
      hs = target - t;
      last = true;
    }
    if (hs < stepFloor(t, span, hMin)) {
      if (lastFailure === "non-finite") {
        throw solverFailure(
          "non-finite-state",
          method,
          t,
          hs,
          nonFiniteF,
          "dydt",
          "F is not finite near y(t)",
        );
      }
      if (lastFailure === "newton") {
        throw solverFailure(
          "newton-divergence",
          method,
          t,
          hs,
          y,
          "y",
          "Newton fails at every step size",
        );
      }
      throw solverFailure(
        "step-size-collapse",
        method,
        t,
        hs,
        y,
        "y",
        "the error test fails at every step size",
      );
    }
    if (needJacobian) {
      mat.updateJacobian(t, y, f0);
      needJacobian = false;
      jacobianFresh = true;
      factoredDh = Number.NaN;
    }
    const dh = D * hs;
    let ok = true;
    if (dh !== factoredDh) {
      ok = mat.factor(dh);
      factoredDh = ok ? dh : Number.NaN;
    }
    slowNewton = false;
    sawNonFinite = false;
    if (ok) {
      // Trapezoidal stage, predicted by an Euler step.
      for (let i = 0; i < dim; i++) {
        cst[i] = y[i] + dh * f0[i];
        yg[i] = y[i] + GAMMA * hs * f0[i];
      }
      ok = newton(t + GAMMA * hs, yg, dh);
    }
    if (ok) {
      // BDF2 stage, predicted by extrapolating through y and y_γ.
      for (let i = 0; i < dim; i++) {
        fg[i] = (yg[i] - cst[i]) / dh;
        cst[i] = W1 * yg[i] + (1 - W1) * y[i];
        y1[i] = y[i] + (yg[i] - y[i]) / GAMMA;
      }
      ok = newton(t + hs, y1, dh);
    }
    if (!ok) {
      stats.rejectedSteps++;
      rejectedLast = true;
      lastFailure = sawNonFinite ? "non-finite" : "newton";
      if (jacobianFresh) h = hs * 0.25;
      else needJacobian = true;
      continue;
    }
    for (let i = 0; i < dim; i++) {
      f1[i] = (y1[i] - cst[i]) / dh;
      est[i] = hs * (E0 * f0[i] + E1 * fg[i] + E2 * f1[i]);
    }
    mat.solve(est);
    const errNorm = weightedRms(est, y, y1, rtol, atol, errorBlocksOf(system));
    let fac = errNorm === 0 ? FAC_MAX : SAFETY * errNorm ** (-1 / 3);
    fac = Math.max(FAC_MIN, Math.min(FAC_MAX, fac));
    if (errNorm <= 1) {
      stats.steps++;
      tNew = last ? target : t + hs;
      reportStep(rec, tNew, y1, span, interpolate);
      t = tNew;
      y.set(y1);
      f0.set(f1);
      jacobianFresh = false;
      if (slowNewton) needJacobian = true;
      if (rejectedLast) fac = Math.min(fac, 1);
      rejectedLast = false;
      // Keep h (and the factorisation) for small increases; after a step shortened to land on
      // a report time, grow from the proposal rather than from the shortened step.
      if (fac < 1 || fac > 1.2) h = last && fac >= 1 ? Math.max(h, hs * fac) : hs * fac;
      h = Math.min(h, hMax);
    } else {
      stats.rejectedSteps++;
      rejectedLast = true;
      lastFailure = "error";
      h = hs * Math.min(fac, 0.9);
    }
  }
  return { method, t: rec.times, y: rec.states, dim, stats, settings: { rtol, atol } };
}
