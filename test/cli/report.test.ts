import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classicArray, classicTemplate } from "../../src/cells/library.js";
import type { CellArray } from "../../src/cells/spec.js";
import { parseTextImage } from "../../src/cli/images.js";
import { type CosimResult, runCosim } from "../../src/cosim/cosim.js";
import { createMemristor } from "../../src/devices/registry.js";
import { cosimFigures } from "../../src/report/figures.js";
import { reportFromCosim } from "../../src/report/fromCosim.js";
import { memristorSamples, mostActiveMemristor } from "../../src/report/memristorTraces.js";
import { writeCosimOutputs } from "../../src/report/writeCosim.js";

let r: CosimResult;
let dir: string;

beforeAll(async () => {
  const base = classicArray(classicTemplate("edge"), parseTextImage("....\n.##.\n.##.\n....\n"));
  const array: CellArray = {
    ...base,
    scales: { tau: 1e-3, Vs: 0.3, R: 100 },
    memristor: {
      model: createMemristor("strachan-taox"),
      w0: new Float64Array(16).fill(0.1),
      voltage: "x",
    },
  };
  r = await runCosim(array, { T: 2 });
  dir = mkdtempSync(join(tmpdir(), "cellspice-report-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reportFromCosim(result)", () => {
  it("carries both engines' waveforms on the common grid, the metrics and the verdict", () => {
    const d = reportFromCosim(r, { template: "EDGE" });
    const nt = r.t.length;
    expect(d.waveforms.cellspice).toHaveLength(nt * 16);
    expect(d.waveforms.ngspice).toBe(r.ngspice.x);
    expect(d.timeUnit).toBe("tau");
    expect(d.metrics.overall.maxAbsError).toBe(r.overall.maxAbs);
    expect(d.metrics.overall.pass).toBe(r.verdict.pass);
    expect(d.metrics.cells).toHaveLength(16);
    expect(d.array.template).toBe("EDGE");
    expect(d.array.ngspiceVersion).toMatch(/^\d+/);
    expect(d.outputs?.map((o) => o.label)).toEqual(["cellspice y(T)", "ngspice y(T)"]);
    expect(Array.from(d.errorMap ?? [])).toEqual(r.cells.map((c) => c.maxAbs));
  });

  it("the memristor traces are i = current(w, V_s·x) of the cellspice run, per cell", () => {
    const d = reportFromCosim(r);
    const m = d.memristor!;
    const k = Math.floor(r.t.length / 2) * 16 + 5;
    const v = 0.3 * r.cellspice.x[k];
    expect(m.v[k]).toBeCloseTo(v, 15);
    expect(m.i[k]).toBe(r.array.memristor!.model.current(r.cellspice.w![k], v));
    expect(m.cell).toBeUndefined();
    const s = memristorSamples(r.array, r.cellspice);
    expect(mostActiveMemristor(s.w, 16)).toBeGreaterThanOrEqual(0);
  });
});

describe("cosimFigures(result) and writeCosimOutputs(dir, result)", () => {
  it("draws waveforms, images, the error map and both memristor figures", () => {
    const figs = cosimFigures(r);
    expect(figs.map((f) => f.file)).toEqual([
      "waveforms.svg",
      "images.svg",
      "error-map.svg",
      "memristor-iv.svg",
      "memristor-w.svg",
    ]);
    for (const f of figs) expect(f.svg.startsWith("<svg")).toBe(true);
    expect(() => cosimFigures(r, { cells: [16] })).toThrow(RangeError);
  });

  it("writes cosim.json, report.html, circuit.cir and the SVGs, leaving no temporary files", async () => {
    const files = await writeCosimOutputs(dir, r, { title: "test" });
    expect(files.figures).toHaveLength(5);
    const names = readdirSync(dir).sort();
    expect(names).toEqual([
      "circuit.cir",
      "cosim.json",
      "error-map.svg",
      "images.svg",
      "memristor-iv.svg",
      "memristor-w.svg",
      "report.html",
      "waveforms.svg",
    ]);
    const summary = JSON.parse(readFileSync(files.summary, "utf8")) as {
      verdict: { pass: boolean };
      memristor: unknown;
    };
    expect(summary.verdict.pass).toBe(r.verdict.pass);
    expect(summary.memristor).not.toBeNull();
    expect(readFileSync(files.report, "utf8")).toContain("<title>test</title>");
  });
});
