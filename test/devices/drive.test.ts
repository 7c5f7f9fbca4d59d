import { describe, expect, it } from "vitest";
import {
  constantVoltage,
  driveWaveforms,
  memristorDriveSystem,
  sinusoid,
} from "../../src/devices/drive.js";
import { hysteresisLoopArea } from "../../src/devices/loopArea.js";
import { createMemristor } from "../../src/devices/registry.js";
import type { MemristorModel } from "../../src/devices/types.js";
import { linspace } from "./numeric.js";
import { rk4 } from "./rk4.js";

/** One period of 0.45 V·sin(2πft) from w(0) = 0.1, sampled at n steps (fine RK4). */
function onePeriod(model: MemristorModel, f: number, n = 20000) {
  const drive = sinusoid(0.45, f);
  const tr = rk4(memristorDriveSystem(model, drive), [0.1], 0, 1 / f, n);
  return { ...driveWaveforms(model, drive, tr.t, tr.y), t: tr.t, w: tr.y };
}

describe("hysteresisLoopArea(v, i)", () => {
  it("gives π·a·b for an ellipse, with the sign of its orientation", () => {
    const th = linspace(0, 2 * Math.PI, 4001).slice(0, -1);
    const v = th.map((x) => 2 * Math.cos(x));
    const i = th.map((x) => 3 * Math.sin(x));
    const ccw = hysteresisLoopArea(v, i);
    expect(ccw.signed).toBeCloseTo(6 * Math.PI, 3);
    expect(ccw.absolute).toBeCloseTo(6 * Math.PI, 3);
    const cw = hysteresisLoopArea(
      v,
      i.map((x) => -x),
    );
    expect(cw.signed).toBeCloseTo(-6 * Math.PI, 3);
    expect(cw.absolute).toBeCloseTo(6 * Math.PI, 3);
  });

  it("a figure-8 pinched at the origin: lobes cancel in signed area, add in absolute", () => {
    // v = sin t, i = sin t·(1 + ½cos t) … traced as v = sin(t), i = sin(2t)/2: two lobes of ±2/3
    const th = linspace(0, 2 * Math.PI, 8001);
    const v = th.map((x) => Math.sin(x));
    const i = th.map((x) => 0.5 * Math.sin(2 * x));
    const a = hysteresisLoopArea(v, i);
    expect(Math.abs(a.signed)).toBeLessThan(1e-6);
    expect(a.absolute).toBeCloseTo(4 / 3, 5);
  });

  it("refuses v and i of different lengths", () => {
    expect(() => hysteresisLoopArea([0, 1, 2], [0, 1])).toThrow(RangeError);
  });
});

describe("memristorDriveSystem(model, drive)", () => {
  it("is an OdeSystem of dim 1 whose rhs and 1×1 Jacobian are the model's", () => {
    const m = createMemristor("strachan-taox-smooth");
    const sys = memristorDriveSystem(m, constantVoltage(0.45));
    const y = Float64Array.of(0.2);
    const dy = new Float64Array(1);
    sys.rhs(0, y, dy);
    expect(sys.dim).toBe(1);
    expect(dy[0]).toBe(m.stateRate(0.2, 0.45));
    const out = new Float64Array(4);
    m.partials(0.2, 0.45, out);
    const jac = sys.jacobian?.(0, y);
    expect(jac?.values[0]).toBe(out[2]);
    expect(jac?.rows).toBe(1);
  });
});

for (const name of ["strachan-taox", "strachan-taox-smooth"]) {
  describe(`${name} under 0.45 V·sin(2π·f·t), w(0) = 0.1`, () => {
    const model = createMemristor(name);

    it("the i–v loop is pinched: i = 0 at the zero crossings of v, |i| ≤ G_max·|v| near them", () => {
      const { t, v, i } = onePeriod(model, 3);
      // the sample times k/(2f) are the zero crossings (v ≈ 1e-16 V there)
      for (const k of [0, 10000, 20000]) {
        expect(t[k] * 6).toBeCloseTo(k / 10000, 12);
        expect(Math.abs(i[k])).toBeLessThan(1e-15);
      }
      for (let k = 0; k < v.length; k++)
        expect(Math.abs(i[k])).toBeLessThanOrEqual(0.025 * Math.abs(v[k]) + 1e-18);
    });

    it("the loop is non-degenerate and its area shrinks as the frequency rises (3, 30, 300 Hz)", () => {
      const areas = [3, 30, 300].map((f) => {
        const { v, i } = onePeriod(model, f);
        return hysteresisLoopArea(v, i).absolute;
      });
      // observed ≈ 1.14e-3, 6.78e-5, 3.15e-6 W
      expect(areas[0]).toBeGreaterThan(1e-3);
      expect(areas[1]).toBeLessThan(0.2 * areas[0]);
      expect(areas[2]).toBeLessThan(0.2 * areas[1]);
      expect(areas[2]).toBeGreaterThan(0);
    });

    it("over 1 s w stays within [0.1, 0.3737] ⊂ [wMin, wMax] (ngspice: 0.100–0.373)", () => {
      const tr = rk4(memristorDriveSystem(model, sinusoid(0.45, 3)), [0.1], 0, 1, 50000, 5);
      for (const w of tr.y) {
        expect(w).toBeGreaterThanOrEqual(Math.max(0.1 - 1e-9, model.wMin));
        expect(w).toBeLessThanOrEqual(Math.min(0.3737, model.wMax));
      }
    });
  });
}
