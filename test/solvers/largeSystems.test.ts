import { describe, expect, it } from "vitest";
import { maxAbsDiff } from "../../src/core/norms.js";
import { type OdeSystem, type SolveOptions, solve } from "../../src/solvers/index.js";
import { buildCsr, row } from "./problems.js";

/**
 * Semi-discrete heat equation y_i' = c·(y_{i−1} − 2y_i + y_{i+1}), y_0 = y_{n+1} = 0: stiff
 * (eigenvalues down to −4c) with a closed form: the mode sin(kπi/(n+1)) decays exactly as
 * exp(−4c·sin²(kπ/(2(n+1)))·t).
 */
function heat(n: number, c: number, withJacobian: boolean) {
  const jac = buildCsr(n, (i, add) => {
    if (i > 0) add(i - 1, c);
    add(i, -2 * c);
    if (i < n - 1) add(i + 1, c);
  });
  const system: OdeSystem = {
    dim: n,
    rhs(_t, y, dydt) {
      for (let i = 0; i < n; i++) {
        const left = i > 0 ? y[i - 1] : 0;
        const right = i < n - 1 ? y[i + 1] : 0;
        dydt[i] = c * (left - 2 * y[i] + right);
      }
    },
    ...(withJacobian ? { jacobian: () => jac } : {}),
  };
  const modes = [3, 40];
  const amp = [1, 0.5];
  const rate = modes.map((k) => 4 * c * Math.sin((k * Math.PI) / (2 * (n + 1))) ** 2);
  const exact = (t: number) =>
    Float64Array.from({ length: n }, (_, i) =>
      modes.reduce(
        (s, k, m) =>
          s + amp[m] * Math.exp(-rate[m] * t) * Math.sin((k * Math.PI * (i + 1)) / (n + 1)),
        0,
      ),
    );
  return { system, exact, y0: exact(0), rate };
}

describe("implicit on large stiff systems (GMRES paths)", () => {
  const n = 1500;
  const { system, exact, y0, rate } = heat(n, 2e4, true);
  const base: SolveOptions = {
    method: "implicit",
    t0: 0,
    t1: 0.2,
    y0,
    rtol: 1e-5,
    atol: 1e-8,
    tEval: [0.05, 0.2],
  };

  it("the problem is stiff: the system's fastest mode decays at ≈ 8e4, 10^5 times its slowest, which still moves", () => {
    // The right-hand side is linear, F(y) = J·y: applied to the mode sin(kπi/(n+1)) it must
    // return λ_k times it, λ_k = −4c·sin²(kπ/(2(n+1))). Checked on the system itself for the
    // fastest (k = n) and slowest (k = 1) modes.
    const mode = (k: number) =>
      Float64Array.from({ length: n }, (_, i) => Math.sin((k * Math.PI * (i + 1)) / (n + 1)));
    const eigenvalue = (k: number) => {
      const v = mode(k);
      const Jv = new Float64Array(n);
      system.rhs(0, v, Jv);
      const lambda = -4 * 2e4 * Math.sin((k * Math.PI) / (2 * (n + 1))) ** 2;
      expect(
        maxAbsDiff(
          Jv,
          v.map((x) => lambda * x),
        ),
      ).toBeLessThan(1e-9 * Math.abs(lambda));
      return lambda;
    };
    const fastest = eigenvalue(n);
    const slowest = eigenvalue(1);
    expect(fastest).toBeLessThan(-7.99e4);
    expect(fastest / slowest).toBeGreaterThan(1e5);
    expect(rate[0] * 0.2).toBeGreaterThan(0.1); // the slowest mode of the solution moves
  });

  it("the implicit solver takes far fewer steps than explicit stability would allow", () => {
    // An explicit Runge–Kutta method is stable only for h·|λ| ≲ 3.3: at least 0.2·8e4/3.3 ≈
    // 4800 steps here. A solver that did not handle the stiffness could not take 10× fewer.
    const r = solve(system, base);
    expect(r.stats.steps).toBeLessThan((0.2 * 8e4) / 3.3 / 10);
  });

  it("auto with a CSR Jacobian above 1000 unknowns uses ILU(0)-GMRES and matches the closed form", () => {
    const r = solve(system, base);
    expect(r.stats.krylovIterations).toBeDefined();
    expect(maxAbsDiff(row(r.y, n, 0), exact(0.05))).toBeLessThan(1e-4);
    expect(maxAbsDiff(row(r.y, n, 1), exact(0.2))).toBeLessThan(1e-4);
    // ILU(0) of a tridiagonal W is exact: one Krylov iteration per solve suffices
    expect(r.stats.krylovIterations!).toBeLessThanOrEqual(2 * r.stats.linearSolves);
  });

  it("without a Jacobian it runs matrix-free (J·v by differences of F) with the same answer", () => {
    // Unpreconditioned: each Krylov iteration costs one evaluation of F, and their number
    // grows with h·‖J‖, so stiff large systems do better with system.jacobian (ILU(0)).
    const free = heat(n, 2e4, false);
    const r = solve(free.system, base);
    expect(r.stats.krylovIterations).toBeGreaterThan(0);
    expect(maxAbsDiff(row(r.y, n, 0), exact(0.05))).toBeLessThan(1e-4);
    expect(maxAbsDiff(row(r.y, n, 1), exact(0.2))).toBeLessThan(1e-4);
  });

  it("dense and gmres linear solvers agree on a smaller copy", () => {
    const small = heat(200, 2e3, true);
    const opts: SolveOptions = { ...base, y0: small.y0 };
    const dense = solve(small.system, { ...opts, linearSolver: "dense" });
    const gmres = solve(small.system, { ...opts, linearSolver: "gmres" });
    expect(dense.stats.krylovIterations).toBeUndefined();
    expect(maxAbsDiff(dense.y, gmres.y)).toBeLessThan(1e-7);
    expect(maxAbsDiff(row(dense.y, 200, 1), small.exact(0.2))).toBeLessThan(1e-4);
  });
});
