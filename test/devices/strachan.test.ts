import { describe, expect, it } from "vitest";
import { paramDefaults } from "../../src/core/params.js";
import { constantVoltage, memristorDriveSystem, sinusoid } from "../../src/devices/drive.js";
import { onSwitchingTime } from "../../src/devices/onSwitching.js";
import { createStrachan } from "../../src/devices/strachan.js";
import { STRACHAN_PARAMS, type StrachanParams } from "../../src/devices/strachanParams.js";
import { finiteDifferencePartials } from "./numeric.js";
import { rk4 } from "./rk4.js";

const P = paramDefaults(STRACHAN_PARAMS) as unknown as StrachanParams;
const model = createStrachan();

describe("strachan (original TaOx model, DESIGN.md 2.1)", () => {
  it("current(w, 0) = 0 for every w: the loop is pinched", () => {
    for (const w of [0, 0.001, 0.1, 0.3, 0.5, 1]) expect(model.current(w, 0)).toBe(0);
  });

  it("current(w, v) = (G_m·w + a(1−w)e^{b√|v|})·v at a hand-computed point", () => {
    const g = 0.025 * 0.2 + 7.2e-6 * 0.8 * Math.exp(4.7 * Math.sqrt(0.3));
    expect(model.current(0.2, -0.3)).toBeCloseTo(-0.3 * g, 15);
  });

  it("stateRate switches branch with the sign of v and is 0 at v = 0", () => {
    expect(model.stateRate(0.2, 0)).toBe(0);
    expect(model.stateRate(0.2, 0.3)).toBeGreaterThan(0);
    expect(model.stateRate(0.2, -0.3)).toBeLessThan(0);
  });

  // Oracle: t = (1/K)∫ exp((s/x_on)² − c₁s) ds, composite Simpson; DESIGN.md 2.1 values.
  it("onSwitchingTime(0.45 V, 0.1 → 0.3) = 3.741847e-3 s and (0.5 V) = 6.805015e-5 s (rel 1e-4)", () => {
    const t45 = onSwitchingTime(P, 0.45, 0.1, 0.3);
    const t50 = onSwitchingTime(P, 0.5, 0.1, 0.3);
    expect(Math.abs(t45 / 3.741847e-3 - 1)).toBeLessThan(1e-4);
    expect(Math.abs(t50 / 6.805015e-5 - 1)).toBeLessThan(1e-4);
    // the quadrature has converged: 10× fewer intervals changes it by < 1e-8
    expect(Math.abs(onSwitchingTime(P, 0.45, 0.1, 0.3, 400) / t45 - 1)).toBeLessThan(1e-8);
  });

  it("a direct RK4 integration of dw/dt at constant v crosses w = 0.3 at the oracle time", () => {
    for (const v of [0.45, 0.5]) {
      const tOracle = onSwitchingTime(P, v, 0.1, 0.3);
      const tEnd = 1.2 * tOracle;
      const tr = rk4(memristorDriveSystem(model, constantVoltage(v)), [0.1], 0, tEnd, 20000);
      const k = tr.y.findIndex((w) => w >= 0.3);
      expect(k).toBeGreaterThan(0);
      const f = (0.3 - tr.y[k - 1]) / (tr.y[k] - tr.y[k - 1]);
      const tCross = tr.t[k - 1] + f * (tr.t[k] - tr.t[k - 1]);
      expect(Math.abs(tCross / tOracle - 1)).toBeLessThan(1e-4);
    }
  });

  // Reference (DESIGN.md 3): tight implicit solve w(1 s) = 0.109976 (6 digits, so ±5e-7);
  // ngspice max w 0.373 (3 digits). RK4 with h = 1e-5 s is converged: h = 2e-5 agrees to 1e-12.
  it("0.45 V·sin(2π·3 Hz·t), w(0) = 0.1: w(1 s) = 0.109976 and max w = 0.373", () => {
    const sys = memristorDriveSystem(model, sinusoid(0.45, 3));
    const fine = rk4(sys, [0.1], 0, 1, 100000, 10);
    const coarse = rk4(sys, [0.1], 0, 1, 50000, 5);
    const w1 = fine.y[fine.y.length - 1];
    expect(Math.abs(w1 - coarse.y[coarse.y.length - 1])).toBeLessThan(1e-9);
    expect(Math.abs(w1 - 0.109976)).toBeLessThan(1e-6);
    const wMax = Math.max(...fine.y);
    const wMin = Math.min(...fine.y);
    expect(Math.abs(wMax - 0.373)).toBeLessThan(1e-3);
    expect(wMin).toBeGreaterThanOrEqual(0.1 - 1e-9);
    expect(wMax).toBeLessThanOrEqual(model.wMax);
  });

  // Tolerance: Richardson central differences are O(h⁴); the remaining error is rounding,
  // ~1e-16·|f|/h relative to |f'|·… hence 1e-6 relative to the largest of the two.
  it("partials(w, v) agree with central finite differences (v ≠ 0, |v| ≤ 1 V)", () => {
    const out = new Float64Array(4);
    let worst = 0;
    for (const w of [0.05, 0.1, 0.2, 0.4, 0.7, 0.95]) {
      for (const v of [-1, -0.6, -0.3, -0.05, -1e-3, 1e-3, 0.05, 0.3, 0.45, 0.6, 0.8]) {
        model.partials(w, v, out);
        const fd = finiteDifferencePartials(model, w, v, 1e-5 * w, 1e-5 * Math.abs(v));
        for (let j = 0; j < 4; j++) {
          if (!Number.isFinite(fd[j])) continue;
          const scale = Math.max(Math.abs(out[j]), Math.abs(fd[j]));
          if (scale === 0) continue;
          const err = Math.abs(out[j] - fd[j]) / scale;
          worst = Math.max(worst, err);
          expect(err, `w=${w} v=${v} j=${j}`).toBeLessThan(1e-6);
        }
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it("partials at v = 0: ∂i/∂v = G (finite) and ∂g/∂v is the ON-side derivative", () => {
    const out = new Float64Array(4);
    model.partials(0.2, 0, out);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(0.025 * 0.2 + 7.2e-6 * 0.8, 15);
    expect(out[2]).toBe(0);
    expect(out[3]).toBeCloseTo((1e-4 / 0.45) * Math.exp(-((0.2 / 0.06) ** 2)), 18);
  });
});
