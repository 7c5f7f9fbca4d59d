import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import { ValidationError } from "../../src/core/errors.js";
import { hardwareSampleKind } from "../../src/sweep/kinds/hardwareSample.js";

const spec = {
  model: "test/fixtures/models/cellnn-mnist",
  axes: { "mismatch.sigma": [0.02, 0.05], "quantisation.bits": [4, 6] },
  seeds: [1, 2, 3],
  classes: [3],
  per_class: 1,
  steps: 1,
  w: 0,
  rtol: 1e-4,
  atol: 1e-6,
};

describe("hardware-sample job kind", () => {
  it("expand: one ideal job, seeded axes × every seed, deterministic axes once", () => {
    const jobs = hardwareSampleKind.expand(hardwareSampleKind.validate(spec, "s.json"));
    expect(jobs.map((j) => j.key)).toEqual([
      "ideal",
      "mismatch.sigma=0.02,seed=1",
      "mismatch.sigma=0.02,seed=2",
      "mismatch.sigma=0.02,seed=3",
      "mismatch.sigma=0.05,seed=1",
      "mismatch.sigma=0.05,seed=2",
      "mismatch.sigma=0.05,seed=3",
      "quantisation.bits=4,seed=1",
      "quantisation.bits=6,seed=1",
    ]);
    const grid = hardwareSampleKind.expand(
      hardwareSampleKind.validate({ ...spec, mode: "grid" }, "s.json"),
    );
    expect(grid.length).toBe(1 + 4 * 3);
  });

  it("validate refuses an unknown profile field and a bad value, naming the field", () => {
    const bad = (doc: unknown) => {
      try {
        hardwareSampleKind.validate(doc, "s.json");
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return e as ValidationError;
      }
      throw new Error("accepted");
    };
    expect(bad({ ...spec, axes: { "mismatch.sigmaa": [0.1] } }).field).toBe("axes.mismatch.sigmaa");
    expect(bad({ ...spec, axes: { "quantisation.bits": [40] } }).field).toContain(
      "quantisation.bits",
    );
    expect(bad({ ...spec, sedes: [1] }).message).toContain("seeds");
    expect(bad({ ...spec, precision: "float16" }).field).toBe("precision");
    expect(hardwareSampleKind.validate(spec, "s.json").precision).toBe("float64");
    expect(bad({ ...spec, per_class: 2, grid_per_class: 3 }).field).toBe("grid_per_class");
    expect(hardwareSampleKind.validate({ ...spec, per_class: 4 }, "s.json").gridPerClass).toBe(4);
  });

  it("run: the ideal job reproduces itself; a mismatched analog layer moves the image", async () => {
    // One analog layer (up1.block1), one class, one DDIM step without guidance: a few seconds.
    const small = { ...spec, axes: { "mismatch.sigma": [0.05] }, seeds: [1] };
    const s = hardwareSampleKind.validate(small, "s.json");
    const jobs = hardwareSampleKind.expand(s).map((j) => ({
      ...j,
      params: {
        ...j.params,
        point: { ...(j.params.point as object), "layers.analog": ["up1.block1"] },
      },
    }));
    const ctx = { random: randomStream(0, "t"), checkInterrupt: () => {} };
    const ideal = await hardwareSampleKind.run(jobs[0], ctx);
    const faithful = await hardwareSampleKind.run(jobs[1], ctx);
    const again = await hardwareSampleKind.run(jobs[1], ctx);
    expect(ideal.pixelRmse).toBe(0);
    expect(ideal.n).toBe(1);
    expect(faithful.pixelRmse as number).toBeGreaterThan(0);
    expect(faithful.pixelRmse as number).toBeLessThan(0.5);
    expect(again.images).toEqual(faithful.images);
    expect((faithful.images as number[]).length).toBe(28 * 28);
    expect(faithful.mismatchSeed).toBe(1);
    // Two samples, the images of one kept (grid_per_class 1): every sample's RMSE is in the row,
    // and the kept sample is the one drawn alone (the noise does not depend on the batch).
    const two = hardwareSampleKind.validate(
      { ...small, per_class: 2, grid_per_class: 1 },
      "s.json",
    );
    const twoJobs = hardwareSampleKind
      .expand(two)
      .map((j, k) => ({ ...j, params: { ...jobs[k].params, spec: two } }));
    const pair = await hardwareSampleKind.run(twoJobs[1], ctx);
    expect(pair.n).toBe(2);
    expect(pair.gridSamples).toEqual([0]);
    expect(pair.images).toEqual(faithful.images);
    const perSample = pair.imageRmse as number[];
    expect(perSample).toHaveLength(2);
    expect(perSample[0]).toBeCloseTo(faithful.pixelRmse as number, 12);
    expect(Math.sqrt((perSample[0] ** 2 + perSample[1] ** 2) / 2)).toBeCloseTo(
      pair.pixelRmse as number,
      12,
    );
    // precision float32: both engines' float32; the mismatch's effect is the same to a few %.
    const s32 = hardwareSampleKind.validate({ ...small, precision: "float32" }, "s.json");
    const jobs32 = hardwareSampleKind
      .expand(s32)
      .map((j, k) => ({ ...j, params: { ...jobs[k].params, spec: s32 } }));
    const faithful32 = await hardwareSampleKind.run(jobs32[1], ctx);
    expect(faithful32.images).not.toEqual(faithful.images);
    expect(
      Math.abs((faithful32.pixelRmse as number) - (faithful.pixelRmse as number)),
    ).toBeLessThan(0.05 * (faithful.pixelRmse as number));
  }, 120_000);
});
