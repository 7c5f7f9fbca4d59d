import { describe, expect, it } from "vitest";
import { SolverError, ValidationError } from "../../src/core/errors.js";
import {
  type OdeSystem,
  type SolveOptions,
  type SolverMethod,
  solve,
} from "../../src/solvers/index.js";
import { linearDecay } from "./problems.js";

const ALL: SolverMethod[] = ["euler", "rk4", "dopri5", "odex", "implicit"];
const ADAPTIVE: SolverMethod[] = ["dopri5", "odex", "implicit"];

/** Runs fn and returns what it threw (failing the test when it did not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  expect.unreachable("expected a throw");
}

/** dy/dt = y², y(0) = 1: y = 1/(1 − t) blows up at t = 1. */
const blowUp: OdeSystem = {
  dim: 1,
  rhs(_t, y, dydt) {
    dydt[0] = y[0] * y[0];
  },
};

/** Component 2 of F is NaN (everywhere, or only after tBad). */
function nanAt(tBad = Number.NEGATIVE_INFINITY): OdeSystem {
  return {
    dim: 4,
    rhs(t, y, dydt) {
      for (let i = 0; i < 4; i++) dydt[i] = -y[i];
      if (t > tBad) dydt[2] = Number.NaN;
    },
  };
}

describe("solve() failures are SolverErrors with time, step, method and state", () => {
  it.each(ADAPTIVE)("%s: y' = y² from 1 stops near t = 1", (method) => {
    const e = thrown(() => solve(blowUp, { method, t0: 0, t1: 2, y0: Float64Array.of(1) }));
    expect(e).toBeInstanceOf(SolverError);
    const err = e as SolverError;
    expect(["step-size-collapse", "non-finite-state"]).toContain(err.reason);
    expect(Math.abs(err.t - 1)).toBeLessThan(1e-3);
    expect(err.details.method).toBe(method);
    expect(typeof err.details.h).toBe("number");
    expect(err.message).toContain(`t = ${err.t}`);
    const state = err.details.state as { worst: { index: number; value: number }[] };
    expect(state.worst[0].index).toBe(0);
    expect(Math.abs(state.worst[0].value)).toBeGreaterThan(1e3);
  });

  it.each(["euler", "rk4"] as const)(
    "%s: y' = y² at dt = 1e-3 overflows to a non-finite state after t = 1",
    (method) => {
      const e = thrown(() =>
        solve(blowUp, { method, t0: 0, t1: 2, dt: 1e-3, y0: Float64Array.of(1) }),
      );
      expect((e as SolverError).reason).toBe("non-finite-state");
      expect((e as SolverError).t).toBeGreaterThan(1);
      expect((e as SolverError).t).toBeLessThan(1.2);
    },
  );

  it.each(ALL)("%s: exceeding maxSteps is too-many-steps", (method) => {
    const system = linearDecay(Float64Array.of(1, 2));
    const opts: SolveOptions = {
      method,
      t0: 0,
      t1: 100,
      y0: Float64Array.of(0, 0),
      dt: 0.01,
      rtol: 1e-10,
      atol: 1e-12,
      maxSteps: 5,
    };
    const e = thrown(() => solve(system, opts));
    expect(e).toBeInstanceOf(SolverError);
    expect((e as SolverError).reason).toBe("too-many-steps");
    expect((e as SolverError).message).toContain("maxSteps");
  });

  it.each(ALL)("%s: a NaN in F is non-finite-state naming component 2", (method) => {
    const e = thrown(() =>
      solve(nanAt(), { method, t0: 0, t1: 1, dt: 0.1, y0: Float64Array.of(1, 1, 1, 1) }),
    );
    expect(e).toBeInstanceOf(SolverError);
    const err = e as SolverError;
    expect(err.reason).toBe("non-finite-state");
    expect((err.details.state as { firstNonFinite: { index: number } }).firstNonFinite.index).toBe(
      2,
    );
    expect(err.message).toMatch(/\[2\] = NaN/);
  });

  it.each(["dopri5", "implicit"] as const)(
    "%s: a NaN appearing at t = 0.5 is non-finite-state at t = 0.5",
    (method) => {
      // The adaptive Runge–Kutta methods reject steps on a non-finite F and shrink until the
      // step cannot shrink further: the failure is located to within the step floor.
      const e = thrown(() =>
        solve(nanAt(0.5), { method, t0: 0, t1: 1, y0: Float64Array.of(1, 1, 1, 1) }),
      );
      const err = e as SolverError;
      expect(err.reason).toBe("non-finite-state");
      expect(Math.abs(err.t - 0.5)).toBeLessThan(1e-9);
      expect(
        (err.details.state as { firstNonFinite: { index: number } }).firstNonFinite.index,
      ).toBe(2);
    },
  );

  it("odex: a NaN appearing at t = 0.5 aborts at once, naming where F was evaluated", () => {
    // odex cannot reject a step on NaN, so the adapter stops at the first non-finite F: t is the
    // last accepted time (≤ 0.5), details.tF the time of the failing evaluation (> 0.5).
    const e = thrown(() =>
      solve(nanAt(0.5), { method: "odex", t0: 0, t1: 1, y0: Float64Array.of(1, 1, 1, 1) }),
    );
    const err = e as SolverError;
    expect(err.reason).toBe("non-finite-state");
    expect(err.t).toBeLessThanOrEqual(0.5);
    expect(err.details.tF as number).toBeGreaterThan(0.5);
    expect((err.details.state as { firstNonFinite: { index: number } }).firstNonFinite.index).toBe(
      2,
    );
  });

  it("implicit: Newton that cannot converge at any step size is newton-divergence", () => {
    // dy/dt = −M·sign(y) (sign(0) = +1) from 0, M = 1e30: the stage equations have no solution
    // (the state wants to slide on y = 0); Newton oscillates by ±2·d·h·M, which stays above the
    // tolerance down to the smallest step. (With M = 1 the oscillation falls below the
    // tolerance at h ≈ 1e-11 and the solve creeps on with tiny steps instead.)
    const chatter: OdeSystem = {
      dim: 1,
      rhs(_t, y, dydt) {
        dydt[0] = y[0] >= 0 ? -1e30 : 1e30;
      },
    };
    const e = thrown(() =>
      solve(chatter, { method: "implicit", t0: 0, t1: 1, y0: Float64Array.of(0) }),
    );
    expect((e as SolverError).reason).toBe("newton-divergence");
    expect((e as SolverError).message).toContain("implicit");
  });
});

describe("solve() validates its options (ValidationError naming the field)", () => {
  const system = linearDecay(Float64Array.of(1, 2));
  const good: SolveOptions = { method: "dopri5", t0: 0, t1: 1, y0: Float64Array.of(0, 0), dt: 0.1 };
  it.each([
    ["t0", { t0: -1 }],
    ["t0", { t0: Number.NaN }],
    ["t1", { t1: 0 }],
    ["t1", { t1: Number.POSITIVE_INFINITY }],
    ["t1", { t1: Number.NaN }],
    ["dt", { method: "euler", dt: 0 }],
    ["dt", { method: "rk4", dt: -0.1 }],
    ["dt", { method: "euler", dt: undefined }],
    ["rtol", { rtol: 0 }],
    ["rtol", { rtol: -1e-6 }],
    ["rtol", { rtol: Number.NaN }],
    ["atol", { atol: -1 }],
    ["y0", { y0: Float64Array.of(0) }],
    ["y0[1]", { y0: Float64Array.of(0, Number.NaN) }],
    ["method", { method: "rk45" }],
    ["tEval[1]", { tEval: [0.5, 0.5] }],
    ["tEval[2]", { tEval: [0.1, 0.5, 0.2] }],
    ["tEval[0]", { tEval: [-0.1, 0.5] }],
    ["tEval[1]", { tEval: [0.5, 1.5] }],
    ["tEval", { tEval: [] }],
    ["maxSteps", { maxSteps: 0 }],
    ["hMin", { hMin: 2 }],
    ["h0", { h0: 0 }],
  ] as const)("%s: %o", (field, patch) => {
    const e = thrown(() => solve(system, { ...good, ...(patch as Partial<SolveOptions>) }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe(field);
    expect((e as ValidationError).message).toContain("valid:");
  });
});
