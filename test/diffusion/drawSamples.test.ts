import { describe, expect, it } from "vitest";
import {
  ddimSong2021,
  ddpmHo2020,
  ddpmSchedule,
  drawSamples,
  type NoisePredictor,
  type SampleId,
  seededNoise,
} from "../../src/diffusion/index.js";

const schedule = ddpmSchedule(400, [1e-4, 0.02]);
const image = { channels: 1, rows: 2, cols: 3 };
const P = 6;

/** ε̂ of Gaussian data N(μ_c, 0.2²) with μ_c = 0.1·c given the class, 0.45 without it. */
function classNetwork(): NoisePredictor & { batches: number[] } {
  const batches: number[] = [];
  const f = (x: Float64Array, c: Int32Array, t: Float64Array, drop: Float64Array) => {
    batches.push(c.length);
    const out = new Float64Array(x.length);
    for (let k = 0; k < c.length; k++) {
      const ab = schedule.alphaBar[Math.round(t[k] * 400)];
      const mu = drop[k] === 1 ? 0.45 : 0.1 * c[k];
      const k2 = Math.sqrt(1 - ab) / (ab * 0.04 + 1 - ab);
      for (let p = 0; p < P; p++) out[k * P + p] = k2 * (x[k * P + p] - Math.sqrt(ab) * mu);
    }
    return out;
  };
  return Object.assign(f, { batches });
}

const ids = (classes: number[], perClass: number): SampleId[] =>
  classes.flatMap((cls) => Array.from({ length: perClass }, (_, index) => ({ cls, index })));

describe("drawSamples", () => {
  it("drawSamples is class-major and does not depend on the batch size", async () => {
    const classes = [2, 7, 9];
    const runs = [];
    for (const batch of [1, 4, 9]) {
      const network = classNetwork();
      runs.push(
        await drawSamples({
          sampler: ddimSong2021,
          network,
          schedule,
          classes,
          perClass: 3,
          image,
          w: 2,
          steps: 10,
          noise: seededNoise(4, ids(classes, 3), P),
          batch,
        }),
      );
      // Guidance doubles each batch: 9 samples in batches of `batch`, each sampled over 10 steps.
      const sizes = batch === 1 ? Array(9).fill(2) : batch === 4 ? [8, 8, 2] : [18];
      expect(network.batches).toEqual(sizes.flatMap((s) => Array(10).fill(s)));
    }
    expect(Array.from(runs[0].labels)).toEqual([2, 2, 2, 7, 7, 7, 9, 9, 9]);
    for (const r of runs.slice(1)) expect(Array.from(r.x0)).toEqual(Array.from(runs[0].x0));
  });

  it("drawSamples gives a sample the same image whatever else is drawn (seeded noise)", async () => {
    const draw = (classes: number[], perClass: number) =>
      drawSamples({
        sampler: ddpmHo2020,
        network: classNetwork(),
        schedule,
        classes,
        perClass,
        image,
        w: 1,
        steps: 20,
        noise: seededNoise(8, ids(classes, perClass), P),
        batch: 2,
      });
    const all = await draw([0, 5], 3);
    const one = await draw([5], 2);
    expect(Array.from(one.x0)).toEqual(Array.from(all.x0.subarray(3 * P, 5 * P)));
  });

  it("drawSamples with w = 0 makes one conditional pass per step, and the class shifts the mean", async () => {
    const network = classNetwork();
    const { x0 } = await drawSamples({
      sampler: ddimSong2021,
      network,
      schedule,
      classes: [0, 9],
      perClass: 1,
      image,
      w: 0,
      steps: 50,
      noise: seededNoise(1, ids([0, 9], 1), P),
      batch: 2,
    });
    expect(network.batches).toEqual(Array(50).fill(2));
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    // The same ζ per pixel is mapped to μ_c + s·ζ: the class-9 image lies 0.9 above the class-0 one.
    const d = mean(x0.subarray(P, 2 * P)) - mean(x0.subarray(0, P));
    expect(d).toBeGreaterThan(0.5);
  });

  it("drawSamples refuses perClass 0, an empty class list and batch 0, naming the field", async () => {
    const base = {
      sampler: ddimSong2021,
      network: classNetwork(),
      schedule,
      classes: [1],
      perClass: 1,
      image,
      w: 0,
      noise: seededNoise(1, ids([1], 1), P),
      batch: 1,
    };
    await expect(drawSamples({ ...base, perClass: 0 })).rejects.toThrow(/^per-class/);
    await expect(drawSamples({ ...base, classes: [] })).rejects.toThrow(/^classes/);
    await expect(drawSamples({ ...base, batch: 0 })).rejects.toThrow(/^batch/);
  });
});
