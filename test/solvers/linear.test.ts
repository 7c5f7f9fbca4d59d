import { describe, expect, it } from "vitest";
import { maxAbsDiff } from "../../src/core/norms.js";
import { type SolverMethod, solve, stepGrid } from "../../src/solvers/index.js";
import { linearDecay, row } from "./problems.js";

const c = Float64Array.of(1, -2, 0.5, 3);
const y0 = Float64Array.of(0.3, 1, -1, 0);
const system = linearDecay(c);
const t1 = 2;
/** |c − y0|∞: the size of the transient. */
const amplitude = 3;

/** Largest error over all reported states against the closed form. */
function maxError(method: SolverMethod, extra: Record<string, unknown> = {}) {
  const r = solve(system, { method, t0: 0, t1, y0, ...extra });
  let e = 0;
  for (let k = 0; k < r.t.length; k++) {
    e = Math.max(e, maxAbsDiff(row(r.y, 4, k), system.exact(r.t[k], y0)));
  }
  return { e, r };
}

describe("solve() on dy/dt = −y + c (closed form)", () => {
  it("euler at dt = 1e-3 is within its first-order bound (dt/2)·max t·e^{−t}·|y0 − c| = dt·0.184·|y0 − c|", () => {
    const dt = 1e-3;
    const { e, r } = maxError("euler", { dt });
    expect(r.t.length).toBe(2001);
    expect(e).toBeLessThan(dt * 0.19 * amplitude);
    expect(e).toBeGreaterThan(dt * 0.1 * amplitude); // and it really is first order, not better
  });

  it("rk4 at dt = 1e-3 is within its fourth-order bound dt⁴/120·|y0 − c| (and above round-off)", () => {
    const dt = 1e-3;
    const { e } = maxError("rk4", { dt });
    // Local error of RK4 on y' = −y is e^{−h} − (1 − h + h²/2 − h³/6 + h⁴/24) ≈ h⁵/120 per unit
    // amplitude; summed over 1/h steps: h⁴/120.
    expect(e).toBeLessThan((dt ** 4 / 120) * amplitude * 2 + 1e-14);
  });

  it.each([
    ["dopri5", 1e-6, 1],
    ["dopri5", 1e-9, 1],
    ["odex", 1e-6, 1],
    ["odex", 1e-10, 1],
    // TR-BDF2 is second order with error-per-step control: its global error is the sum of
    // about N local errors (N = 40 steps at 1e-6), so it is allowed 50× the tolerance.
    ["implicit", 1e-4, 50],
    ["implicit", 1e-6, 50],
  ] as const)(
    "%s with rtol = atol = %g matches within %i× the tolerance",
    (method, tol, factor) => {
      const { e, r } = maxError(method, { rtol: tol, atol: tol });
      expect(r.t).toEqual(Float64Array.of(0, t1));
      expect(e).toBeLessThan(factor * tol * amplitude);
    },
  );

  it.each([
    ["euler", 5e-3],
    ["rk4", 1e-12],
    ["dopri5", 3e-6],
    ["odex", 3e-6],
    ["implicit", 2e-4],
  ] as const)("%s reports at tEval (off the step grid) within %g", (method, bound) => {
    const tEval = [0, 0.0105, 0.5, 1.23456, 1.9999, 2];
    const { e, r } = maxError(method, { tEval, dt: 1e-3, rtol: 1e-6, atol: 1e-6 });
    expect(Array.from(r.t)).toEqual(tEval);
    expect(e).toBeLessThan(bound);
  });

  it("tEval on the step grid gives the step values exactly", () => {
    const every = solve(system, { method: "rk4", t0: 0, t1, y0, dt: 0.1 });
    const some = solve(system, { method: "rk4", t0: 0, t1, y0, dt: 0.1, tEval: [0.3, 1, 2] });
    for (const [k, j] of [
      [0, 3],
      [1, 10],
      [2, 20],
    ]) {
      expect(row(some.y, 4, k)).toEqual(row(every.y, 4, j));
    }
    // No extra evaluations were needed: points on the grid are not interpolated.
    expect(some.stats.rhsEvaluations).toBe(every.stats.rhsEvaluations);
  });

  it("a tEval time inside a step is interpolated by cubic Hermite (error O(dt⁴) for rk4)", () => {
    const r = solve(system, { method: "rk4", t0: 0, t1, y0, dt: 0.1, tEval: [0.05, 1.07] });
    const e = Math.max(
      maxAbsDiff(row(r.y, 4, 0), system.exact(0.05, y0)),
      maxAbsDiff(row(r.y, 4, 1), system.exact(1.07, y0)),
    );
    // Hermite interpolation error ≤ h⁴/384·max|y''''| = 1e-4/384·3 ≈ 8e-7.
    expect(e).toBeLessThan(1e-6);
  });
});

describe("euler: exactness and the paper's preset grid", () => {
  it("one step of dt = 1 from y0 = 0 gives exactly c", () => {
    const r = solve(system, { method: "euler", t0: 0, t1: 1, dt: 1, y0: new Float64Array(4) });
    expect(r.t).toEqual(Float64Array.of(0, 1));
    expect(row(r.y, 4, 1)).toEqual(c);
    expect(r.stats.rhsEvaluations).toBe(1);
  });

  it("100 steps of 0.01 over T = 1: exactly 100 steps of exactly 0.01, ending at exactly 1", () => {
    const r = solve(system, { method: "euler", t0: 0, t1: 1, dt: 0.01, y0 });
    expect(r.stats.steps).toBe(100);
    expect(r.t.length).toBe(101);
    expect(r.t[100]).toBe(1);
    expect(r.t[37]).toBe(37 * 0.01);
    // Each step is y ← y + 0.01·(c − y): the closed form of the recursion is exact here.
    const expected = Float64Array.from(y0, (v, i) => c[i] + (v - c[i]) * 0.99 ** 100);
    expect(maxAbsDiff(row(r.y, 4, 100), expected)).toBeLessThan(1e-14);
  });

  it("stepGrid(t0, t1, dt) shortens the last step when (t1 − t0)/dt is not a whole number", () => {
    const { times, lastStep } = stepGrid(0, 1, 0.3);
    expect(Array.from(times)).toEqual([0, 0.3, 0.6, 0.8999999999999999, 1]);
    expect(lastStep).toBeCloseTo(0.1, 14);
    expect(stepGrid(0, 1, 0.1).times.length).toBe(11);
    expect(stepGrid(2, 3, 1 / 3).lastStep).toBe(1 / 3);
  });

  it("euler with a shortened last step lands on t1 with the right value", () => {
    const r = solve(system, { method: "euler", t0: 0, t1: 0.25, dt: 0.1, y0: new Float64Array(4) });
    expect(Array.from(r.t)).toEqual([0, 0.1, 0.2, 0.25]);
    // y1 = 0.1c, y2 = y1 + 0.1(c − y1) = 0.19c, y3 = y2 + 0.05(c − y2) = 0.2305c.
    expect(
      maxAbsDiff(
        row(r.y, 4, 3),
        c.map((v) => 0.2305 * v),
      ),
    ).toBeLessThan(1e-15);
  });
});
