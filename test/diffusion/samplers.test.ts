import { describe, expect, it } from "vitest";
import {
  ddimSong2021,
  ddimTimesteps,
  ddpmHo2020,
  ddpmSchedule,
  type SampleShape,
  type StepInfo,
  seededNoise,
} from "../../src/diffusion/index.js";
import {
  ddimGaussianExact,
  ddimGaussianLimit,
  ddpmGaussianMoments,
  type Gaussian,
  gaussianEps,
} from "./gaussian.js";

const schedule = ddpmSchedule(400, [1e-4, 0.02]);
const data: Gaussian = { mu: 0.3, s: 0.2 };
const shape: SampleShape = { batch: 4, channels: 1, rows: 3, cols: 5 };
const n = 4 * 15;
const ids = (count: number) => Array.from({ length: count }, (_, j) => ({ cls: 0, index: j }));
const xT = seededNoise(11, ids(4), 15).x_T(0, 4);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? Number.POSITIVE_INFINITY : m;
}

describe("ddimSong2021 with the exact ε of Gaussian data", () => {
  it("ddimSong2021 gives DDIM's discrete result computed by hand, for several S", async () => {
    for (const S of [1, 2, 10, 25, 50]) {
      const eps = gaussianEps(data, schedule);
      const x0 = await ddimSong2021(eps, schedule, xT, shape, { steps: S });
      const taus = ddimTimesteps(400, S);
      const exact = Array.from(xT, (v) => ddimGaussianExact(data, schedule, taus, v));
      expect(maxAbsDiff(x0, exact)).toBeLessThan(1e-12);
      expect(eps.calls).toBe(S);
    }
  });

  it("ddimSong2021 converges to the probability-flow limit at first order in 1/S", async () => {
    const limit = Array.from(xT, (v) => ddimGaussianLimit(data, schedule, v));
    const errors: number[] = [];
    for (const S of [25, 50, 100, 200]) {
      const x0 = await ddimSong2021(gaussianEps(data, schedule), schedule, xT, shape, { steps: S });
      errors.push(maxAbsDiff(x0, limit));
    }
    for (let i = 0; i + 1 < errors.length; i++) {
      const order = Math.log2(errors[i] / errors[i + 1]);
      expect(order).toBeGreaterThan(0.85);
      expect(order).toBeLessThan(1.15);
    }
  });

  it("ddimSong2021 reports every step with the τ it started from; the last x is the result", async () => {
    const steps: StepInfo[] = [];
    const x0 = await ddimSong2021(gaussianEps(data, schedule), schedule, xT, shape, {
      steps: 10,
      onStep: (s) => steps.push(s),
    });
    expect(steps.map((s) => s.t)).toEqual(ddimTimesteps(400, 10));
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.every((s) => s.steps === 10)).toBe(true);
    expect(Array.from(steps[9].x)).toEqual(Array.from(x0));
  });

  it("ddimSong2021 refuses an x_T of the wrong size and steps out of range", async () => {
    const eps = gaussianEps(data, schedule);
    await expect(ddimSong2021(eps, schedule, xT.subarray(1), shape)).rejects.toThrow(/x_T/);
    await expect(ddimSong2021(eps, schedule, xT, shape, { steps: 401 })).rejects.toThrow(
      /steps: got 401/,
    );
  });
});

describe("ddpmHo2020 with the exact ε of Gaussian data", () => {
  it("ddpmHo2020's samples have the mean and variance of the exact linear-Gaussian chain", async () => {
    const big: SampleShape = { batch: 8, channels: 1, rows: 28, cols: 28 };
    const m = 8 * 784;
    const noise = seededNoise(5, ids(8), 784);
    const x0 = await ddpmHo2020(gaussianEps(data, schedule), schedule, noise.x_T(0, 8), big, {
      noise: noise.ancestral(0, 8),
    });
    let mean = 0;
    for (const v of x0) mean += v / m;
    let variance = 0;
    for (const v of x0) variance += (v - mean) ** 2 / (m - 1);
    const exact = ddpmGaussianMoments(data, schedule, { t: 400, mean: 0, variance: 1 });
    // The chain's output is close to the data distribution (Ho et al.'s σ_t² = β_t) ...
    expect(Math.abs(exact.mean - data.mu)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(exact.variance) - data.s)).toBeLessThan(0.01);
    // ... and the samples to the chain's exact moments within 5 standard errors.
    expect(Math.abs(mean - exact.mean)).toBeLessThan(5 * Math.sqrt(exact.variance / m));
    expect(Math.abs(variance - exact.variance)).toBeLessThan(5 * exact.variance * Math.sqrt(2 / m));
  });

  it("ddpmHo2020 with steps = T < n_T continues a chain from x_T at t = T, using z_T…z_2", async () => {
    const noise = seededNoise(3, ids(4), 15);
    const used: number[] = [];
    const steps: StepInfo[] = [];
    const x0 = await ddpmHo2020(gaussianEps(data, schedule), schedule, xT, shape, {
      steps: 10,
      noise: {
        z: (t) => {
          used.push(t);
          return noise.ancestral(0, 4).z(t);
        },
      },
      onStep: (s) => steps.push(s),
    });
    expect(used).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2]);
    expect(steps.map((s) => s.t)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    // The same chain by hand, pixel by pixel.
    let x = Array.from(xT);
    for (let t = 10; t >= 1; t--) {
      const ab = schedule.alphaBar[t];
      const beta = schedule.beta[t];
      const z = t > 1 ? noise.ancestral(0, 4).z(t) : new Float64Array(n);
      const e = gaussianEps(data, schedule)(Float64Array.from(x), t, 4) as Float64Array;
      x = x.map(
        (v, k) =>
          (v - (beta / Math.sqrt(1 - ab)) * e[k]) / Math.sqrt(1 - beta) + Math.sqrt(beta) * z[k],
      );
    }
    expect(maxAbsDiff(x0, x)).toBeLessThan(1e-13);
  });

  it("ddpmHo2020 needs the ancestral noise and refuses steps out of range", async () => {
    const eps = gaussianEps(data, schedule);
    await expect(ddpmHo2020(eps, schedule, xT, shape)).rejects.toThrow(/noise: is missing/);
    await expect(ddpmHo2020(eps, schedule, xT, shape, { steps: 0 })).rejects.toThrow(/steps/);
    // One step (t = 1) adds no noise, so needs none.
    const x0 = await ddpmHo2020(eps, schedule, xT, shape, { steps: 1 });
    expect(x0).toHaveLength(n);
  });
});

describe("samplers between network passes", () => {
  it("let the event loop run and stop when checkInterrupt throws", async () => {
    for (const sampler of [ddimSong2021, ddpmHo2020]) {
      const eps = gaussianEps(data, schedule);
      let macrotaskRan = 0;
      let checks = 0;
      const noise = seededNoise(1, ids(4), 15).ancestral(0, 4);
      const counted = (x: Float64Array, t: number, k: number) => {
        setImmediate(() => macrotaskRan++);
        return eps(x, t, k);
      };
      const run = sampler(counted, schedule, xT, shape, {
        steps: 20,
        noise,
        checkInterrupt: () => {
          // A macrotask scheduled during the previous pass has run before this check.
          expect(macrotaskRan).toBe(eps.calls);
          if (++checks === 3) throw new Error("stop");
        },
      });
      await expect(run).rejects.toThrow("stop");
      expect(eps.calls).toBe(2);
    }
  });
});
