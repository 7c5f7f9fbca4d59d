import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import { ValidationError } from "../../src/core/errors.js";
import { inProcessExecutor } from "../../src/sweep/inProcess.js";
import { hardwareSampleKind } from "../../src/sweep/kinds/hardwareSample.js";
import { openRowsFile } from "../../src/sweep/rowsFile.js";
import { runSweep } from "../../src/sweep/runSweep.js";
import { readSweepSpec, SWEEP_FORMAT, SWEEP_VERSION } from "../../src/sweep/spec.js";

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
    expect(bad({ ...spec, lockstep: 0 }).field).toBe("lockstep");
    expect(bad({ ...spec, lockstep: 2.5 }).field).toBe("lockstep");
    expect(hardwareSampleKind.validate(spec, "s.json").lockstep).toBe(1);
    expect(hardwareSampleKind.validate({ ...spec, lockstep: 8 }, "s.json").lockstep).toBe(8);
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

  it("a sweep is bound to the model's weights: retrained weights under the same path are refused", async () => {
    // A copy of the fixture's weights and manifest in a scratch directory.
    const dir = mkdtempSync(join(tmpdir(), "cellspice-weights-"));
    const fixture = "test/fixtures/models/cellnn-mnist";
    for (const f of ["manifest.json", "model.safetensors"])
      copyFileSync(join(fixture, f), join(dir, f));
    const weights = join(dir, "model.safetensors");
    const sha256sum = () =>
      execFileSync("sha256sum", [weights], { encoding: "utf8" }).split(" ")[0];
    const doc = { format: SWEEP_FORMAT, version: SWEEP_VERSION, kind: "hardware-sample", seed: 7 };
    const small = { ...spec, model: dir, axes: { "mismatch.sigma": [0.05] }, seeds: [1] };
    const before = readSweepSpec({ ...doc, ...small }, "s.json");
    expect(before.jobs.map((j) => j.params.weightsSha256)).toEqual([sha256sum(), sha256sum()]);
    // The rows file of a finished sweep, as runSweep writes it.
    const rowsPath = join(dir, "rows.jsonl");
    const rows = openRowsFile(rowsPath);
    for (const job of before.jobs)
      rows.append({
        key: job.key,
        kind: job.kind,
        seed: before.seed,
        params: job.params,
        status: "done",
        row: { pixelRmse: 0 },
        run: { executor: "inprocess", worker: "test", attempt: 1, ms: 1 },
      });
    rows.close();
    // Same weights: nothing to do, nothing run.
    const again = await runSweep({ sweep: before, rowsPath, executor: inProcessExecutor() });
    expect(again).toMatchObject({ total: 2, done: 2, pending: 0, newlyDone: 0 });
    // One byte of the last tensor's data changed (the file stays a valid export).
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(weights, bytes);
    const after = readSweepSpec({ ...doc, ...small }, "s.json");
    expect(after.jobs[0].params.weightsSha256).toBe(sha256sum());
    expect(after.jobs[0].params.weightsSha256).not.toBe(before.jobs[0].params.weightsSha256);
    await expect(
      runSweep({ sweep: after, rowsPath, executor: inProcessExecutor() }),
    ).rejects.toThrow(
      /from another sweep: params\.weightsSha256 \(rows file "[0-9a-f]{64}", spec "[0-9a-f]{64}"\) differs/,
    );
    // A job expanded before the change and run after it fails before it samples anything.
    await expect(
      hardwareSampleKind.run(before.jobs[0], {
        random: randomStream(0, "t"),
        checkInterrupt: () => {},
      }),
    ).rejects.toThrow(/weights in .* changed after the sweep was expanded/);
  }, 60_000);
});
