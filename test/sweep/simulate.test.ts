import { describe, expect, it } from "vitest";
import { classicArray, classicTemplate } from "../../src/cells/library.js";
import { createCellSystem } from "../../src/cells/system.js";
import { singleChannelTemplate } from "../../src/cells/template.js";
import { randomStream } from "../../src/core/counterRandom.js";
import {
  controlMismatchCurrent,
  mismatchedTemplate,
  withOffsetCurrent,
} from "../../src/sweep/kinds/mismatch.js";
import { type SimulateParams, simulateJob } from "../../src/sweep/kinds/simulate.js";

const params: SimulateParams = {
  template: "edge",
  size: 10,
  T: 5,
  sigmaA: 0,
  sigmaB: 0,
  replicate: 0,
  density: 0.5,
  fail: false,
};
const ctx = (key: string) => ({ random: randomStream(7, key), checkInterrupt: () => {} });

describe("simulate job kind", () => {
  it("simulateJob with σ = 0 reproduces the ideal array exactly", () => {
    const row = simulateJob(params, "k", ctx("k"));
    expect(row).toMatchObject({ cells: 100, matchFraction: 1, maxAbsDx: 0 });
  });

  it("simulateJob is a function of (params, stream): same stream, same row; other stream, other image", () => {
    const p = { ...params, sigmaA: 0.05, sigmaB: 0.1 };
    const a = simulateJob(p, "k", ctx("k"));
    expect(simulateJob(p, "k", ctx("k"))).toEqual(a);
    expect(simulateJob(p, "other", ctx("other"))).not.toEqual(a);
    expect(a.maxAbsDx as number).toBeGreaterThan(0);
  });

  it("simulateJob with `fail` throws its deterministic error", () => {
    expect(() => simulateJob({ ...params, fail: true }, "k", ctx("k"))).toThrow(/fails on request/);
  });

  it("simulateJob for edge with σ = 0 gives the published output: black pixels with a white 8-neighbour", () => {
    // The image the job draws for key k: pixel p black where uniform(p) < 0.5 (virtual cells white).
    const random = randomStream(7, "k");
    const n = params.size;
    const img = Float64Array.from({ length: n * n }, (_, p) => (random.uniform(p) < 0.5 ? 1 : -1));
    const at = (i: number, j: number) => (i < 0 || j < 0 || i >= n || j >= n ? -1 : img[i * n + j]);
    let expectedBlack = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let whiteNeighbour = false;
        for (let di = -1; di <= 1; di++)
          for (let dj = -1; dj <= 1; dj++)
            if ((di !== 0 || dj !== 0) && at(i + di, j + dj) < 0) whiteNeighbour = true;
        if (at(i, j) > 0 && whiteNeighbour) expectedBlack++;
      }
    const row = simulateJob({ ...params, sigmaB: 0.3 }, "k", ctx("k"));
    expect(expectedBlack).toBeGreaterThan(10);
    expect(row.idealBlack).toBe(expectedBlack);
    expect(row.matchFraction as number).toBeLessThan(1);
  });
});

describe("mismatch", () => {
  it("controlMismatchCurrent has the requested σ: 2σ for B = centre(2), u = +1, z = 0", () => {
    const n = 48;
    const array = classicArray(
      {
        ...classicTemplate("threshold"),
        B: [
          [0, 0, 0],
          [0, 2, 0],
          [0, 0, 0],
        ],
        z: 0,
      },
      { rows: n, cols: n, data: new Float64Array(n * n).fill(1) },
    );
    const sigma = 0.03;
    const offset = controlMismatchCurrent(array, sigma, randomStream(1, "cells"), 9);
    const mean = offset.reduce((s, v) => s + v, 0) / offset.length;
    const sd = Math.sqrt(offset.reduce((s, v) => s + (v - mean) ** 2, 0) / (offset.length - 1));
    // Sample sd of 2304 normals: relative standard error 1/√(2·2303) ≈ 1.5 %; allow 5 of them.
    expect(Math.abs(sd / (2 * sigma) - 1)).toBeLessThan(
      5 * Math.sqrt(1 / (2 * (offset.length - 1))),
    );
    expect(Math.abs(mean)).toBeLessThan((5 * 2 * sigma) / Math.sqrt(offset.length));
    expect(controlMismatchCurrent(array, sigma, randomStream(1, "cells"), 9)).toEqual(offset);
  });

  it("mismatchedTemplate keeps zero coefficients zero and σ = 0 exact", () => {
    const t = singleChannelTemplate([
      [0, 1, 0],
      [1, 2, 1],
      [0, 1, 0],
    ]);
    const m = mismatchedTemplate(t, 0.1, randomStream(1, "A"), 0);
    expect([0, 2, 6, 8].map((i) => m.data[i])).toEqual([0, 0, 0, 0]);
    expect(m.data[4]).not.toBe(2);
    expect(mismatchedTemplate(t, 0, randomStream(1, "A"), 0).data).toEqual(t.data);
  });

  it("withOffsetCurrent(system, δ) adds δ to dx/dt and nothing else", () => {
    const array = classicArray(classicTemplate("edge"), {
      rows: 3,
      cols: 3,
      data: Float64Array.of(1, -1, 1, -1, 1, -1, 1, 1, -1),
    });
    const base = createCellSystem(array);
    const offset = Float64Array.from({ length: 9 }, (_, k) => k / 10);
    const x = Float64Array.from({ length: 9 }, (_, k) => Math.sin(k));
    const d0 = new Float64Array(9);
    const d1 = new Float64Array(9);
    base.rhs(0, x, d0);
    withOffsetCurrent(base, offset).rhs(0, x, d1);
    expect(Array.from(d1)).toEqual(Array.from(d0, (v, k) => v + offset[k]));
  });
});
