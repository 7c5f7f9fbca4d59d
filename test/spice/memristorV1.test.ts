import { describe, expect, it } from "vitest";
import { classicArray, classicTemplate } from "../../src/cells/library.js";
import type { CellArray } from "../../src/cells/spec.js";
import { runCosim } from "../../src/cosim/cosim.js";
import { memristorDriveSystem, sinusoid } from "../../src/devices/drive.js";
import { createMemristor } from "../../src/devices/registry.js";
import { solve } from "../../src/solvers/solve.js";
import { arrayNetlist } from "../../src/spice/netlist/cellArray.js";
import { memristorDriveNetlist } from "../../src/spice/netlist/memristorDrive.js";
import { renderNetlist } from "../../src/spice/netlist/model.js";
import { runNgspice } from "../../src/spice/runner.js";
import { picture } from "../support/images.js";

/**
 * The `strachan-taox-smooth-v1` subcircuit (src/spice/netlist/memristor.ts) against cellspice's
 * model (src/devices/strachanSmoothV1.ts): a single device under a sinusoidal drive, once in the
 * physical regime of the published drive and once hard enough that the soft rate cap acts, and
 * a small M-CellNN array co-simulated with the memristor sensing x and sensing y.
 */
const TAU = 1e-4;
const v1 = () => createMemristor("strachan-taox-smooth-v1", { tau: TAU });

async function drive(amplitude: number, duration: number, maxStep: number) {
  const model = v1();
  const text = renderNetlist(
    memristorDriveNetlist(model, { amplitude, frequency: 3, duration, w0: 0.1, maxStep }),
  );
  const r = await runNgspice(text, { expectVectors: ["v(p)", "v(w)", "i(vd)"], tstop: duration });
  const t = r.plot.vector("time");
  const ts = solve(memristorDriveSystem(model, sinusoid(amplitude, 3)), {
    method: "dopri5",
    t0: 0,
    t1: duration,
    y0: Float64Array.of(0.1),
    tEval: t,
    rtol: 1e-10,
    atol: 1e-12,
    hMax: 1e-3,
  });
  return {
    model,
    text,
    t,
    v: r.plot.vector("v(p)"),
    w: r.plot.vector("v(w)"),
    i: r.plot.vector("i(vd)").map((x) => -x),
    wRef: ts.y,
  };
}

describe("the strachan-taox-smooth-v1 subcircuit", () => {
  it("writes every model parameter, tau and rate_cap included, as a subcircuit parameter", async () => {
    const { text } = await drive(0.45, 1e-3, 1e-4);
    expect(text).toMatch(
      /^\.subckt taox_strachan_smooth_v1 p n w params: w0=1e-1 g_m=2\.5e-2 .* eps=1e-12 w_min=1e-3 rate_cap=1e1 tau=1e-4$/m,
    );
    expect(text).toContain("bw 0 w i={1/tau}*(");
  });

  it("at 0.45 V, 3 Hz (one period) follows cellspice's model: w within 1e-4, the current within 1e-3", async () => {
    // Step cap 1/60000 s as for the other two subcircuits (test/spice/netlist.test.ts).
    const r = await drive(0.45, 1 / 3, 1 / 60000);
    let wErr = 0;
    let iErr = 0;
    let iMax = 0;
    for (let k = 0; k < r.t.length; k++) {
      wErr = Math.max(wErr, Math.abs(r.w[k] - r.wRef[k]));
      iErr = Math.max(iErr, Math.abs(r.i[k] - r.model.current(r.wRef[k], r.v[k])));
      iMax = Math.max(iMax, Math.abs(r.i[k]));
    }
    expect(wErr).toBeLessThan(1e-4);
    expect(iErr / iMax).toBeLessThan(1e-3);
    // w switches ON in the positive half-wave and back OFF in the negative one.
    expect(Math.max(...r.w)).toBeGreaterThan(0.3);
    expect(r.w[r.w.length - 1]).toBeLessThan(0.12);
  });

  it("at 1 V reaches the soft rate cap (rate_cap per τ) and still follows the model", async () => {
    const r = await drive(1, 1 / 3, 1 / 60000);
    const m = r.model;
    const uncapped = createMemristor("strachan-taox-smooth-v1", { tau: TAU, rate_cap: 1e12 });
    let capped = 0;
    let free = 0;
    let wErr = 0;
    let wMax = 0;
    for (let k = 0; k < r.t.length; k++) {
      const rate = Math.abs(m.stateRate(r.wRef[k], r.v[k])) * TAU;
      if (rate > capped) {
        capped = rate;
        free = Math.abs(uncapped.stateRate(r.wRef[k], r.v[k])) * TAU;
      }
      wErr = Math.max(wErr, Math.abs(r.w[k] - r.wRef[k]));
      wMax = Math.max(wMax, Math.abs(r.wRef[k]));
    }
    // The cap acts: |τ·dw/dt| stays below rate_cap = 10 where the uncapped rate is ~47 (measured).
    expect(capped).toBeGreaterThan(0.5 * 10);
    expect(capped).toBeLessThanOrEqual(10);
    expect(free).toBeGreaterThan(3 * 10);
    // w is not windowed (the model's choice): at the cap it runs far past 1.
    expect(wMax).toBeGreaterThan(10);
    // At the cap w moves by up to 1e5/s·h ≈ 1.7 per ngspice step: its error is ngspice's own
    // time discretisation, converging as h² (measured: 1.1e-3·max|w| at h = 1/60000 s, 1.2e-4 at
    // 1/200000 s, against dopri5 at rtol 1e-10).
    expect(wErr / wMax).toBeLessThan(2e-3);
    expect(Math.abs(r.w[r.w.length - 1] - r.wRef[r.wRef.length - 1])).toBeLessThan(1e-4);
  });
});

describe("an M-CellNN array with strachan-taox-smooth-v1 memristors, co-simulated", () => {
  const base = classicArray(classicTemplate("edge"), picture(["...", ".#.", "##."]));
  const withMemristor = (voltage: "x" | "y"): CellArray => ({
    ...base,
    scales: { tau: TAU, Vs: 0.5, R: 100 },
    memristor: { model: v1(), w0: new Float64Array(9).fill(0.1), voltage },
  });

  it("passes sensing x and sensing y, and the two settings give different circuits and states", async () => {
    const finals: Float64Array[] = [];
    for (const voltage of ["x", "y"] as const) {
      const a = withMemristor(voltage);
      const text = renderNetlist(arrayNetlist(a, { T: 2 }).netlist);
      expect(text).toMatch(
        voltage === "x"
          ? /^xm_0_1_1 x_0_1_1 0 w_0_1_1 taox_strachan_smooth_v1 params: w0=1e-1$/m
          : /^xm_0_1_1 m_0_1_1 0 w_0_1_1 taox_strachan_smooth_v1 params: w0=1e-1$/m,
      );
      const r = await runCosim(a, { T: 2 });
      expect(r.verdict.failed).toEqual([]);
      expect(r.verdict.pass).toBe(true);
      expect(r.overall.maxAbs).toBeLessThan(1e-4);
      // The memristors moved (w is compared too): the centre cell's w rose from 0.1.
      const nt = r.t.length;
      expect(r.cellspice.w![(nt - 1) * 9 + 4]).toBeGreaterThan(0.12);
      finals.push(r.cellspice.x.slice((nt - 1) * 9));
    }
    let diff = 0;
    for (let p = 0; p < 9; p++) diff = Math.max(diff, Math.abs(finals[0][p] - finals[1][p]));
    expect(diff).toBeGreaterThan(1e-2);
  });
});
