import { describe, expect, it } from "vitest";
import { maxAbsDiff } from "../../src/core/norms.js";
import { type OdeSystem, solve } from "../../src/solvers/index.js";
import { memristorOnSwitching, robertson, row } from "./problems.js";

/** Prothero–Robinson: y' = −λ(y − sin t) + cos t, y(0) = 0, exact y = sin t; stiff for large λ. */
function protheroRobinson(lambda: number): OdeSystem {
  return {
    dim: 1,
    rhs(t, y, dydt) {
      dydt[0] = -lambda * (y[0] - Math.sin(t)) + Math.cos(t);
    },
  };
}

describe("implicit (TR-BDF2) in the stiff regime", () => {
  it("Prothero–Robinson, λ = 1e5: matches sin t with ≥ 10× fewer steps than dopri5", () => {
    const system = protheroRobinson(1e5);
    const tEval = [0, 0.5, 1, 1.5, 2];
    const opts = { t0: 0, t1: 2, y0: Float64Array.of(0), rtol: 1e-6, atol: 1e-8, tEval };
    const imp = solve(system, { method: "implicit", ...opts });
    const exp = solve(system, { method: "dopri5", ...opts });
    const exact = tEval.map(Math.sin);
    expect(maxAbsDiff(imp.y, exact)).toBeLessThan(1e-5);
    expect(maxAbsDiff(exp.y, exact)).toBeLessThan(1e-5);
    expect(imp.stats.steps * 10).toBeLessThan(exp.stats.steps);
  });

  describe("Robertson's chemical kinetics on [0, 40]", () => {
    const y0 = Float64Array.of(1, 0, 0);
    const base = { t0: 0, t1: 40, y0 };
    // Tight explicit reference: dopri5 is stability-limited here (tens of thousands of steps).
    const ref = solve(robertson(false), { method: "dopri5", ...base, rtol: 1e-10, atol: 1e-14 });
    const refEnd = row(ref.y, 3, 1);
    const fd = solve(robertson(false), { method: "implicit", ...base, rtol: 1e-6, atol: 1e-10 });
    const analytic = solve(robertson(true), {
      method: "implicit",
      ...base,
      rtol: 1e-6,
      atol: 1e-10,
    });
    const explicit = solve(robertson(false), {
      method: "dopri5",
      ...base,
      rtol: 1e-6,
      atol: 1e-10,
    });

    it("the reference agrees with the published solution y(40) (HNW II §IV.10)", () => {
      expect(refEnd[0]).toBeCloseTo(0.7158270687, 8);
      expect(refEnd[1]).toBeCloseTo(9.185534764e-6, 12);
      expect(refEnd[2]).toBeCloseTo(0.2841637457, 8);
    });

    it.each([
      ["finite-difference Jacobian", fd],
      ["analytic CSR Jacobian", analytic],
    ])("with a %s it agrees with the reference (relative 5e-5 per component)", (_name, r) => {
      const end = row(r.y, 3, 1);
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(end[i] - refEnd[i]) / refEnd[i]).toBeLessThan(5e-5);
      }
    });

    it("needs ≥ 10× fewer steps than dopri5 at the same tolerance", () => {
      expect(fd.stats.steps * 10).toBeLessThan(explicit.stats.steps);
      expect(analytic.stats.steps * 10).toBeLessThan(explicit.stats.steps);
    });

    it("reuses the Jacobian and its factorisation across steps", () => {
      const s = analytic.stats;
      expect(s.jacobianEvaluations).toBeGreaterThan(0);
      expect(s.jacobianEvaluations * 5).toBeLessThan(s.steps);
      // one linear solve per Newton iteration plus one per error estimate
      expect(s.linearSolves).toBeGreaterThanOrEqual(s.newtonIterations + s.steps);
      expect(s.linearSolves).toBeLessThanOrEqual(s.newtonIterations + s.steps + s.rejectedSteps);
      // the analytic Jacobian saves the dim = 3 evaluations per finite-difference Jacobian
      expect(fd.stats.rhsEvaluations - fd.stats.newtonIterations - 2).toBe(
        3 * fd.stats.jacobianEvaluations,
      );
    });
  });

  describe("TaOx ON switching under constant voltage (closed form by quadrature, DESIGN.md §2.1)", () => {
    it("the oracle reproduces the documented switching times 0.1 → 0.3", () => {
      expect(memristorOnSwitching(0.45).timeTo(0.1, 0.3)).toBeCloseTo(3.741847e-3, 9);
      expect(memristorOnSwitching(0.5).timeTo(0.1, 0.3)).toBeCloseTo(6.805015e-5, 11);
    });

    it.each([
      ["implicit", 0.45, 1e-2, 1e-3],
      ["implicit", 0.5, 2e-4, 1e-3],
      ["dopri5", 0.5, 2e-4, 1e-4],
      ["odex", 0.5, 2e-4, 1e-4],
    ] as const)(
      "%s at %g V: w(t_k) lies on the exact trajectory (time error ≤ %g·t_k … %g)",
      (method, v, t1, rel) => {
        const { system, timeTo } = memristorOnSwitching(v);
        const tEval = Array.from({ length: 8 }, (_, k) => ((k + 1) * t1) / 8);
        const r = solve(system, {
          method,
          t0: 0,
          t1,
          y0: Float64Array.of(0.1),
          tEval,
          rtol: 1e-6,
          atol: 1e-9,
        });
        expect(r.y[r.y.length - 1]).toBeGreaterThan(0.3); // it switched
        for (let k = 0; k < tEval.length; k++) {
          expect(Math.abs(timeTo(0.1, r.y[k]) - tEval[k])).toBeLessThan(rel * tEval[k]);
        }
      },
    );
  });
});
