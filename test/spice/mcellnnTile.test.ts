import { describe, expect, it } from "vitest";
import type { CellArray } from "../../src/cells/spec.js";
import { cellLocation, DEFAULT_SWITCHING, DEFAULT_TOLERANCES } from "../../src/cosim/cosim.js";
import { compareWaveforms, verdict } from "../../src/cosim/metrics.js";
import { compareSwitching } from "../../src/cosim/switching.js";
import { columns, runTile } from "../../src/cosim/tileRun.js";
import { ringDriveFrom } from "../../src/cosim/tiles.js";
import { simulateTypescript } from "../../src/engines/typescript.js";
import type { NetlistStream } from "../../src/spice/netlist/model.js";
import { loadExport } from "../../src/trained/exportDir.js";
import { layerArray } from "../../src/trained/unetExport.js";

/**
 * One tile of a trained M-CellNN layer (up1.block1 of the mcellnn-mnist fixture: 16 channels of
 * 14×14 cells, full 3×3 templates, a strachan-taox-smooth-v1 memristor across every cell
 * capacitor) in ngspice, against cellspice's solution of the whole layer on its golden input —
 * the unit of `cellspice cosim MODEL_DIR --layer NAME` (src/cosim/layerCosim.ts). The tile is
 * one cell position with every channel (16 cells, 16 memristors; the position whose memristor
 * moves most), its ring (8 positions × 16
 * channels) driven by cellspice's solution; a whole layer runs in scripts/cosim-all-layers.sh.
 */
const MODEL = "test/fixtures/models/mcellnn-mnist";
const LAYER = "up1.block1";
const T = 1;
const POINTS = 200;

function layer(): CellArray {
  const exp = loadExport(MODEL);
  const t = exp.golden!.get(`layers.${LAYER}.input`)!;
  const [, cin, rows, cols] = t.shape;
  const u = Float64Array.from(t.data.subarray(0, cin * rows * cols));
  return layerArray(exp.manifest, exp.tensors, LAYER, { data: u, rows, cols });
}

describe(`a tile of the M-CellNN fixture's ${LAYER}, co-simulated`, () => {
  it("passes, and the same tile with one memristor's g_m doubled fails naming that cell", async () => {
    const a = layer();
    expect(a.memristor?.model.name).toBe("strachan-taox-smooth-v1");
    expect(a.memristor?.voltage).toBe("x");
    const grid = Float64Array.from({ length: POINTS + 1 }, (_, k) =>
      k === POINTS ? T : (T * k) / POINTS,
    );
    const cs = simulateTypescript(a, { T, tEval: grid });
    const drive = ringDriveFrom(a, cs);
    // The tile: the position whose memristor moved most over [0, T] in cellspice's solution.
    let most = 0;
    for (let p = 0; p < cs.cells; p++)
      if (
        Math.abs(cs.w![POINTS * cs.cells + p] - 0.1) >
        Math.abs(cs.w![POINTS * cs.cells + most] - 0.1)
      )
        most = p;
    const at = cellLocation(a, most);
    expect(Math.abs(cs.w![POINTS * cs.cells + most] - 0.1)).toBeGreaterThan(1e-2);
    const region = { row0: at.row, col0: at.col, rows: 1, cols: 1 };
    // The faulty instance: that memristor, its G_m twice the trained value.
    const wrong = `xm_${at.channel}_${at.row}_${at.col}`;
    const doubleGm = (n: NetlistStream) => {
      const elements = n.elements;
      let found = 0;
      n.elements = {
        *[Symbol.iterator]() {
          for (const e of elements) {
            if (e.kind === "X" && e.name === wrong) {
              found++;
              yield { ...e, params: { ...e.params, g_m: 2 * a.memristor!.model.params.G_m } };
            } else yield e;
          }
          if (found === 0) throw new Error(`no ${wrong} in the tile`);
        },
      };
    };
    const o = { T, maxStep: 1e-2, inputForm: "folded" as const };
    const [good, bad] = await Promise.all([
      runTile(a, region, drive, grid, o),
      runTile(a, region, drive, grid, { ...o, editNetlist: doubleGm }),
    ]);
    const compare = (run: typeof good) => {
      const { cells, overall } = compareWaveforms(
        grid,
        columns(cs.x, cs.cells, run.cells),
        run.x,
        run.cells.length,
        a.output,
      );
      const v = verdict(cells, overall, DEFAULT_TOLERANCES);
      return { overall, v, failing: v.failingCells.map((q) => cellLocation(a, run.cells[q])) };
    };

    const ok = compare(good);
    expect(good.cells.length).toBe(16);
    expect(ok.v.failed).toEqual([]);
    expect(ok.v.pass).toBe(true);
    expect(ok.overall.maxAbs).toBeLessThan(1e-4);
    // The memristor states: the fast one switches (0.10 → 0.18 between 0.9 and 1 τ at up to
    // 5 per τ), so w is compared as the co-simulation verdict compares it, by its crossing time
    // of a threshold (here halfway through that excursion): within 1e-3 τ (DEFAULT_SWITCHING).
    // Measured: |Δw| peaks at 2e-4 mid-switch (a 4e-5 τ shift), 4e-5 at T.
    const csW = columns(cs.w!, cs.cells, good.cells);
    const m = good.cells.length;
    const wEnd = cs.w![POINTS * cs.cells + most];
    const s = compareSwitching(grid, csW, good.w!, m, (0.1 + wEnd) / 2);
    expect(s.events.length).toBeGreaterThanOrEqual(1);
    expect(s.mismatched).toEqual([]);
    expect(s.maxDelta).toBeLessThan(DEFAULT_SWITCHING.maxDelta);
    for (let q = 0; q < m; q++)
      expect(Math.abs(csW[POINTS * m + q] - good.w![POINTS * m + q])).toBeLessThan(1e-4);

    const ko = compare(bad);
    expect(ko.v.pass).toBe(false);
    expect(ko.failing[0]).toEqual(at);
    expect(ko.overall.maxAbs).toBeGreaterThan(1e-2);
  });
});
