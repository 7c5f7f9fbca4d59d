/**
 * Dormand–Prince 5(4) (DOPRI5): an explicit embedded Runge–Kutta pair that advances with the
 * fifth-order solution, estimates the error with the embedded fourth-order one, reuses the last
 * stage as the next step's first (FSAL: 6 evaluations per accepted step), and has a fourth-order
 * continuous extension for output between steps.
 *
 * Coefficients: J. R. Dormand, P. J. Prince, "A family of embedded Runge–Kutta formulae",
 * J. Comput. Appl. Math. 6(1):19–26, 1980; Hairer, Nørsett, Wanner, Solving Ordinary
 * Differential Equations I (2nd ed.), Table II.5.2; dense output from Shampine, "Some practical
 * Runge–Kutta formulas", Math. Comp. 46:135–150, 1986, as given in HNW I §II.6.
 *
 * Step control (HNW I §II.4, with the PI stabilisation of §IV.2): error norm
 * ‖err‖ = RMS_i err_i / (atol + rtol·max(|y_old,i|, |y_new,i|)); accept when ‖err‖ ≤ 1; next step
 * h·clamp(0.9⁻¹·‖err‖^−α·‖err_prev‖^β, 0.2, 10) with α = 0.2 − 0.75β, β = 0.04; no growth right
 * after a rejection. A step whose stages are not finite counts as ‖err‖ = ∞ (shrink by 5).
 */
import { type SolverVectors, solverVectors } from "../core/solverVectors.js";
import { solverFailure } from "./failure.js";
import { Recorder, reportStep, TIME_MATCH } from "./output.js";
import { newStats } from "./stats.js";
import type { OdeSystem, SolveResult } from "./types.js";
import type { ResolvedOptions } from "./validate.js";

/** The DOPRI5 tableau as data. */
export const DOPRI5 = {
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
  ],
  /** Fifth-order weights (equal to the last row of a: first same as last). */
  b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
  /** Error weights e = b − b̂ (b̂ the embedded fourth-order weights). */
  e: [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40],
  /** Dense output weights of the fourth-order continuous extension. */
  d: [
    -12715105075 / 11282082432,
    0,
    87487479700 / 32700410799,
    -10690763975 / 1880347072,
    701980252875 / 199316789632,
    -1453857185 / 822651844,
    69997945 / 29380423,
  ],
} as const;

const SAFETY = 0.9;
const FAC_MIN = 0.2;
const FAC_MAX = 10;
const BETA = 0.04;
const ALPHA = 0.2 - 0.75 * BETA;

/**
 * RMS of v_i / (atol + rtol·max(|a_i|, |b_i|)); +∞ when not finite. With `blocks` > 1 (a
 * lockstep solve of that many equal blocks, OdeSystem.errorBlocks) the largest block's RMS.
 */
export function weightedRms(
  v: Float64Array,
  a: Float64Array,
  b: Float64Array,
  rtol: number,
  atol: number,
  blocks = 1,
): number {
  const length = v.length / blocks;
  let largest = 0;
  for (let k = 0; k < blocks; k++) {
    let s = 0;
    const end = (k + 1) * length;
    for (let i = k * length; i < end; i++) {
      const w = v[i] / (atol + rtol * Math.max(Math.abs(a[i]), Math.abs(b[i])));
      s += w * w;
    }
    const r = Math.sqrt(s / length);
    if (!(r <= largest)) largest = r; // NaN too
  }
  return Number.isFinite(largest) ? largest : Number.POSITIVE_INFINITY;
}

/** A system's error blocks (OdeSystem.errorBlocks), checked against its dimension. */
export function errorBlocksOf(system: { dim: number; errorBlocks?: number }): number {
  const blocks = system.errorBlocks ?? 1;
  if (!Number.isInteger(blocks) || blocks < 1 || system.dim % blocks !== 0)
    throw new RangeError(
      `errorBlocks ${blocks}: must be a positive integer dividing the dimension ${system.dim}`,
    );
  return blocks;
}

/** Smallest step that still advances t: below it the solve has collapsed. */
export function stepFloor(t: number, span: number, hMin: number): number {
  return Math.max(hMin, 4 * Number.EPSILON * Math.max(Math.abs(t), 1e-6 * span));
}

/**
 * Initial step estimate for a method of order `order` (HNW I §II.4, "starting step size"):
 * h₀ = 0.01·‖y₀‖/‖f₀‖, one explicit Euler trial to estimate ‖y''‖, then
 * h = min(100·h₀, (0.01 / max(‖f₀‖, ‖y''‖))^{1/(order+1)}). Uses `y1`, `f1` as scratch.
 */
export function initialStep(
  system: OdeSystem,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  order: number,
  rtol: number,
  atol: number,
  hMax: number,
  y1: Float64Array,
  f1: Float64Array,
): number {
  const n = y0.length;
  const blocks = errorBlocksOf(system);
  const dny = weightedRms(y0, y0, y0, rtol, atol, blocks);
  const dnf = weightedRms(f0, y0, y0, rtol, atol, blocks);
  let h = dny <= 1e-5 || dnf <= 1e-5 ? 1e-6 : 0.01 * (dny / dnf);
  h = Math.min(h, hMax);
  for (let i = 0; i < n; i++) y1[i] = y0[i] + h * f0[i];
  system.rhs(t0 + h, y1, f1);
  for (let i = 0; i < n; i++) f1[i] -= f0[i];
  const d2 = weightedRms(f1, y0, y0, rtol, atol, blocks) / h;
  const d = Math.max(d2, dnf);
  const h1 = !Number.isFinite(d)
    ? h * 1e-3
    : d <= 1e-15
      ? Math.max(1e-6, h * 1e-3)
      : (0.01 / d) ** (1 / (order + 1));
  return Math.min(100 * h, h1, hMax);
}

export function solveDopri5(system: OdeSystem, opts: ResolvedOptions): SolveResult {
  const dim = system.dim;
  // The work vectors: the system's own, or in a WebAssembly instance where the stage sums run in
  // SIMD (the same bits either way).
  const work = system.workVectors?.(15, dim) ?? solverVectors(15, dim);
  try {
    return integrate(system, opts, work.vectors, work.combine);
  } finally {
    work.release();
  }
}

function integrate(
  system: OdeSystem,
  opts: ResolvedOptions,
  vectors: Float64Array[],
  combineInto: SolverVectors["combine"],
): SolveResult {
  const method = "dopri5";
  const { t0, t1, rtol, atol, hMax, hMin, maxSteps } = opts;
  const dim = system.dim;
  const span = t1 - t0;
  const blocks = errorBlocksOf(system);
  const rec = new Recorder(opts.tEval ?? Float64Array.of(t0, t1), dim);
  const stats = newStats();
  const { a, c, e, d } = DOPRI5;

  const k = vectors.slice(0, 7);
  const [y, yNew, yStage, err, r2, r3, r4, r5] = vectors.slice(7);
  y.set(opts.y0);
  const terms: { c: number[]; k: Float64Array[] } = { c: [], k: [] };

  let t = t0;
  let h = 0;
  // Dense output on [t, t + h]: y(t + θh) = y + θ(r2 + (1−θ)(r3 + θ(r4 + (1−θ)r5))).
  const interpolate = (tr: number, out: Float64Array) => {
    const th = (tr - t) / h;
    const th1 = 1 - th;
    for (let i = 0; i < dim; i++) {
      out[i] = y[i] + th * (r2[i] + th1 * (r3[i] + th * (r4[i] + th1 * r5[i])));
    }
  };

  system.rhs(t, y, k[0]);
  stats.rhsEvaluations++;
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(k[0][i])) {
      throw solverFailure(
        "non-finite-state",
        method,
        t,
        0,
        k[0],
        "dydt",
        "F(t0, y0) is not finite",
      );
    }
  }
  reportStep(rec, t, y, span, interpolate);

  if (opts.h0 !== undefined) h = Math.min(opts.h0, hMax);
  else {
    h = initialStep(system, t, y, k[0], 5, rtol, atol, hMax, yStage, k[1]);
    stats.rhsEvaluations++;
  }

  let errPrev = 1e-4;
  let rejectedLast = false;
  /** The non-finite stage vector of the last rejection, if that was why it was rejected. */
  let nonFinite: Float64Array | null = null;

  while (t < t1) {
    if (stats.steps + stats.rejectedSteps >= maxSteps) {
      throw solverFailure("too-many-steps", method, t, h, y, "y", `maxSteps = ${maxSteps} reached`);
    }
    let last = false;
    if (t + 1.01 * h >= t1) {
      h = t1 - t;
      last = true;
    }
    if (h < stepFloor(t, span, hMin)) {
      if (nonFinite) {
        throw solverFailure(
          "non-finite-state",
          method,
          t,
          h,
          nonFinite,
          "dydt",
          "F is not finite near y(t)",
        );
      }
      throw solverFailure(
        "step-size-collapse",
        method,
        t,
        h,
        y,
        "y",
        "the error test fails at every step size",
      );
    }

    // Each stage argument y + h·Σ a_sj·k_j (zero terms left out) and the error estimate
    // h·Σ e_s·k_s, one pass each (combineInto: the bits of one pass per term).
    for (let s = 1; s < 7; s++) {
      const as = a[s];
      terms.c.length = 0;
      terms.k.length = 0;
      for (let j = 0; j < s; j++) {
        const cj = h * as[j];
        if (cj === 0) continue;
        terms.c.push(cj);
        terms.k.push(k[j]);
      }
      const target = s === 6 ? yNew : yStage;
      combineInto(target, y, terms.c, terms.k);
      system.rhs(t + c[s] * h, target, k[s]);
    }
    stats.rhsEvaluations += 6;

    terms.c.length = 0;
    terms.k.length = 0;
    for (let s = 0; s < 7; s++) {
      const es = h * e[s];
      if (es === 0) continue;
      terms.c.push(es);
      terms.k.push(k[s]);
    }
    combineInto(err, null, terms.c, terms.k);
    const errNorm = weightedRms(err, y, yNew, rtol, atol, blocks);
    const fac11 = errNorm ** ALPHA;

    if (errNorm <= 1) {
      stats.steps++;
      nonFinite = null;
      const tNew = last ? t1 : t + h;
      if (rec.nextTime < tNew - TIME_MATCH * span) {
        for (let i = 0; i < dim; i++) {
          const dy = yNew[i] - y[i];
          const bspl = h * k[0][i] - dy;
          r2[i] = dy;
          r3[i] = bspl;
          r4[i] = dy - h * k[6][i] - bspl;
          let s5 = 0;
          for (let s = 0; s < 7; s++) if (d[s] !== 0) s5 += d[s] * k[s][i];
          r5[i] = h * s5;
        }
      }
      reportStep(rec, tNew, yNew, span, interpolate);
      y.set(yNew);
      k[0].set(k[6]);
      t = tNew;
      let fac = fac11 / errPrev ** BETA;
      fac = Math.max(1 / FAC_MAX, Math.min(1 / FAC_MIN, fac / SAFETY));
      let hNew = h / fac;
      if (rejectedLast) hNew = Math.min(hNew, h);
      errPrev = Math.max(errNorm, 1e-4);
      rejectedLast = false;
      h = Math.min(hNew, hMax);
    } else {
      stats.rejectedSteps++;
      rejectedLast = true;
      nonFinite = null;
      if (errNorm === Number.POSITIVE_INFINITY) {
        for (let s = 1; s < 7 && !nonFinite; s++) {
          for (let i = 0; i < dim; i++) {
            if (!Number.isFinite(k[s][i])) {
              nonFinite = k[s];
              break;
            }
          }
        }
      }
      h = h / Math.min(1 / FAC_MIN, fac11 / SAFETY);
    }
  }
  return { method, t: rec.times, y: rec.states, dim, stats, settings: { rtol, atol } };
}
