import { describe, expect, it } from "vitest";
import { erf, erfc, gelu, geluScalar } from "../../src/nn/index.js";
import { loadGolden } from "./golden.js";

const golden = loadGolden();
const x = golden.tensor("special.x").data;
const erfMp = golden.tensor("special.erf_mp").data;
const erfcMp = golden.tensor("special.erfc_mp").data;
const geluMp = golden.tensor("special.gelu_mp").data;
const erfTorch = golden.tensor("special.erf_torch").data;
const geluTorch = golden.tensor("special.gelu_torch").data;

/** max over the points of |f(x) − ref| / max(|ref|, floor) (floor 1: absolute error). */
function worst(
  f: (v: number) => number,
  ref: Float64Array,
  floor: number,
  only = (_v: number) => true,
) {
  let m = 0;
  let at = Number.NaN;
  for (let q = 0; q < x.length; q++) {
    if (!only(x[q])) continue;
    const e = Math.abs(f(x[q]) - ref[q]) / Math.max(Math.abs(ref[q]), floor);
    if (!(e <= m)) {
      m = e;
      at = x[q];
    }
  }
  return { error: m, at };
}

describe("erf and erfc against mpmath at 50 digits (test/fixtures/nn/ops.safetensors special.*)", () => {
  it("the points span the real line: both tails, the switches at k/16 and 6, zero and tiny values", () => {
    expect(x.length).toBeGreaterThan(600);
    expect(Math.min(...x)).toBeLessThan(-27);
    expect(Math.max(...x)).toBeGreaterThan(27);
    expect(x.filter((v) => Math.abs(v - 2.25) < 1e-9).length).toBeGreaterThanOrEqual(3);
    expect(x.filter((v) => Math.abs(v - 6) < 1e-9).length).toBeGreaterThanOrEqual(3);
    expect(x.filter((v) => Math.abs(v + 1 / 16) < 1e-9).length).toBeGreaterThanOrEqual(3);
    expect(x).toContain(0);
    expect(x).toContain(1e-300);
  });

  it("erf(x) is within 1e-15 absolute everywhere", () => {
    const w = worst(erf, erfMp, 1);
    expect(w.error, `worst at x = ${w.at}`).toBeLessThanOrEqual(1e-15);
  });

  it("erf(x) is within 4 ulp relative everywhere, tiny x included", () => {
    const w = worst(erf, erfMp, 1e-320);
    expect(w.error, `worst at x = ${w.at}`).toBeLessThanOrEqual(4 * 2 ** -52);
  });

  it("erfc(x) is within 1e-15 absolute and 4 ulp relative everywhere, the tail included", () => {
    const a = worst(erfc, erfcMp, 1);
    expect(a.error, `worst at x = ${a.at}`).toBeLessThanOrEqual(1e-15);
    const r = worst(erfc, erfcMp, 1e-320, (v) => v < 26.5); // subnormal beyond 26.55
    expect(r.error, `worst at x = ${r.at}`).toBeLessThanOrEqual(4 * 2 ** -52);
  });

  it("erf agrees with torch.special.erf (float64) within 2e-15", () => {
    const w = worst(erf, erfTorch, 1);
    expect(w.error, `worst at x = ${w.at}`).toBeLessThanOrEqual(2e-15);
  });

  it("erf is odd, erf + erfc = 1, and the limits hold", () => {
    for (const v of [0.1, 1 / 16, 1, 2.2499, 2.25, 3, 6 - 2 ** -40, 6, 7]) {
      expect(erf(-v)).toBe(-erf(v));
      expect(Math.abs(erf(v) + erfc(v) - 1)).toBeLessThanOrEqual(2 ** -52);
      expect(Math.abs(erfc(-v) - (1 + erf(v)))).toBeLessThanOrEqual(2 ** -52);
    }
    expect(erf(0)).toBe(0);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erf(Number.NaN)).toBeNaN();
    expect(erfc(Number.NaN)).toBeNaN();
  });
});

describe("gelu in PyTorch's exact erf form", () => {
  it("gelu(x) = x·Φ(x) within 8·(1 + x²) ulp relative of mpmath on the whole line (no 1 + erf cancellation)", () => {
    // (1 + x²) is the condition number of x·Φ(x) in the left tail: rounding x/√2 alone costs it.
    for (let q = 0; q < x.length; q++) {
      if (x[q] < -38) continue; // x·Φ(x) underflows
      const rel = Math.abs(geluScalar(x[q]) - geluMp[q]) / Math.max(Math.abs(geluMp[q]), 1e-320);
      expect(rel, `x = ${x[q]}`).toBeLessThanOrEqual(8 * (1 + x[q] * x[q]) * 2 ** -52);
    }
  });

  it("gelu agrees with torch's F.gelu (float64) within 1e-12 relative or torch's own 1+erf cancellation", () => {
    // torch computes x·½·(1 + erf(x/√2)); for x < 0 the sum 1 + erf cancels, so torch's own error
    // is up to |x|·2⁻⁵³ absolute: allow that, and 1e-12 relative everywhere else.
    for (let q = 0; q < x.length; q++) {
      const d = Math.abs(geluScalar(x[q]) - geluTorch[q]);
      expect(d, `x = ${x[q]}`).toBeLessThanOrEqual(
        1e-12 * Math.abs(geluTorch[q]) + Math.abs(x[q]) * 2 ** -52,
      );
    }
  });

  it("gelu(x) − gelu(−x) = x (Φ(x) + Φ(−x) = 1) and gelu(0) = 0", () => {
    for (const v of [1e-9, 0.3, 1, 2.5, 3.18, 6, 12]) {
      expect(Math.abs(geluScalar(v) - geluScalar(-v) - v)).toBeLessThanOrEqual(2 * 2 ** -52 * v);
    }
    expect(geluScalar(0)).toBe(0);
    expect(geluScalar(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(geluScalar(Number.NEGATIVE_INFINITY)).toBe(-0);
  });

  it("gelu(array) returns a new array and leaves its input alone", () => {
    const a = Float64Array.from([-1, 0, 1]);
    const y = gelu(a);
    expect(Array.from(a)).toEqual([-1, 0, 1]);
    expect(y[1]).toBe(0);
    expect(y[2]).toBeCloseTo(0.8413447460685429, 15);
  });
});
