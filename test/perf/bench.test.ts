import { describe, expect, it } from "vitest";
import { benchArray } from "../../src/bench/arrays.js";
import { maxAbsError, timeRepeated } from "../../src/bench/measure.js";
import { scalingPlot } from "../../src/bench/plot.js";
import {
  fastestMatched,
  latestRuns,
  multichannelSection,
  scalingFigure,
  scalingSection,
  spliceSection,
} from "../../src/bench/report.js";
import type { BenchRow } from "../../src/bench/row.js";
import { DEFAULT_SCALES } from "../../src/cells/spec.js";
import { createCellSystem } from "../../src/cells/system.js";
import { createMemristor } from "../../src/devices/registry.js";
import { arrayNetlist } from "../../src/spice/netlist/cellArray.js";
import { checkTopology } from "../../src/spice/netlist/topology.js";
import { checkXml } from "../plot/xmlCheck.js";

/**
 * The benchmark library's bookkeeping (never its speed: no wall-clock assertions here, see
 * STYLE.md 12).
 */

const ENV = {
  machine: "test cpu",
  cores: 2,
  cpuGHz: 2.5,
  node: "v20",
  commit: "0123456789abcdef",
  dirty: false,
  command: "bench",
  fma: false,
  fmaFused: null,
};

function row(p: Partial<BenchRow>): BenchRow {
  return {
    runId: "2026-01-01T00:00:00.000Z",
    suite: "scaling",
    engine: "cellspice",
    solver: "dopri5",
    rows: 8,
    cols: 8,
    channels: 1,
    dim: 64,
    T: 1,
    wallMs: 1,
    wallMsMin: 1,
    repeats: 5,
    warmups: 1,
    error: 1e-5,
    reference: "odex",
    load: 1,
    env: ENV,
    date: "",
    ...p,
  };
}

describe("bench bookkeeping", () => {
  it("maxAbsError(a, b) is the largest difference and NaN-poisoned", () => {
    expect(maxAbsError([1, 2, 3], [1, 2.5, 2])).toBe(1);
    expect(maxAbsError([1, Number.NaN], [1, 2])).toBeNaN();
  });

  it("timeRepeated(task) warms up, then runs at least minRepeats times and returns the last result", async () => {
    let calls = 0;
    const { timing, result } = await timeRepeated(() => ++calls, {
      warmups: 2,
      minRepeats: 3,
      maxRepeats: 3,
      minTotalMs: 0,
    });
    expect(calls).toBe(5);
    expect(result).toBe(5);
    expect(timing.repeats).toBe(3);
    expect(timing.minMs).toBeLessThanOrEqual(timing.medianMs);
  });

  it("latestRuns(rows) keeps only the newest run of each suite", () => {
    const rows = [
      row({ runId: "2026-01-01", suite: "scaling" }),
      row({ runId: "2026-01-02", suite: "scaling", rows: 16 }),
      row({ runId: "2026-01-01", suite: "memristor" }),
    ];
    const runs = latestRuns(rows);
    expect(runs.get("scaling")?.map((r) => r.rows)).toEqual([16]);
    expect(runs.get("memristor")).toHaveLength(1);
  });

  it("fastestMatched(rows) ignores rows above the matched error", () => {
    const rows = [
      row({ wallMs: 1, error: 1e-3 }),
      row({ wallMs: 5, error: 5e-5 }),
      row({ wallMs: 3, error: 1e-4 }),
    ];
    expect(fastestMatched(rows)?.wallMs).toBe(3);
    expect(fastestMatched([row({ error: 1 })])).toBeUndefined();
  });

  it("spliceSection(doc, name, body) replaces only the marked section, or appends it", () => {
    const doc = "a\n<!-- bench:x -->\nold\n<!-- /bench:x -->\nb\n";
    expect(spliceSection(doc, "x", "new")).toBe("a\n<!-- bench:x -->\nnew\n<!-- /bench:x -->\nb\n");
    expect(spliceSection("a\n", "y", "z")).toBe("a\n\n<!-- bench:y -->\nz\n<!-- /bench:y -->\n");
  });

  it("scalingSection(rows) gives each size's speed-up at matched accuracy", () => {
    const rows = [
      row({ wallMs: 2, rtol: 1e-5 }),
      row({ engine: "ngspice", solver: "tran", maxStep: 0.1, wallMs: 100, error: 5e-4 }),
      row({ engine: "ngspice", solver: "tran", maxStep: 0.03, wallMs: 400, error: 5e-5 }),
    ];
    const md = scalingSection(rows);
    expect(md).toContain(
      "| 8×8 | maxStep 0.03 | 400 ms | 5.0e-5 | dopri5 rtol 1e-5 | 2.00 ms | 1.0e-5 | 200× |",
    );
  });

  it("scalingSection(rows) sets DOPRI5 at the user's tolerance beside ngspice, whatever its error", () => {
    const rows = [
      // The fastest matched cellspice row (rk4) is not the one this table takes.
      row({ solver: "rk4", dt: 0.1, wallMs: 1, error: 5e-5 }),
      row({ rtol: 1e-4, wallMs: 4, steps: 9, rejectedSteps: 2, error: 2e-4 }),
      row({ engine: "ngspice", solver: "tran", maxStep: 0.03, wallMs: 400, error: 5e-5 }),
    ];
    const md = scalingSection(rows);
    expect(md).toContain("DOPRI5 at a user's tolerance, fixed in advance (rtol 1e-4, atol 1e-6;");
    expect(md).toContain(
      "| 8×8 | maxStep 0.03 | 400 ms | 5.0e-5 | 9 (2) | 4.00 ms | 2.0e-4 | 100× |",
    );
    expect(scalingSection(rows.filter((r) => r.rtol !== 1e-4))).not.toContain("user's tolerance");
  });

  it("multichannelSection(rows) states the peaks and the fraction of each the stencil reaches", () => {
    const md = multichannelSection([
      row({
        suite: "multichannel",
        channels: 32,
        rows: 28,
        cols: 28,
        rtol: 1e-5,
        steps: 19,
        rhsEvaluations: 122,
        extra: { stencilGflops: 8.3, cellUpdatesPerSecond: 1.4e7, stateScale: 7.9 },
      }),
    ]);
    expect(md).toContain("vector 80 GFLOP/s");
    expect(md).toContain("scalar 10.0 GFLOP/s");
    expect(md).toContain("| 14 M | 8.30 | 10.4 % | 83 % |");
  });

  it("scalingPlot(series) is a well-formed SVG string without NaN", () => {
    const svg = scalingPlot(
      [
        {
          label: "ngspice",
          engine: "ngspice",
          points: [
            [64, 0.05],
            [1024, 2],
          ],
        },
        {
          label: "cellspice",
          engine: "cellspice",
          dashed: true,
          points: [
            [64, 1e-4],
            [1024, 4e-3],
          ],
        },
      ],
      "t",
    );
    expect(checkXml(svg).errors).toEqual([]);
    expect(svg).not.toContain("NaN");
    expect(svg.match(/class="series"/g)).toHaveLength(2);
    expect(scalingFigure([row({})])).toContain("<svg");
  });

  it("benchArray(options) is reproducible and valid for both engines' CellNN and M-CellNN forms", () => {
    const options = { seed: 4, channels: 3, rows: 5, cols: 6 };
    const a = benchArray(options);
    const b = benchArray(options);
    const other = benchArray({ ...options, seed: 5 });
    // Reproducible: every seeded field equal for the same seed, different for another.
    for (const f of ["A", "B"] as const) {
      expect(Array.from(a[f].data)).toEqual(Array.from(b[f].data));
      expect(Array.from(a[f].data)).not.toEqual(Array.from(other[f].data));
    }
    for (const f of ["z", "input", "x0"] as const)
      expect(Array.from(a[f])).toEqual(Array.from(b[f]));
    // Valid for cellspice (its system) and for ngspice (a topology-checked netlist), both forms.
    const model = createMemristor("strachan-taox-smooth");
    const m = benchArray({ ...options, memristor: { model, w0: 0.2, scales: DEFAULT_SCALES } });
    expect(createCellSystem(a).dim).toBe(90);
    expect(createCellSystem(m).dim).toBe(180); // x and w per cell
    for (const array of [a, m]) {
      const built = arrayNetlist(array, { T: 1 });
      expect(() => checkTopology(built.netlist)).not.toThrow();
      expect(built.stateVectors).toHaveLength(90);
      expect(built.memristorVectors).toHaveLength(array.memristor ? 90 : 0);
    }
  });
});
