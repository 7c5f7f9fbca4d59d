import { describe, expect, it } from "vitest";
import { DEFAULT_TOLERANCES } from "../../src/cosim/cosim.js";
import { compareWaveforms, verdict } from "../../src/cosim/metrics.js";
import { resampleCubic, resampleLinear } from "../../src/cosim/resample.js";
import { compareSwitching } from "../../src/cosim/switching.js";

const STANDARD = { kind: "standard" } as const;
const grid = (n: number, T: number) => Float64Array.from({ length: n + 1 }, (_, k) => (T * k) / n);

/** Two cells: cell 0 differs by δ·t (a ramp), cell 1 by a bump δ·sin(πt/T). */
function synthetic(t: Float64Array, delta: number) {
  const n = 2;
  const T = t[t.length - 1];
  const a = new Float64Array(t.length * n);
  const b = new Float64Array(t.length * n);
  t.forEach((s, k) => {
    b[k * n] = 1 - Math.exp(-s);
    a[k * n] = b[k * n] + delta * s;
    b[k * n + 1] = 0.5 * Math.sin(s);
    a[k * n + 1] = b[k * n + 1] + delta * Math.sin((Math.PI * s) / T);
  });
  return { a, b, n };
}

describe("compareWaveforms(t, a, b, n, output)", () => {
  it("finds the known differences of synthetic waveforms", () => {
    const t = grid(1000, 2);
    const delta = 1e-3;
    const { a, b, n } = synthetic(t, delta);
    const { cells, overall } = compareWaveforms(t, a, b, n, STANDARD);
    // Ramp: max δ·T at t = T; RMS δ·sqrt(mean t²) → δ·T/√3 on a fine grid.
    expect(cells[0].maxAbs).toBeCloseTo(delta * 2, 12);
    expect(cells[0].tWorst).toBe(2);
    expect(cells[0].finalAbs).toBeCloseTo(delta * 2, 12);
    expect(cells[0].rms).toBeCloseTo((delta * 2) / Math.sqrt(3), 5);
    // Bump: max δ at t = T/2, RMS δ/√2, zero at the end.
    expect(cells[1].maxAbs).toBeCloseTo(delta, 12);
    expect(cells[1].tWorst).toBeCloseTo(1, 12);
    expect(cells[1].rms).toBeCloseTo(delta / Math.SQRT2, 5);
    expect(cells[1].finalAbs).toBeLessThan(1e-15);
    expect(overall.worstCell).toBe(0);
    expect(overall.maxAbs).toBeCloseTo(2e-3, 12);
    // Final state: ‖(2δ, 0)‖ / ‖(1 − e^{−2}, 0.5 sin 2)‖.
    const ref = Math.hypot(1 - Math.exp(-2), 0.5 * Math.sin(2));
    expect(overall.finalRelative).toBeCloseTo((2 * delta) / ref, 10);
  });

  it("RMS per cell and overall equal their discrete closed forms exactly (mean over nt, and over nt·n)", () => {
    // Differences chosen so that every sum is exact in binary: cell 0 0, ½, 1, 3⁄2; cell 1 all 1.
    const t = Float64Array.of(0, 1, 2, 3);
    const n = 2;
    const b = Float64Array.of(0.25, -1, 0.5, 2, -0.75, 0, 1, 4);
    const d = [0, 1, 0.5, 1, 1, 1, 1.5, 1];
    const a = b.map((x, k) => x + d[k]);
    const { cells, overall } = compareWaveforms(t, a, b, n, STANDARD);
    expect(cells[0].rms).toBe(Math.sqrt((0 + 0.25 + 1 + 2.25) / 4)); // not / 3 (nt − 1)
    expect(cells[1].rms).toBe(1);
    expect(overall.rms).toBe(Math.sqrt((3.5 + 4) / (4 * 2))); // not / 4 (nt) or / 2 (n)
    expect(cells[0].maxAbs).toBe(1.5);
    expect(cells[0].tWorst).toBe(3);
    expect(cells[0].finalAbs).toBe(1.5);
    expect(cells[1].finalAbs).toBe(1);
    // ‖(3⁄2, 1)‖ / ‖b(T)‖ = ‖(3⁄2, 1)‖ / ‖(1, 4)‖
    expect(overall.finalRelative).toBe(Math.sqrt((2.25 + 1) / (1 + 16)));
    expect(overall.worstCell).toBe(0);
  });

  it("the RMS of a ramp δ·t on N + 1 grid points is δ·T·sqrt((2N + 1)/(6N)) to full precision", () => {
    for (const N of [1, 7, 1000]) {
      const T = 2;
      const delta = 1e-3;
      const t = grid(N, T);
      const b = new Float64Array(t.length);
      const a = Float64Array.from(t, (s) => delta * s);
      const { cells, overall } = compareWaveforms(t, a, b, 1, STANDARD);
      const exact = delta * T * Math.sqrt((2 * N + 1) / (6 * N));
      // Rounding of N + 1 squares summed: ~1e-14 relative; the divisor N (not N + 1) would be 5e-4.
      expect(Math.abs(cells[0].rms - exact)).toBeLessThanOrEqual(1e-14 * exact);
      expect(overall.rms).toBe(cells[0].rms);
      expect(overall.finalRelative).toBe(delta * T); // b(T) = 0: absolute
    }
  });

  it("measures output agreement after f(·): saturated differences vanish", () => {
    const t = grid(10, 1);
    const a = Float64Array.from(t, () => 3);
    const b = Float64Array.from(t, () => 2);
    const { cells } = compareWaveforms(t, a, b, 1, STANDARD);
    expect(cells[0].maxAbs).toBe(1);
    expect(cells[0].outputMaxAbs).toBe(0);
    const leaky = compareWaveforms(t, a, b, 1, { kind: "leaky", alpha: 0.01 });
    expect(leaky.cells[0].outputMaxAbs).toBeCloseTo(0.01, 14);
  });

  it("a NaN anywhere fails the verdict and names the cell", () => {
    const t = grid(10, 1);
    const { a, b, n } = synthetic(t, 0);
    a[5 * n + 1] = Number.NaN;
    const { cells, overall } = compareWaveforms(t, a, b, n, STANDARD);
    const v = verdict(cells, overall, DEFAULT_TOLERANCES);
    expect(v.pass).toBe(false);
    expect(v.failingCells).toEqual([1]);
  });
});

describe("verdict(cells, overall, tolerances)", () => {
  it("passes within tolerance and lists failing cells worst first", () => {
    const t = grid(100, 1);
    const { a, b, n } = synthetic(t, 1e-6);
    const ok = compareWaveforms(t, a, b, n, STANDARD);
    expect(verdict(ok.cells, ok.overall, DEFAULT_TOLERANCES).pass).toBe(true);
    const bad = synthetic(t, 1e-2);
    const m = compareWaveforms(t, bad.a, bad.b, n, STANDARD);
    const v = verdict(m.cells, m.overall, DEFAULT_TOLERANCES);
    expect(v.pass).toBe(false);
    expect(v.failingCells).toEqual([0, 1]);
    expect(v.failed).toContain("maxAbs");
  });

  it("refuses a non-positive tolerance", () => {
    const t = grid(2, 1);
    const m = compareWaveforms(t, new Float64Array(3), new Float64Array(3), 1, STANDARD);
    expect(() => verdict(m.cells, m.overall, { ...DEFAULT_TOLERANCES, rms: 0 })).toThrow(
      /tolerances.rms/,
    );
  });
});

describe("resampleLinear(tSrc, y, n, tDst)", () => {
  it("is exact on straight lines and on the source points", () => {
    const tSrc = Float64Array.of(0, 0.3, 0.35, 1);
    const y = Float64Array.from([...tSrc].flatMap((s) => [2 * s - 1, 5]));
    const tDst = Float64Array.of(0, 0.1, 0.3, 0.33, 0.9, 1);
    const out = resampleLinear(tSrc, y, 2, tDst);
    tDst.forEach((s, k) => {
      expect(out[2 * k]).toBeCloseTo(2 * s - 1, 14);
      expect(out[2 * k + 1]).toBe(5);
    });
  });

  it("stays within its error bound h²·max|x''|/8 on a curve, and never overshoots", () => {
    const tSrc = grid(50, 3);
    const y = Float64Array.from(tSrc, (s) => Math.exp(-s));
    const tDst = grid(997, 3);
    const out = resampleLinear(tSrc, y, 1, tDst);
    const h = 3 / 50;
    const bound = (h * h * 1) / 8; // max |x''| = e^0 = 1
    let worst = 0;
    tDst.forEach((s, k) => {
      worst = Math.max(worst, Math.abs(out[k] - Math.exp(-s)));
      expect(out[k]).toBeLessThanOrEqual(1);
      expect(out[k]).toBeGreaterThanOrEqual(Math.exp(-3));
    });
    expect(worst).toBeLessThanOrEqual(bound * 1.05);
    expect(worst).toBeGreaterThan(bound * 0.5); // the bound is tight, not vacuous
  });

  it("refuses to extrapolate", () => {
    expect(() =>
      resampleLinear(Float64Array.of(0, 1), Float64Array.of(0, 1), 1, Float64Array.of(1.5)),
    ).toThrow(/outside/);
  });
});

describe("resampleCubic(tSrc, y, n, tDst)", () => {
  // a non-uniform grid as ngspice writes it: fine where it starts, coarser later
  const nonUniform = (k: number) =>
    Float64Array.from({ length: k + 1 }, (_, i) => 3 * (i / k) ** 1.5);

  it("is exact on cubics, on any grid, and reproduces the source points", () => {
    const tSrc = nonUniform(17);
    const f = (s: number) => 0.5 * s ** 3 - s ** 2 + 2 * s - 1;
    const y = Float64Array.from([...tSrc].flatMap((s) => [f(s), -f(s)]));
    const tDst = Float64Array.from([...grid(301, 3), ...tSrc].sort((a, b) => a - b));
    const { values, errorEstimate } = resampleCubic(tSrc, y, 2, tDst);
    tDst.forEach((s, k) => {
      expect(values[2 * k]).toBeCloseTo(f(s), 11);
      expect(values[2 * k + 1]).toBeCloseTo(-f(s), 11);
    });
    expect(errorEstimate).toBeGreaterThan(0); // the quadratic cannot follow a cubic
  });

  it("is far more accurate than linear on a smooth curve, within its estimate", () => {
    const tSrc = nonUniform(60);
    const f = (s: number) => Math.exp(-s) * Math.sin(4 * s);
    const y = Float64Array.from(tSrc, f);
    const tDst = grid(997, 3);
    const { values, errorEstimate } = resampleCubic(tSrc, y, 1, tDst);
    const lin = resampleLinear(tSrc, y, 1, tDst);
    let cubicWorst = 0;
    let linearWorst = 0;
    tDst.forEach((s, k) => {
      cubicWorst = Math.max(cubicWorst, Math.abs(values[k] - f(s)));
      linearWorst = Math.max(linearWorst, Math.abs(lin[k] - f(s)));
    });
    expect(cubicWorst).toBeLessThan(linearWorst / 50);
    expect(cubicWorst).toBeLessThanOrEqual(errorEstimate);
    expect(errorEstimate).toBeLessThan(linearWorst); // not vacuous either
  });

  it("falls back to linear on short grids and repeated times, and refuses to extrapolate", () => {
    const short = resampleCubic(
      Float64Array.of(0, 1, 2),
      Float64Array.of(0, 1, 4),
      1,
      Float64Array.of(1.5),
    );
    expect(short.values[0]).toBeCloseTo(2.5, 14);
    expect(short.errorEstimate).toBe(Infinity);
    const repeated = resampleCubic(
      Float64Array.of(0, 1, 1, 2, 3),
      Float64Array.of(0, 1, 1, 4, 9),
      1,
      Float64Array.of(0.5),
    );
    expect(repeated.values[0]).toBeCloseTo(0.5, 14);
    expect(() =>
      resampleCubic(
        Float64Array.of(0, 1, 2, 3),
        Float64Array.of(0, 1, 2, 3),
        1,
        Float64Array.of(3.5),
      ),
    ).toThrow(/outside/);
  });
});

describe("compareSwitching(t, wa, wb, cells, threshold)", () => {
  it("locates first crossings between samples and pairs them across engines", () => {
    const t = grid(100, 1);
    // cell 0 switches at 0.3 (a) and 0.305 (b); cell 1 never; cell 2 only in b (at 0.8).
    const step = (t0: number) => (s: number) => (s < t0 ? 0.1 : 0.9);
    const ramp = (t0: number) => (s: number) =>
      Math.min(0.9, Math.max(0.1, 0.1 + (s - t0 + 0.005) * 80));
    const wa = new Float64Array(t.length * 3);
    const wb = new Float64Array(t.length * 3);
    t.forEach((s, k) => {
      wa.set([ramp(0.3)(s), 0.1, 0.1], 3 * k);
      wb.set([ramp(0.305)(s), 0.1, step(0.8)(s)], 3 * k);
    });
    const r = compareSwitching(t, wa, wb, 3, 0.5);
    expect(r.events.map((e) => e.cell)).toEqual([0, 2]);
    expect(r.events[0].a).toBeCloseTo(0.3, 10);
    expect(r.events[0].b).toBeCloseTo(0.305, 10);
    expect(r.maxDelta).toBeCloseTo(0.005, 10);
    expect(r.mismatched).toEqual([2]);
  });
});
