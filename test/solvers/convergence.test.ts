import { describe, expect, it } from "vitest";
import { maxAbsDiff } from "../../src/core/norms.js";
import { solve } from "../../src/solvers/index.js";
import { logSlope, row, saturatingNetwork } from "./problems.js";

// dx/dt = −x + W·tanh(x) + b, 6 cells, random W: smooth, coupled, far from linear.
const dim = 6;
const system = saturatingNetwork(dim, 12345);
const y0 = Float64Array.from({ length: dim }, (_, i) => 0.5 * Math.sin(i + 1));
const t1 = 2;
const tEval = [0, 0.3, 0.71, 1.5, 2];

const reference = solve(system, { method: "odex", t0: 0, t1, y0, rtol: 1e-12, atol: 1e-12, tEval });
const refEnd = row(reference.y, dim, tEval.length - 1);

function errorAtEnd(method: "euler" | "rk4" | "implicit", h: number): number {
  const opts =
    method === "implicit"
      ? // Fixed step for the implicit method: h0 = hMax = h and a tolerance it always meets.
        { rtol: 0.5, atol: 1e6, h0: h, hMax: h }
      : { dt: h };
  const r = solve(system, { method, t0: 0, t1, y0, ...opts });
  return maxAbsDiff(row(r.y, dim, r.t.length - 1), refEnd);
}

describe("empirical convergence orders against odex at rtol = atol = 1e-12", () => {
  it("the reference is not trivial (the state moves by O(1))", () => {
    expect(maxAbsDiff(refEnd, y0)).toBeGreaterThan(0.5);
  });

  it.each([
    ["euler", [1 / 50, 1 / 100, 1 / 200, 1 / 400], 1],
    ["rk4", [1 / 10, 1 / 20, 1 / 40, 1 / 80], 4],
    ["implicit", [1 / 20, 1 / 40, 1 / 80, 1 / 160], 2],
  ] as const)("%s: slope of log(error) vs log(step) ≈ its order", (method, steps, order) => {
    const errors = steps.map((h) => errorAtEnd(method, h));
    const slope = logSlope([...steps], errors);
    // Measured 1.005 (euler), 3.977 (rk4), 2.009 (implicit): within 0.05 of the order, so a
    // method of order ±0.5 (an order-1.5 or 3.5 scheme) fails. Each halving's local order
    // log2(e_h / e_{h/2}) is within 0.1 too (worst measured: rk4 3.949 at the coarsest step).
    expect(Math.abs(slope - order)).toBeLessThan(0.05);
    for (let i = 1; i < errors.length; i++) {
      const local = Math.log2(errors[i - 1] / errors[i]);
      expect(Math.abs(local - order)).toBeLessThan(0.1);
    }
    // every halving reduces the error
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThan(errors[i - 1]);
  });
});

describe("adaptive methods: error falls with the tolerance; dense output is accurate", () => {
  it.each(["dopri5", "odex", "implicit"] as const)(
    "%s: error decreases as tolerance decreases",
    (method) => {
      const tols = method === "dopri5" ? [1e-4, 1e-6, 1e-8, 1e-10] : [1e-4, 1e-6, 1e-8];
      const results = tols.map((tol) => {
        const r = solve(system, { method, t0: 0, t1, y0, rtol: tol, atol: tol, tEval });
        let e = 0;
        for (let k = 0; k < tEval.length; k++) {
          e = Math.max(e, maxAbsDiff(row(r.y, dim, k), row(reference.y, dim, k)));
        }
        return { tol, e, steps: r.stats.steps };
      });
      for (let i = 1; i < results.length; i++) {
        expect(results[i].e).toBeLessThan(results[i - 1].e);
        expect(results[i].steps).toBeGreaterThanOrEqual(results[i - 1].steps);
      }
      // Accuracy at the dense-output points tracks the tolerance. dopri5 and odex (local
      // extrapolation: they advance with the higher-order solution) stay within a few tolerances.
      // TR-BDF2 controls the error per step of its second-order solution, so its global error is
      // about the sum of its local errors: steps·tol·(1 + |y|), |y| ≤ 2.5 here.
      for (const { tol, e, steps } of results) {
        const bound = method === "implicit" ? 2 * steps * tol * 3.5 : 20 * tol;
        expect(e).toBeLessThan(bound);
      }
    },
  );

  it("dopri5 dense output between steps agrees with the reference to the tolerance", () => {
    const many = Array.from({ length: 101 }, (_, k) => (k * t1) / 100);
    const r = solve(system, {
      method: "dopri5",
      t0: 0,
      t1,
      y0,
      rtol: 1e-9,
      atol: 1e-9,
      tEval: many,
    });
    const ref = solve(system, {
      method: "odex",
      t0: 0,
      t1,
      y0,
      rtol: 1e-12,
      atol: 1e-12,
      tEval: many,
    });
    expect(r.stats.steps).toBeLessThan(many.length); // so most points are interpolated
    expect(maxAbsDiff(r.y, ref.y)).toBeLessThan(2e-8);
  });

  it("dopri5 reports its counters: 6 evaluations per step (FSAL) plus start-up", () => {
    const r = solve(system, { method: "dopri5", t0: 0, t1, y0, rtol: 1e-8, atol: 1e-8 });
    const attempted = r.stats.steps + r.stats.rejectedSteps;
    expect(r.stats.rhsEvaluations).toBe(6 * attempted + 2);
  });
});
