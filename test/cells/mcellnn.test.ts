import { describe, expect, it } from "vitest";
import type { CellArray } from "../../src/cells/spec.js";
import { createCellSystem } from "../../src/cells/system.js";
import { createMemristor } from "../../src/devices/registry.js";
import type { MemristorModel } from "../../src/devices/types.js";
import { solve } from "../../src/solvers/solve.js";
import { randomArray } from "../support/arrays.js";
import { expectJacobianMatchesDifferences } from "../support/jacobian.js";

const NO_MEMRISTOR: MemristorModel = {
  name: "open-circuit",
  params: {},
  wMin: 0,
  wMax: 1,
  current: () => 0,
  stateRate: () => 0,
  partials: (_w, _v, out) => out.fill(0),
};

function withMemristor(
  a: CellArray,
  model: MemristorModel,
  w0 = 0.1,
  voltage: "x" | "y" = "x",
): CellArray {
  return { ...a, memristor: { model, w0: new Float64Array(a.x0.length).fill(w0), voltage } };
}

describe("M-CellNN arrays (DESIGN.md 2.3)", () => {
  const base = randomArray({ seed: 8, channels: 2, inputChannels: 2, rows: 4, cols: 5 });

  it("with the memristor removed equal the CellNN array exactly, along a whole transient", () => {
    const plain = createCellSystem(base);
    const open = createCellSystem(withMemristor(base, NO_MEMRISTOR));
    expect(open.dim).toBe(2 * plain.dim);
    const a = solve(plain, { method: "rk4", t0: 0, t1: 1, dt: 0.01, y0: plain.initialState() });
    const b = solve(open, { method: "rk4", t0: 0, t1: 1, dt: 0.01, y0: open.initialState() });
    for (let k = 0; k < a.t.length; k++) {
      expect(Array.from(b.y.subarray(k * b.dim, k * b.dim + plain.dim))).toEqual(
        Array.from(a.y.subarray(k * a.dim, (k + 1) * a.dim)),
      );
      expect(b.y.subarray(k * b.dim + plain.dim, (k + 1) * b.dim).every((w) => w === 0.1)).toBe(
        true,
      );
    }
  });

  for (const name of ["strachan-taox", "strachan-taox-smooth"]) {
    it(`${name}: the right-hand side is −x + A⋆f(x) + B⋆u + z − (R/V_s)·i(w, V_s·x) and τ·g(w, V_s·x)`, () => {
      const model = createMemristor(name);
      const array = { ...withMemristor(base, model, 0.3), scales: { tau: 2e-3, Vs: 0.4, R: 150 } };
      const sys = createCellSystem(array);
      const plain = createCellSystem(base);
      const state = sys.initialState();
      state.forEach((_, k) => {
        if (k < plain.dim) state[k] = 1.5 * Math.sin(k + 0.3);
        else state[k] = 0.2 + (0.6 * ((k * 7) % 11)) / 11;
      });
      const d = new Float64Array(sys.dim);
      const dPlain = new Float64Array(plain.dim);
      sys.rhs(0, state, d);
      plain.rhs(0, state.subarray(0, plain.dim), dPlain);
      for (let p = 0; p < plain.dim; p++) {
        const v = 0.4 * state[p];
        const w = state[plain.dim + p];
        expect(d[p]).toBeCloseTo(dPlain[p] - (150 / 0.4) * model.current(w, v), 12);
        expect(d[plain.dim + p]).toBeCloseTo(2e-3 * model.stateRate(w, v), 12);
      }
    });

    for (const voltage of ["x", "y"] as const) {
      it(`${name}: the Jacobian agrees with central differences (memristor sees ${voltage})`, () => {
        const array = {
          ...withMemristor(base, createMemristor(name), 0.3, voltage),
          scales: { tau: 1e-3, Vs: 0.35, R: 100 },
        };
        const sys = createCellSystem(array);
        const n = sys.dim;
        const s = sys.initialState();
        for (let p = 0; p < n / 2; p++) s[p] = 1.3 * Math.sin(2.1 * p + 0.2) + 0.01; // both signs, off the kinks
        expectJacobianMatchesDifferences(sys, s, 1e-5);
      });
    }
  }

  it("the memristor changes the transient: larger V_s, stronger effect", () => {
    const finals = [0.05, 0.2, 0.35].map((Vs) => {
      const array = {
        ...withMemristor(base, createMemristor("strachan-taox-smooth")),
        scales: { tau: 1e-3, Vs, R: 100 },
      };
      const sys = createCellSystem(array);
      const r = solve(sys, {
        method: "dopri5",
        t0: 0,
        t1: 2,
        y0: sys.initialState(),
        rtol: 1e-8,
        atol: 1e-10,
        tEval: [2],
      });
      return r.y.subarray(0, sys.cells);
    });
    const plain = createCellSystem(base);
    const ref = solve(plain, {
      method: "dopri5",
      t0: 0,
      t1: 2,
      y0: plain.initialState(),
      rtol: 1e-8,
      atol: 1e-10,
      tEval: [2],
    }).y;
    const dist = finals.map((f) => Math.max(...Array.from(f, (v, p) => Math.abs(v - ref[p]))));
    expect(dist[0]).toBeLessThan(dist[1]);
    expect(dist[1]).toBeLessThan(dist[2]);
    expect(dist[2]).toBeGreaterThan(0.05);
  });

  it("stiff regime: a memristor that dominates its cell (R·G ≈ 25000) needs tiny explicit steps, few implicit ones", () => {
    // R = 10 MΩ against G(w = 0.1) ≈ 2.5 mS: the fastest eigenvalue is about −R·G ≈ −25000/τ.
    const array = {
      ...withMemristor(base, createMemristor("strachan-taox-smooth")),
      scales: { tau: 1e-3, Vs: 0.5, R: 1e7 },
    };
    const sys = createCellSystem(array);
    const run = (method: "implicit" | "dopri5", rtol: number) =>
      solve(sys, { method, t0: 0, t1: 3, y0: sys.initialState(), rtol, atol: rtol * 1e-3 });
    const implicit = run("implicit", 1e-6);
    const explicit = run("dopri5", 1e-6);
    const tight = run("dopri5", 1e-11);
    expect(implicit.stats.steps * 10).toBeLessThan(explicit.stats.steps);
    const last = (r: ReturnType<typeof run>) => r.y.subarray(r.y.length - r.dim);
    const ref = last(tight);
    const err = Math.max(...Array.from(last(implicit), (v, k) => Math.abs(v - ref[k])));
    // TR-BDF2's global error is about steps × rtol (docs/solvers.md): here ≲ 1e-4.
    expect(err).toBeLessThan(1e-4);
  });
});

describe("an M-CellNN system in float32 (createCellSystem's precision)", () => {
  it("rounds only A ⋆ f(x): dw/dt is the float64 one bit for bit, dx/dt within float32's error", () => {
    const base = randomArray({ seed: 31, channels: 3, inputChannels: 2, rows: 5, cols: 4 });
    for (const voltage of ["x", "y"] as const) {
      const a = withMemristor(base, createMemristor("strachan-taox-smooth"), 0.3, voltage);
      const s64 = createCellSystem(a);
      const s32 = createCellSystem(a, { precision: "float32" });
      const n = s64.cells;
      const state = s64.initialState().map((v, k) => (k < n ? v + 0.4 * Math.sin(k) : v));
      const [d64, d32] = [new Float64Array(2 * n), new Float64Array(2 * n)];
      s64.rhs(0, state, d64);
      s32.rhs(0, state, d32);
      expect(Array.from(d32.subarray(n))).toEqual(Array.from(d64.subarray(n)));
      let apart = 0;
      for (let k = 0; k < n; k++) apart = Math.max(apart, Math.abs(d32[k] - d64[k]));
      expect(apart, voltage).toBeGreaterThan(0);
      expect(apart, voltage).toBeLessThan(1e-5);
    }
  });
});
