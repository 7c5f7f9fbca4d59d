/**
 * The fast rate of `strachan-taox-smooth` (smoothStateRate, src/devices/strachanSmooth.ts)
 * against the term-by-term reference (src/devices/strachanSmoothReference.ts).
 *
 * Tolerance. Each term h(v/σ)·e^{cap(Λ)} has no cancellation, so both forms agree to the
 * rounding of Λ: about u·K absolute, K the sum of the magnitudes of Λ's summands plus 2|M| (the
 * reference forms cap(Λ) = M − softplus(M − Λ) around M). The test asks
 *   |Δ(dw/dt)| ≤ 8u·W·Σ_terms |h|·e^{cap(Λ)}·(1 + K + 2|M|) + 1e-300.
 */
import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import { type ParamSpec, resolveParams } from "../../src/core/params.js";
import { sinhFactor, softCap } from "../../src/devices/smoothKernels.js";
import {
  STRACHAN_SMOOTH_PARAMS,
  type StrachanSmoothParams,
} from "../../src/devices/strachanParams.js";
import {
  createStrachanSmooth,
  type SmoothConstants,
  smoothConstants,
  smoothCurrent,
  smoothCurrentAndRate,
  smoothStateRate,
} from "../../src/devices/strachanSmooth.js";
import {
  smoothReferenceExponents,
  smoothStateRateReference,
} from "../../src/devices/strachanSmoothReference.js";
import { type Coverage, coverage, linspace } from "./numeric.js";

const u = Number.EPSILON / 2;

function constants(o: Record<string, number>): SmoothConstants {
  const P = resolveParams(STRACHAN_SMOOTH_PARAMS, o, "memristor.params");
  return smoothConstants(P as unknown as StrachanSmoothParams);
}
const DEFAULTS = constants({});

function tolerance(K: SmoothConstants, w: number, v: number): number {
  const x = smoothReferenceExponents(K, w, v);
  const cap = 2 * Math.abs(K.M);
  const on = Math.abs(sinhFactor(v / K.sigma_on)) * Math.exp(softCap(x.lamOn, K.M));
  const off = Math.abs(sinhFactor(v / K.sigma_off)) * Math.exp(softCap(x.lamOff, K.M));
  return 8 * u * x.window * (on * (1 + x.kOn + cap) + off * (1 + x.kOff + cap)) + 1e-300;
}

function compareOnGrid(K: SmoothConstants, ws: number[], vs: number[], c: Coverage): void {
  const out = new Float64Array(2);
  for (const w of ws)
    for (const v of vs) {
      const ref = smoothStateRateReference(K, w, v);
      smoothCurrentAndRate(K, w, v, out);
      if (out[0] !== smoothCurrent(K, w, v)) expect.fail(`current at w=${w} v=${v}`);
      if (out[1] !== smoothStateRate(K, w, v))
        expect.fail(`currentAndRate ≠ stateRate at ${w}, ${v}`);
      const err = Math.abs(out[1] - ref);
      const tol = tolerance(K, w, v);
      if (!(err <= tol)) expect.fail(`rate at w=${w} v=${v}: ${out[1]} vs ${ref} (tol ${tol})`);
      c.points++;
      if (Math.abs(ref) >= 0.25 * K.r_max) c.capped++;
      if (Math.abs(ref) < 1e-300) c.underflowed++;
      c.worstRatio = Math.max(c.worstRatio, err / tol);
    }
}

function drawParam(spec: ParamSpec, r: number, r0: number): number {
  if (spec.min === 0 && !spec.minExclusive && r0 < 0.1) return 0;
  const lo = spec.min > 0 ? spec.min : spec.max * 1e-12;
  const hi = spec.max;
  return hi / lo > 100 ? lo * (hi / lo) ** r : lo + (hi - lo) * r;
}

/** Random parameters over the declared ranges, δ_w reduced to keep w_min + 2δ_w ≤ w_max. */
function randomConstants(trial: number): SmoothConstants {
  const s = randomStream(20261201, "smoothFast", trial);
  const o: Record<string, number> = {};
  STRACHAN_SMOOTH_PARAMS.forEach((spec, j) => {
    o[spec.name] = drawParam(spec, s.uniform(2 * j), s.uniform(2 * j + 1));
  });
  o.delta_w = Math.min(o.delta_w, (o.w_max - o.w_min) / 2);
  return constants(o);
}

describe("strachan-taox-smooth: fast rate against the reference transcription", () => {
  it("smoothCurrentAndRate: current bit for bit, rate within 8u·W·Σ|h|e^{cap(Λ)}(1 + K + 2|M|) on 121 × 481 points", () => {
    const c = coverage();
    compareOnGrid(DEFAULTS, linspace(-0.1, 1.1, 121), linspace(-3, 3, 481), c);
    expect(c.points).toBe(121 * 481);
    expect(c.capped).toBeGreaterThan(1000);
    expect(c.underflowed).toBeGreaterThan(100);
    expect(c.worstRatio).toBeLessThan(1);
    expect(c.worstRatio).toBeGreaterThan(0);
  });

  it("agrees within the same tolerance for 40 random parameter sets", () => {
    const c = coverage();
    for (let t = 0; t < 40; t++)
      compareOnGrid(randomConstants(t), linspace(-0.1, 1.1, 41), linspace(-3, 3, 121), c);
    expect(c.points).toBe(40 * 41 * 121);
    expect(c.capped).toBeGreaterThan(1000);
    expect(c.underflowed).toBeGreaterThan(1000);
    expect(c.worstRatio).toBeLessThan(1);
  });

  it("is finite and bounded by r_max for any finite (w, v) at parameters on their min/max", () => {
    const edge = (spec: ParamSpec, hi: boolean) =>
      hi
        ? spec.max
        : spec.minExclusive
          ? spec.min === 0
            ? 1e-200
            : spec.min * (1 + 1e-12)
          : spec.min;
    const sets: SmoothConstants[] = [DEFAULTS];
    const s = randomStream(20261201, "smoothExtremes");
    for (let t = 0; t < 60; t++) {
      const o = Object.fromEntries(
        STRACHAN_SMOOTH_PARAMS.map((spec, j) => [
          spec.name,
          edge(spec, s.uniform(t * 64 + j) < 0.5),
        ]),
      );
      if (o.w_max - o.w_min < 1e-3) o.w_max = 1; // w_min = w_max = 0.5 leaves no room for δ_w
      o.delta_w = Math.min(o.delta_w, (o.w_max - o.w_min) / 2);
      sets.push(constants(o));
    }
    const vs = [-Number.MAX_VALUE, -1e300, -1e3, -1.5, -1e-9, 0, 1e-9, 0.5, 1.5, 1e3, 1e300];
    const ws = [-1e300, -1e3, 0, 1e-200, 0.001, 0.02, 0.5, 0.98, 1, 1e3, 1e300];
    const out = new Float64Array(2);
    let n = 0;
    for (const K of sets)
      for (const w of ws)
        for (const v of vs) {
          smoothCurrentAndRate(K, w, v, out);
          const where = `w=${w} v=${v} K=${JSON.stringify(K)}`;
          if (Number.isNaN(out[0]) || !Number.isFinite(out[1])) expect.fail(`${where}: ${out}`);
          if (Math.abs(v) <= 1e3 && !Number.isFinite(out[0])) expect.fail(`${where}: i ${out[0]}`);
          if (Math.abs(out[1]) > K.r_max) expect.fail(`${where}: |rate| ${out[1]} > r_max`);
          n++;
        }
    expect(n).toBe(61 * ws.length * vs.length);
  });

  it("the model's currentAndRate is smoothCurrentAndRate", () => {
    const m = createStrachanSmooth();
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    for (const w of [0.01, 0.3, 0.99])
      for (const v of [-1, -0.2, 0, 0.3, 0.9]) {
        m.currentAndRate?.(w, v, a);
        smoothCurrentAndRate(DEFAULTS, w, v, b);
        expect(Array.from(a)).toEqual(Array.from(b));
        expect(a[1]).toBe(m.stateRate(w, v));
      }
  });
});
