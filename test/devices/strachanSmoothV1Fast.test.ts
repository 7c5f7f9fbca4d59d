/**
 * The fast evaluation of `strachan-taox-smooth-v1` (src/devices/smoothV1Eval.ts, what the model
 * uses) against the term-by-term reference (src/devices/strachanSmoothV1Reference.ts, the form
 * of training/memristor.py).
 *
 * Tolerance of the rate. Both formulations round each exponent E = L ± s to about u·K absolute,
 * K the sum of the magnitudes of its summands (|ln τA|, (x_off/ŵ)², p/σ_p, |ln σ|, |s|, …, and
 * 2·|E_max|: the reference forms cap(E) = E_max − softplus(E_max − E) around E_max), so each
 * capped exponential F = e^{cap(E)} carries a relative error ≈ u·(1 + K), and the difference
 * ½(F₊ − F₋) keeps that error absolute. The test asks
 *   |Δ(τ·dw/dt)| ≤ 8u·Σ_terms ½(F₊ + F₋)(1 + K) + 1e-300
 * (u = 2⁻⁵³; the 1e-300 floor: terms below 5.6e-309 underflow to 0 in one form and to a
 * subnormal in the other). Measured worst: about 4u·Σ… (the tests print nothing; see
 * docs/memristor.md).
 */
import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import { type ParamSpec, resolveParams } from "../../src/core/params.js";
import { createMemristor } from "../../src/devices/registry.js";
import { smoothV1Evaluator } from "../../src/devices/smoothV1Eval.js";
import { SMOOTH_V1_PARAMS, type SmoothV1Params } from "../../src/devices/strachanSmoothV1Params.js";
import {
  createStrachanSmoothV1Reference,
  smoothV1ReferenceCappedExp,
  smoothV1ReferenceConductance,
  smoothV1ReferenceExponents,
  smoothV1ReferenceRate,
} from "../../src/devices/strachanSmoothV1Reference.js";
import { type Coverage, coverage, finiteDifferencePartials, linspace } from "./numeric.js";

const u = Number.EPSILON / 2;
const resolve = (o: Record<string, number>) =>
  resolveParams(SMOOTH_V1_PARAMS, o, "memristor.params") as unknown as SmoothV1Params;
const DEFAULTS = resolve({});

/** 8u·Σ_terms ½(F₊ + F₋)(1 + K) + 1e-300, from the reference's exponents (module comment). */
function rateTolerance(P: SmoothV1Params, w: number, v: number): number {
  const x = smoothV1ReferenceExponents(P, w, v);
  const F = (e: number) => smoothV1ReferenceCappedExp(e, x.eMax);
  const cap = 2 * Math.abs(x.eMax);
  const off = (F(x.lOff + x.sOff) + F(x.lOff - x.sOff)) * (1 + x.kOff + cap);
  const on = (F(x.lOn + x.sOn) + F(x.lOn - x.sOn)) * (1 + x.kOn + cap);
  return 8 * u * 0.5 * (off + on) + 1e-300;
}

/** A parameter drawn log-uniformly over its declared range (uniformly over a narrow one). */
function drawParam(spec: ParamSpec, r: number, r0: number): number {
  if (spec.min === 0 && !spec.minExclusive && r0 < 0.1) return 0;
  const lo = spec.min > 0 ? spec.min : spec.max * 1e-12;
  const hi = spec.max;
  return hi / lo > 100 ? lo * (hi / lo) ** r : lo + (hi - lo) * r;
}

function randomParams(trial: number): SmoothV1Params {
  const s = randomStream(20261201, "smoothV1Fast", trial);
  const o: Record<string, number> = {};
  SMOOTH_V1_PARAMS.forEach((spec, j) => {
    o[spec.name] = drawParam(spec, s.uniform(2 * j), s.uniform(2 * j + 1));
  });
  return resolve(o);
}

/** Compares fast and reference on a (w, v) grid; counts capped and underflowed reference rates. */
function compareOnGrid(P: SmoothV1Params, ws: number[], vs: number[], c: Coverage): void {
  const E = smoothV1Evaluator(P);
  const out = new Float64Array(2);
  for (const w of ws)
    for (const v of vs) {
      const ref = smoothV1ReferenceRate(P, w, v);
      E.currentAndRate(w, v, out);
      const iRef = smoothV1ReferenceConductance(P, w, v) * v;
      if (out[0] !== iRef) expect.fail(`current at w=${w} v=${v}: ${out[0]} vs ${iRef}`);
      const err = Math.abs(out[1] - ref);
      const tol = rateTolerance(P, w, v);
      if (!(err <= tol)) expect.fail(`rate at w=${w} v=${v}: ${out[1]} vs ${ref} (tol ${tol})`);
      c.points++;
      if (Math.abs(ref) >= 0.5 * P.rate_cap) c.capped++;
      if (Math.abs(ref) < 1e-300) c.underflowed++;
      c.worstRatio = Math.max(c.worstRatio, err / tol);
    }
}

describe("strachan-taox-smooth-v1: fast evaluation against the reference transcription", () => {
  it("currentAndRate: current bit for bit, rate within 8u·Σ½(F₊ + F₋)(1 + K) on a 121 × 481 grid", () => {
    const c = coverage();
    compareOnGrid(DEFAULTS, linspace(-0.1, 1.1, 121), linspace(-3, 3, 481), c);
    expect(c.points).toBe(121 * 481);
    // the grid reaches the cap (|τ·dw/dt| ≥ r_max/2) and the underflow of both rates
    expect(c.capped).toBeGreaterThan(1000);
    expect(c.underflowed).toBeGreaterThan(100);
    expect(c.worstRatio).toBeLessThan(1);
  });

  it("agrees within the same tolerance for 40 random parameter sets over their declared ranges", () => {
    const c = coverage();
    for (let trial = 0; trial < 40; trial++)
      compareOnGrid(randomParams(trial), linspace(-0.1, 1.1, 41), linspace(-3, 3, 121), c);
    expect(c.points).toBe(40 * 41 * 121);
    expect(c.capped).toBeGreaterThan(5000);
    expect(c.underflowed).toBeGreaterThan(5000);
    expect(c.worstRatio).toBeLessThan(1);
  });

  // Relative to the scale S = ½Σ(F₊ + F₋) the difference is ≈ 2u·K: 2e-14 where the exponent of
  // the active branch (ON for v ≥ 0) has K ≤ 50, and up to 3u·K ≈ 2e-13 at w ≈ 1, v ≈ 0.65 V, where (ŵ/x_on)² ≈ 267 and
  // p/σ_p ≈ 244 cancel in L_on (K ≈ 550), in either form.
  it("at the defaults on w ∈ [0.05, 1], |v| ≤ 1.5 V: |Δ| ≤ 2e-14·S where K ≤ 50, ≤ 3e-13·S everywhere", () => {
    const E = smoothV1Evaluator(DEFAULTS);
    let worstSmallK = 0;
    let worst = 0;
    let smallK = 0;
    for (const w of linspace(0.05, 1, 96))
      for (const v of linspace(-1.5, 1.5, 601)) {
        const x = smoothV1ReferenceExponents(DEFAULTS, w, v);
        const F = (e: number) => smoothV1ReferenceCappedExp(e, x.eMax);
        const S =
          0.5 * (F(x.lOff + x.sOff) + F(x.lOff - x.sOff) + F(x.lOn + x.sOn) + F(x.lOn - x.sOn));
        if (!(S > 1e-300)) continue;
        const err = Math.abs(E.rate(w, v) - smoothV1ReferenceRate(DEFAULTS, w, v)) / S;
        worst = Math.max(worst, err);
        if ((v >= 0 ? x.kOn : x.kOff) <= 50) {
          smallK++;
          worstSmallK = Math.max(worstSmallK, err);
        }
      }
    expect(smallK).toBeGreaterThan(5000);
    expect(worstSmallK).toBeLessThan(2e-14);
    expect(worst).toBeLessThan(3e-13);
    expect(worst).toBeGreaterThan(0); // the two forms round differently: a real comparison
  });
});

describe("strachan-taox-smooth-v1: leaving out the switched-off branch", () => {
  it("changes no bit of the rate (dense grid at the defaults and 40 random parameter sets)", () => {
    let n = 0;
    for (let trial = -1; trial < 40; trial++) {
      const P = trial < 0 ? DEFAULTS : randomParams(trial);
      const skipping = smoothV1Evaluator(P);
      const full = smoothV1Evaluator(P, false);
      const ws = trial < 0 ? linspace(-0.1, 1.1, 61) : linspace(-0.1, 1.1, 21);
      const vs = trial < 0 ? linspace(-3, 3, 1201) : linspace(-3, 3, 241);
      for (const w of ws)
        for (const v of vs) {
          const a = skipping.rate(w, v);
          const b = full.rate(w, v);
          if (!Object.is(a, b)) expect.fail(`w=${w} v=${v}: ${a} vs ${b}`);
          n++;
        }
    }
    expect(n).toBe(61 * 1201 + 40 * 21 * 241);
  });
});

/** Each parameter at its declared min (an exclusive 0 read as 1e-200) or max. */
function extremeParamSets(): SmoothV1Params[] {
  const edge = (spec: ParamSpec, hi: boolean) =>
    hi
      ? spec.max
      : spec.minExclusive
        ? spec.min === 0
          ? 1e-200
          : spec.min * (1 + 1e-12)
        : spec.min;
  const all = (hi: (j: number) => boolean) =>
    resolve(Object.fromEntries(SMOOTH_V1_PARAMS.map((s, j) => [s.name, edge(s, hi(j))])));
  const sets = [DEFAULTS, all(() => false), all(() => true)];
  for (const spec of SMOOTH_V1_PARAMS)
    for (const hi of [false, true]) sets.push(resolve({ [spec.name]: edge(spec, hi) }));
  const s = randomStream(20261201, "smoothV1Extremes");
  for (let t = 0; t < 40; t++) sets.push(all((j) => s.uniform(t * 64 + j) < 0.5));
  return sets;
}

const EXTREME_W = [-1e3, -1, 0, 1e-200, 1e-3, 0.1, 0.5, 1, 1 + 1e-12, 2, 1e3];
const EXTREME_V = [
  -1e3, -100, -10, -1.5, -0.5, -1e-3, -1e-9, 0, 1e-9, 1e-3, 0.5, 1.5, 10, 100, 1e3,
];

describe("strachan-taox-smooth-v1: no overflow, no NaN", () => {
  it("current, rate and partials are finite for |v| ≤ 1e3 V, w ∈ [−1e3, 1e3], parameters at their min/max", () => {
    const out = new Float64Array(2);
    const d = new Float64Array(4);
    let n = 0;
    for (const P of extremeParamSets()) {
      const E = smoothV1Evaluator(P);
      for (const w of EXTREME_W)
        for (const v of EXTREME_V) {
          E.currentAndRate(w, v, out);
          E.partials(w, v, d);
          const where = `w=${w} v=${v} P=${JSON.stringify(P)}`;
          if (!Number.isFinite(out[0]) || !Number.isFinite(out[1])) expect.fail(`${where}: ${out}`);
          if (Math.abs(out[1]) > 2 * P.rate_cap)
            expect.fail(`${where}: |rate| ${out[1]} > 2 r_max`);
          if (!d.every(Number.isFinite)) expect.fail(`${where}: partials ${d}`);
          n++;
        }
    }
    expect(n).toBe((3 + 2 * SMOOTH_V1_PARAMS.length + 40) * EXTREME_W.length * EXTREME_V.length);
  });

  it("current and rate are NaN-free for any finite (w, v), the rate bounded by 2·r_max", () => {
    const huge = [Number.MAX_VALUE, 1e300, 1e154, 1e20, 2e3];
    const vs = [...huge, ...huge.map((x) => -x), 0, Number.MIN_VALUE, -Number.MIN_VALUE];
    const ws = [-Number.MAX_VALUE, Number.MAX_VALUE, -1e300, 1e300, 0.1];
    const out = new Float64Array(2);
    let n = 0;
    for (const P of extremeParamSets()) {
      const E = smoothV1Evaluator(P);
      for (const w of ws)
        for (const v of vs) {
          E.currentAndRate(w, v, out);
          const where = `w=${w} v=${v} P=${JSON.stringify(P)}`;
          if (Number.isNaN(out[0]) || !Number.isFinite(out[1])) expect.fail(`${where}: ${out}`);
          if (Math.abs(out[1]) > 2 * P.rate_cap)
            expect.fail(`${where}: |rate| ${out[1]} > 2 r_max`);
          n++;
        }
    }
    expect(n).toBe((3 + 2 * SMOOTH_V1_PARAMS.length + 40) * ws.length * vs.length);
  });

  it("the reference itself gives NaN or ∞ at some of these points (what the clamps are for)", () => {
    const P = resolve({ x_on: 1e-200, w_min: 1e-200, beta: 0 });
    expect(Number.isNaN(smoothV1ReferenceRate(P, 1, 1e200))).toBe(true);
    const out = new Float64Array(2);
    smoothV1Evaluator(P).currentAndRate(1, 1e200, out);
    expect(Number.isFinite(out[1])).toBe(true);
  });
});

describe("strachan-taox-smooth-v1: analytic partials", () => {
  const model = createMemristor("strachan-taox-smooth-v1");
  // The computed rate carries rounding noise of up to the rate tolerance (it is a difference of
  // two capped exponentials, which cancel where both exceed the cap), so a difference quotient
  // of step h has a floor of tolerance/h: subtracted before comparing.
  const floors = (w: number, v: number, hw: number, hv: number) => {
    const tau = DEFAULTS.tau;
    const i = 1e-13 * Math.abs(model.current(w, v));
    const g = rateTolerance(DEFAULTS, w, v) / tau;
    return [i / hw, i / hv, g / hw, g / hv];
  };
  const ws = [0.0015, 0.01, 0.05, 0.1, 0.3, 0.6, 0.97, 0.999];
  const vs = [
    -1.5, -1, -0.5, -0.2, -0.05, -1e-3, -1e-5, -1e-6, 1e-6, 1e-5, 1e-3, 0.05, 0.2, 0.45, 0.6, 0.7,
    0.8, 1, 1.5,
  ];

  it("partials(w, v) agree with Richardson central differences, including |v| ≈ 1e-6 V", () => {
    const out = new Float64Array(4);
    let worst = 0;
    let compared = 0;
    for (const w of ws)
      for (const v of vs) {
        model.partials(w, v, out);
        const hw = 1e-4 * Math.min(w, 1 - w);
        const hv = 1e-4 * Math.abs(v);
        const fd = finiteDifferencePartials(model, w, v, hw, hv);
        const floor = floors(w, v, hw, hv);
        for (let j = 0; j < 4; j++) {
          const scale = Math.max(Math.abs(out[j]), Math.abs(fd[j]));
          if (scale < 1e-200) continue; // underflowed rates: nothing to compare
          const err = Math.max(0, Math.abs(out[j] - fd[j]) - floor[j]) / scale;
          worst = Math.max(worst, err);
          compared++;
          if (!(err < 1e-6)) expect.fail(`w=${w} v=${v} j=${j}: ${out[j]} vs ${fd[j]}`);
        }
      }
    expect(compared).toBeGreaterThan(400);
    expect(worst).toBeLessThan(1e-6);
  });

  it("agree with the reference model's central differences (step 1e-7) to their error", () => {
    const reference = createStrachanSmoothV1Reference();
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    let worst = 0;
    for (const w of [0.05, 0.1, 0.3, 0.7])
      for (const v of [-1, -0.4, -0.1, -0.01, 0.01, 0.1, 0.4, 0.6, 0.8, 1.2]) {
        model.partials(w, v, a);
        reference.partials(w, v, b);
        const floor = floors(w, v, 1e-7, 1e-7);
        for (let j = 0; j < 4; j++) {
          const scale = Math.max(Math.abs(a[j]), Math.abs(b[j]));
          if (scale < 1e-200) continue;
          worst = Math.max(worst, Math.max(0, Math.abs(a[j] - b[j]) - floor[j]) / scale);
        }
      }
    expect(worst).toBeLessThan(1e-5);
  });

  it("are continuous across v = 0", () => {
    const left = new Float64Array(4);
    const mid = new Float64Array(4);
    const right = new Float64Array(4);
    for (const w of [0.05, 0.3, 0.9]) {
      model.partials(w, -1e-12, left);
      model.partials(w, 0, mid);
      model.partials(w, 1e-12, right);
      expect(mid[0]).toBe(0); // ∂i/∂w = G_w·v
      expect(mid[2]).toBe(0); // the rate vanishes on v = 0 for every w
      for (const j of [1, 3]) {
        expect(Math.abs(mid[j])).toBeGreaterThan(0);
        expect(Math.abs(left[j] - mid[j]) / Math.abs(mid[j])).toBeLessThan(1e-6);
        expect(Math.abs(right[j] - mid[j]) / Math.abs(mid[j])).toBeLessThan(1e-6);
      }
    }
  });
});

describe("strachan-taox-smooth-v1 model (createMemristor)", () => {
  it("stateRate is the evaluator's τ·dw/dt over τ; current is the reference's bit for bit", () => {
    for (const tau of [1e-4, 3.7e-2]) {
      const m = createMemristor("strachan-taox-smooth-v1", { tau });
      const P = resolve({ tau });
      const E = smoothV1Evaluator(P);
      for (const w of [0.01, 0.2, 0.8])
        for (const v of [-0.9, -0.2, 0.3, 1.1]) {
          expect(m.stateRate(w, v)).toBe(E.rate(w, v) / tau);
          expect(m.current(w, v)).toBe(smoothV1ReferenceConductance(P, w, v) * v);
        }
    }
  });
});
