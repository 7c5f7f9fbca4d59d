import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { parseSweepSpec, readSweepSpec } from "../../src/sweep/spec.js";

const base = {
  format: "cellspice-sweep",
  version: 1,
  kind: "simulate",
  seed: 7,
  grid: { template: ["edge", "corner"], size: [8, 12], sigmaB: [0, 0.05] },
  replicates: 3,
};

function fieldOf(value: unknown): string {
  try {
    readSweepSpec(value, "spec.json");
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  throw new Error("no error");
}

describe("readSweepSpec", () => {
  it("readSweepSpec(spec) expands the grid in a fixed order with keys naming every axis", () => {
    const sweep = readSweepSpec(base, "spec.json");
    expect(sweep.jobs).toHaveLength(2 * 2 * 2 * 3);
    expect(sweep.jobs[0].key).toBe("edge,size=8,T=5,sigmaA=0,sigmaB=0,rep=0");
    expect(sweep.jobs[1].key).toBe("edge,size=8,T=5,sigmaA=0,sigmaB=0,rep=1");
    expect(sweep.jobs.at(-1)?.key).toBe("corner,size=12,T=5,sigmaA=0,sigmaB=0.05,rep=2");
    expect(sweep.jobs[0].params).toEqual({
      template: "edge",
      size: 8,
      T: 5,
      sigmaA: 0,
      sigmaB: 0,
      replicate: 0,
      density: 0.5,
      fail: false,
    });
  });

  it("readSweepSpec(spec).id is a function of (kind, seed, jobs)", () => {
    const a = readSweepSpec(base, "a").id;
    expect(readSweepSpec(structuredClone(base), "b").id).toBe(a);
    expect(readSweepSpec({ ...base, seed: 8 }, "a").id).not.toBe(a);
    expect(readSweepSpec({ ...base, replicates: 2 }, "a").id).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it("refuses unknown fields with a did-you-mean, at the top and in the grid", () => {
    expect(fieldOf({ ...base, sede: 1 })).toMatch(
      /^sede: unknown field "sede" \(did you mean "seed"\?\)/,
    );
    expect(fieldOf({ ...base, replicate: 2 })).toMatch(/did you mean "replicates"/);
    expect(fieldOf({ ...base, grid: { ...base.grid, sigmab: [0] } })).toMatch(
      /^grid\.sigmab: .*did you mean "sigmaB"/,
    );
  });

  it("refuses an empty grid, naming the empty axis", () => {
    expect(fieldOf({ ...base, grid: { ...base.grid, size: [] } })).toMatch(
      /^grid\.size: empty list/,
    );
    expect(fieldOf({ ...base, grid: { template: ["edge"] } })).toMatch(/^grid\.size: missing/);
    expect(fieldOf({ ...base, grid: undefined })).toMatch(/^grid: missing/);
  });

  it("refuses bad values naming the field", () => {
    expect(fieldOf({ ...base, format: "x" })).toMatch(/^format:/);
    expect(fieldOf({ ...base, version: 2 })).toMatch(/^version:/);
    expect(fieldOf({ ...base, kind: "simulat" })).toMatch(/^kind: .*did you mean simulate/);
    expect(fieldOf({ ...base, seed: -1 })).toMatch(/^seed:/);
    expect(fieldOf({ ...base, seed: 1.5 })).toMatch(/^seed:/);
    expect(fieldOf({ ...base, grid: { ...base.grid, template: ["egde"] } })).toMatch(
      /^grid\.template\[0\]: .*did you mean edge/,
    );
    expect(fieldOf({ ...base, grid: { ...base.grid, size: [8, 8] } })).toMatch(
      /^grid\.size\[1\]: 8 is listed twice/,
    );
    expect(fieldOf({ ...base, grid: { ...base.grid, sigmaB: [-0.1] } })).toMatch(
      /^grid\.sigmaB\[0\]:/,
    );
    expect(fieldOf({ ...base, grid: { ...base.grid, T: [0] } })).toMatch(/^grid\.T\[0\]:/);
    expect(fieldOf({ ...base, replicates: 0 })).toMatch(/^replicates:/);
    expect(fieldOf({ ...base, fail: ["nope"] })).toMatch(/^fail\[0\]: no job has the key "nope"/);
  });

  it("parseSweepSpec(text) refuses text that is not JSON, naming the file", () => {
    expect(() => parseSweepSpec("{", "spec.json")).toThrow(/spec\.json: not valid JSON/);
  });

  it("marks the jobs named in `fail`", () => {
    const key = "corner,size=12,T=5,sigmaA=0,sigmaB=0.05,rep=2";
    const sweep = readSweepSpec({ ...base, fail: [key] }, "spec.json");
    expect(sweep.jobs.filter((j) => j.params.fail).map((j) => j.key)).toEqual([key]);
  });
});
