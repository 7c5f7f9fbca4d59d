import { describe, expect, it } from "vitest";
import {
  circuitEngine,
  eulerMaruyamaOuVariance,
  idealProfile,
  mapLayer,
  noiseIntensity,
  programTemplates,
  quantisationGrid,
  withProfile,
} from "../../src/hardware/index.js";
import { createMappedSystem } from "../../src/hardware/mappedSystem.js";
import { useKernel } from "../../src/kernels/choice.js";
import { cellEngine } from "../../src/unet/index.js";
import { crop, fixture, goldenInput, meanStd, sameBits, syntheticLayer } from "./support.js";

const ideal = idealProfile();

/** Whether v is k·step for an integer k with |k| ≤ levels (to rounding of the product). */
function onGrid(v: number, step: number, levels: number): boolean {
  const k = Math.round(v / step);
  return Math.abs(k) <= levels && Math.abs(v - k * step) <= 1e-12 * Math.max(1, Math.abs(v));
}

describe("non-idealities, each in isolation", () => {
  const unet = fixture("cellnn");
  const layer = unet.cellLayers[1]; // down1.block, 32 → 32
  const C = layer.spec.c_out;

  it("quantisation: every programmed value on its grid, error at most half a step (nearest)", () => {
    for (const bits of [4, 6, 8]) {
      for (const range of ["per-template", "per-layer", "per-kernel"] as const) {
        const p = withProfile(ideal, { "quantisation.bits": bits, "quantisation.range": range });
        const q = programTemplates(layer, p, 0);
        // Per kernel: one grid per output channel for A and for B, one for z.
        const groups = range === "per-kernel" ? 2 * C + 1 : 3;
        expect(q.grids.length, range).toBe(groups);
        for (const [what, src, dst] of [
          ["A", layer.A, q.A],
          ["B", layer.B, q.B],
          ["z", layer.z, q.z],
        ] as const) {
          const size = range === "per-kernel" && what !== "z" ? src.length / C : src.length;
          const gridOf = new Map(q.grids.map((x) => [x.what, x.grid]));
          const bad: string[] = [];
          for (let k = 0; k < src.length; k++) {
            const g = gridOf.get(size === src.length ? what : `${what}[${Math.floor(k / size)}]`)!;
            if (g.levels !== 2 ** (bits - 1) - 1) bad.push(`${what}[${k}] levels ${g.levels}`);
            if (!onGrid(dst[k], g.step, g.levels)) bad.push(`${what}[${k}] off the grid`);
            if (!(Math.abs(dst[k] - src[k]) <= g.step / 2 + 1e-15)) bad.push(`${what}[${k}] error`);
          }
          expect(bad, `${bits} bits ${range}`).toEqual([]);
        }
      }
    }
  });

  it("quantisation: truncation moves toward 0 by less than a step; stochastic is seeded", () => {
    const p = withProfile(ideal, { "quantisation.bits": 5, "quantisation.rounding": "truncate" });
    const q = programTemplates(layer, p, 0);
    const step = q.grids.find((g) => g.what === "A")!.grid.step;
    let worse = 0;
    for (let k = 0; k < layer.A.length; k++)
      if (!(Math.abs(q.A[k]) <= Math.abs(layer.A[k]) && Math.abs(q.A[k] - layer.A[k]) < step))
        worse++;
    expect(worse).toBe(0);
    const s = withProfile(ideal, { "quantisation.bits": 5, "quantisation.rounding": "stochastic" });
    const a = programTemplates(layer, s, 7).A;
    expect(sameBits(a, programTemplates(layer, s, 7).A)).toBe(true);
    expect(sameBits(a, programTemplates(layer, s, 8).A)).toBe(false);
    // Unbiased: the mean rounding error is ~0 (|mean| < 4 standard errors of a uniform error).
    const err = a.map((v, k) => (v - layer.A[k]) / step);
    const { mean, n } = meanStd(err);
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(1 / 6 / n));
  });

  it("mismatch: realised relative σ within its 99.9 % interval, reproducible from its seed", () => {
    const sigma = 0.05;
    const p = withProfile(ideal, { "mismatch.sigma": sigma });
    const m = mapLayer(layer, p, 42, 14, 14);
    const plane = 14 * 14;
    const rel: number[] = [];
    // Every feedback kernel (output o, input c at index o·C + c), every pixel, every tap.
    for (let oc = 0; oc < C * C; oc++)
      for (let px = 0; px < plane; px++)
        for (let t = 0; t < 9; t++) {
          const a = layer.A[oc * 9 + t];
          if (a !== 0) rel.push(m.A[(oc * plane + px) * 9 + t] / a - 1);
        }
    const { mean, std, n } = meanStd(rel);
    expect(n).toBeGreaterThan(400_000);
    // Sample std of n normals: standard error σ/√(2n); mean: σ/√n. 3.3 SE ≈ 99.9 %.
    expect(Math.abs(std - sigma)).toBeLessThan((3.3 * sigma) / Math.sqrt(2 * n));
    expect(Math.abs(mean)).toBeLessThan((3.3 * sigma) / Math.sqrt(n));
    const again = mapLayer(layer, p, 42, 14, 14);
    expect(sameBits(again.A, m.A) && sameBits(again.B, m.B) && sameBits(again.z, m.z)).toBe(true);
    const other = mapLayer(layer, p, 43, 14, 14);
    expect(sameBits(other.A, m.A)).toBe(false);
    // The circuit differs from the ideal one cell by cell (space-variant).
    expect(m.A[0]).not.toBe(m.A[9]);
  });

  it("mismatch: a batch gives each element what it gets alone (realisation independent of batch)", () => {
    const p = withProfile(ideal, { "mismatch.sigma": 0.02 });
    const g = goldenInput(unet, layer);
    const { u, shape } = crop(g.u, g.shape, 8, 8, 3, 3);
    const two = new Float64Array(2 * u.length);
    two.set(u, 0);
    for (let k = 0; k < u.length; k++) two[u.length + k] = 0.5 * u[k];
    const both = circuitEngine(p, { mismatchSeed: 3 }).run(layer, two, { ...shape, batch: 2 });
    const second = circuitEngine(p, { mismatchSeed: 3 }).run(layer, two.subarray(u.length), shape);
    expect(sameBits(both.y.subarray(both.y.length / 2), second.y)).toBe(true);
  });

  it("offset: per-cell offset current with the requested σ", () => {
    const p = withProfile(ideal, { "offset.sigma": 0.1 });
    const m = mapLayer(layer, p, 5, 28, 28);
    const d = m.z.map((v, k) => v - layer.z[Math.floor(k / (28 * 28))]);
    const { mean, std, n } = meanStd(d);
    expect(Math.abs(std - 0.1)).toBeLessThan((3.3 * 0.1) / Math.sqrt(2 * n));
    expect(Math.abs(mean)).toBeLessThan((3.3 * 0.1) / Math.sqrt(n));
  });

  it("memristor variation: log-normal per device with the requested σ; w(0) spread", () => {
    const mu = fixture("mcellnn");
    const ml = mu.cellLayers[0];
    const p = withProfile(ideal, { "memristor.sigma": { G_m: 0.1 }, "memristor.w0_sigma": 0.01 });
    const m = mapLayer(ml, p, 9, 28, 28);
    const G = ml.spec.cell.memristor!.params.G_m;
    const logs = m.memristor!.models.map((d) => Math.log(d.params.G_m / G));
    const s = meanStd(logs);
    expect(Math.abs(s.std - 0.1)).toBeLessThan((3.3 * 0.1) / Math.sqrt(2 * s.n));
    const w = meanStd(m.memristor!.w0);
    expect(Math.abs(w.std - 0.01)).toBeLessThan((3.3 * 0.01) / Math.sqrt(2 * w.n));
    expect(Math.abs(w.mean - 0.1)).toBeLessThan((3.3 * 0.01) / Math.sqrt(w.n));
    // Other parameters untouched.
    expect(m.memristor!.models[5].params.B_on).toBe(ml.spec.cell.memristor!.params.B_on);
    // Its right-hand side: the per-device WebAssembly pass against the TypeScript loop.
    const u = goldenInput(mu, ml).u.subarray(0, ml.spec.c_in * 28 * 28);
    const n = ml.spec.c_out * 28 * 28;
    const state = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      state[k] = 2 * Math.sin(0.37 * k);
      state[n + k] = 0.5 + 0.45 * Math.cos(0.11 * k);
    }
    const rhs = (kernel: "wasm" | "scalar") => {
      useKernel(kernel);
      const out = new Float64Array(2 * n);
      createMappedSystem(m, u).rhs(0, state, out);
      useKernel(undefined);
      return out;
    };
    const [pass, loop] = [rhs("wasm"), rhs("scalar")];
    for (const [from, to] of [
      [0, n],
      [n, 2 * n],
    ]) {
      let scale = 0;
      let deviation = 0;
      for (let k = from; k < to; k++) {
        scale = Math.max(scale, Math.abs(loop[k]));
        deviation = Math.max(deviation, Math.abs(pass[k] - loop[k]));
      }
      expect(deviation).toBeLessThan(1e-14 * scale);
    }
    expect(pass.some((v, k) => v !== loop[k])).toBe(true); // the pass ran
  });

  it("finite settling: T_hw < T matches the A = 0 closed form x(T_hw) = (1 − e^−T_hw)(B⋆u + z)", () => {
    const B = Float64Array.from({ length: 2 * 9 }, (_, k) => Math.sin(k + 1) * 0.3);
    const z = Float64Array.of(0.2, -0.1);
    const lin = syntheticLayer("lin", 1, 2, new Float64Array(2 * 2 * 9), B, z);
    const u = Float64Array.from({ length: 36 }, (_, k) => Math.cos(k * 0.7));
    const shape = { batch: 1, channels: 1, rows: 6, cols: 6 };
    for (const T_hw of [0.3, 0.5]) {
      const p = withProfile(ideal, { "settling.T_hw": T_hw });
      const eng = circuitEngine(p, { rtol: 1e-10, atol: 1e-12 });
      const r = eng.run(lin, u, shape, { keepStates: true });
      const steady = mapLayer(lin, p, 0, 6, 6);
      // The drive B⋆u + z, independently: a direct sum over the fixed (zero) boundary.
      const xInf = new Float64Array(2 * 36);
      for (let o = 0; o < 2; o++)
        for (let i = 0; i < 6; i++)
          for (let j = 0; j < 6; j++) {
            let sum = z[o];
            for (let m = 0; m < 9; m++) {
              const ii = i + Math.floor(m / 3) - 1;
              const jj = j + (m % 3) - 1;
              if (ii >= 0 && ii < 6 && jj >= 0 && jj < 6) sum += B[o * 9 + m] * u[ii * 6 + jj];
            }
            xInf[(o * 6 + i) * 6 + j] = sum;
          }
      const drive = cellEngine({ rtol: 1e-10, atol: 1e-12 });
      for (let k = 0; k < r.x!.length; k++)
        expect(Math.abs(r.x![k] - (1 - Math.exp(-T_hw)) * xInf[k])).toBeLessThan(1e-8);
      expect(steady.T_hw).toBe(T_hw);
      // And the trained read-out (T = 1) is further along the same exponential.
      const x1 = drive.run(lin, u, shape, { keepStates: true }).x!;
      for (let k = 0; k < x1.length; k++)
        expect(Math.abs(x1[k] - (1 - Math.exp(-1)) * xInf[k])).toBeLessThan(1e-8);
    }
  });

  it("DAC and ADC: the output on the ADC grid; the input as the DAC grid sees it", () => {
    const g = goldenInput(unet, layer);
    const { u, shape } = crop(g.u, g.shape, 8, 8, 10, 10);
    const adc = withProfile(ideal, { "adc.bits": 5, "adc.full_scale": 2 });
    const y = circuitEngine(adc).run(layer, u, shape).y;
    const grid = quantisationGrid(5, 2);
    const exact = cellEngine().run(layer, u, shape).y;
    for (let k = 0; k < y.length; k++) {
      expect(onGrid(y[k], grid.step, grid.levels)).toBe(true);
      if (Math.abs(exact[k]) <= 2)
        expect(Math.abs(y[k] - exact[k])).toBeLessThanOrEqual(grid.step / 2 + 1e-12);
    }
    const dac = withProfile(ideal, { "dac.bits": 4, "dac.full_scale": 1 });
    const dgrid = quantisationGrid(4, 1);
    const uq = u.map((v) => {
      const k = Math.sign(v) * Math.floor(Math.abs(v) / dgrid.step + 0.5);
      return Math.max(-dgrid.levels, Math.min(dgrid.levels, k)) * dgrid.step;
    });
    for (const v of uq) expect(onGrid(v, dgrid.step, dgrid.levels)).toBe(true);
    const viaDac = circuitEngine(dac).run(layer, u, shape).y;
    const onQuantised = circuitEngine(withProfile(ideal, { "settling.T_hw": 1 })).run(
      layer,
      uq,
      shape,
    ).y;
    expect(sameBits(viaDac, onQuantised)).toBe(true);
    expect(sameBits(viaDac, exact)).toBe(false);
  });

  it("stuck cells: the requested fraction (within its interval), each held at the stuck output", () => {
    const p = withProfile(ideal, { "stuck.fraction": 0.1, "stuck.output": -0.7 });
    const g = goldenInput(unet, layer);
    const { u, shape } = crop(g.u, g.shape, 12, 12, 8, 8);
    const m = mapLayer(layer, p, 11, 12, 12);
    const r = circuitEngine(p, { mismatchSeed: 11 }).run(layer, u, shape);
    const n = m.stuck!.length;
    let count = 0;
    for (let k = 0; k < n; k++)
      if (m.stuck![k]) {
        count++;
        expect(r.y[k]).toBe(-0.7);
      } else expect(r.y[k]).not.toBe(-0.7);
    expect(Math.abs(count / n - 0.1)).toBeLessThan(3.3 * Math.sqrt((0.1 * 0.9) / n));
  });

  it("thermal noise: kT/C variance for A = 0 (Ornstein–Uhlenbeck), Euler–Maruyama at the stated step", () => {
    const zero = syntheticLayer(
      "ou",
      1,
      1,
      new Float64Array(9),
      new Float64Array(9),
      new Float64Array(1),
    );
    const side = 40;
    const p = withProfile(ideal, {
      "scales.tau": 1e-8,
      "scales.R": 1e6,
      "scales.V_s": 0.1,
      "thermal.temperature": 300,
      "thermal.dt": 0.01,
      "settling.T_hw": 2,
    });
    const shape = { batch: 3, channels: 1, rows: side, cols: side };
    // Three different inputs (the inputs do not enter an A = B = 0 cell, but they name the noise
    // streams): 3·1600 independent paths.
    const u = Float64Array.from({ length: 3 * side * side }, (_, k) =>
      Math.floor(k / (side * side)),
    );
    const x = circuitEngine(p).run(zero, u, shape, { keepStates: true }).x!;
    const s = noiseIntensity(300, 1e-8 / 1e6, 0.1);
    const emVar = eulerMaruyamaOuVariance(s, 0.01, 200);
    const ouVar = (s * s * (1 - Math.exp(-4))) / 2;
    // Euler–Maruyama's own variance is within O(h) of the continuous one …
    expect(Math.abs(emVar / ouVar - 1)).toBeLessThan(0.01);
    // … and the physical kT/C: var(v) = var(x)·V_s² ≈ kT/C.
    expect(
      Math.abs((ouVar * 0.01) / (1 - Math.exp(-4)) / ((1.380649e-23 * 300) / 1e-14) - 1),
    ).toBeLessThan(1e-12);
    const { mean, std, n } = meanStd(x);
    const v = std * std;
    // Sample variance of n normals: relative standard error √(2/(n−1)).
    expect(Math.abs(v / emVar - 1)).toBeLessThan(3.3 * Math.sqrt(2 / (n - 1)));
    expect(Math.abs(mean)).toBeLessThan(3.3 * Math.sqrt(emVar / n));
    // Seeded: the same input, the same path.
    const again = circuitEngine(p).run(zero, u, shape, { keepStates: true }).x!;
    expect(sameBits(again, x)).toBe(true);
  });
});
