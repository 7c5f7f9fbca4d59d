import { describe, expect, it } from "vitest";
import type { CellArray } from "../../src/cells/spec.js";
import { createCellSystem } from "../../src/cells/system.js";
import { solve } from "../../src/solvers/solve.js";
import type { SolverMethod } from "../../src/solvers/types.js";
import { randomArray } from "../support/arrays.js";

/** x(t) = e^{−t} x(0) + (1 − e^{−t})(B ⋆ u + z) when A = 0 (DESIGN.md 1). */
function linearArray(): CellArray {
  const a = randomArray({
    seed: 21,
    channels: 3,
    inputChannels: 2,
    rows: 5,
    cols: 6,
    boundary: { kind: "periodic" },
  });
  return { ...a, A: { ...a.A, data: new Float64Array(a.A.data.length) } };
}

describe("solvers on a linear array (A = 0) match the closed form", () => {
  const array = linearArray();
  const system = createCellSystem(array);
  const T = 2;
  const tEval = [0, 0.5, 1.25, 2];
  const exact = (t: number) =>
    array.x0.map((x0, p) => Math.exp(-t) * x0 + (1 - Math.exp(-t)) * system.constantInput[p]);
  const cases: [SolverMethod, Record<string, number>, number][] = [
    // Euler's global error on x' = −x + c is ≤ dt·T·max|x''|/2·e^0; here |x''| ≤ 2, so ≤ dt·T.
    ["euler", { dt: 1e-3 }, 2e-3],
    // RK4: C·dt⁴ with C ≈ T/120·max|x⁽⁵⁾| ≪ 1.
    ["rk4", { dt: 1e-2 }, 1e-9],
    ["dopri5", { rtol: 1e-10, atol: 1e-12 }, 1e-9],
    ["odex", { rtol: 1e-10, atol: 1e-12 }, 1e-9],
    ["implicit", { rtol: 1e-8, atol: 1e-10 }, 1e-6],
  ];
  for (const [method, opts, tol] of cases) {
    it(`${method} within ${tol}`, () => {
      const r = solve(system, { method, t0: 0, t1: T, y0: system.initialState(), tEval, ...opts });
      expect(Array.from(r.t)).toEqual(tEval);
      tEval.forEach((t, k) => {
        const want = exact(t);
        const got = r.y.subarray(k * r.dim, (k + 1) * r.dim);
        let err = 0;
        want.forEach((v, p) => {
          err = Math.max(err, Math.abs(v - got[p]));
        });
        expect(err).toBeLessThanOrEqual(tol);
      });
    });
  }

  it("one Euler step of Δt = 1 from x(0) = 0 is exactly one correlation with B plus z", () => {
    const zeroStart = { ...array, x0: new Float64Array(array.x0.length) };
    const s = createCellSystem(zeroStart);
    const r = solve(s, { method: "euler", t0: 0, t1: 1, dt: 1, y0: s.initialState() });
    expect(Array.from(r.y.subarray(r.dim))).toEqual(Array.from(s.constantInput));
  });
});

/** log–log slope of the final-state error against the step, against a tight odex reference. */
function convergenceSlope(array: CellArray, method: SolverMethod, steps: number[], T = 1): number {
  const system = createCellSystem(array);
  const reference = solve(system, {
    method: "odex",
    t0: 0,
    t1: T,
    y0: system.initialState(),
    rtol: 1e-13,
    atol: 1e-13,
  });
  const xT = reference.y.subarray(reference.dim);
  const pts = steps.map((dt) => {
    const r = solve(system, { method, t0: 0, t1: T, dt, y0: system.initialState(), tEval: [T] });
    let e = 0;
    xT.forEach((v, p) => {
      e = Math.max(e, Math.abs(v - r.y[p]));
    });
    return [Math.log(dt), Math.log(e)];
  });
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  return (
    pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) /
    pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0)
  );
}

describe("empirical convergence orders on a random multi-channel array", () => {
  // 4 channels, 3 input channels, 6×6, fixed boundary, full 3×3 templates. Inputs small enough
  // that every cell stays inside the linear part of f on [0, 1]: the right-hand side is smooth.
  const base = randomArray({
    seed: 4,
    channels: 4,
    inputChannels: 3,
    rows: 6,
    cols: 6,
    scaleA: 0.9,
  });
  const smooth: CellArray = {
    ...base,
    A: { ...base.A, data: base.A.data.map((a) => 0.5 * a) },
    B: { ...base.B, data: base.B.data.map((b) => 0.05 * b) },
    z: base.z.map((z) => 0.1 * z),
  };

  it("stays in the linear region of f (so the right-hand side is smooth)", () => {
    const s = createCellSystem(smooth);
    const r = solve(s, {
      method: "odex",
      t0: 0,
      t1: 1,
      y0: s.initialState(),
      tEval: [0, 0.25, 0.5, 0.75, 1],
    });
    expect(Math.max(...Array.from(r.y, Math.abs))).toBeLessThan(1);
  });

  it("Euler ≈ 1", () => {
    expect(
      Math.abs(convergenceSlope(smooth, "euler", [0.05, 0.025, 0.0125, 0.00625]) - 1),
    ).toBeLessThan(0.5);
  });

  it("RK4 ≈ 4", () => {
    expect(Math.abs(convergenceSlope(smooth, "rk4", [0.2, 0.1, 0.05, 0.025]) - 4)).toBeLessThan(
      0.5,
    );
  });

  it("cells crossing the kinks of f (|x| = 1) make the right-hand side only Lipschitz: Euler stays ≈ 1, RK4 drops to ≈ 2", () => {
    expect(
      Math.abs(convergenceSlope(base, "euler", [0.05, 0.025, 0.0125, 0.00625]) - 1),
    ).toBeLessThan(0.5);
    expect(Math.abs(convergenceSlope(base, "rk4", [0.2, 0.1, 0.05, 0.025]) - 2)).toBeLessThan(0.5);
  });
});
