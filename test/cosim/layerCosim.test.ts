import { describe, expect, it } from "vitest";
import type { CellArray } from "../../src/cells/spec.js";
import { cosimLayer, pool } from "../../src/cosim/layerCosim.js";
import { onTileBorder, parseTileSize, tileRegions } from "../../src/cosim/tiles.js";
import { goldenWindowLayer } from "../../src/trained/crop.js";
import { loadExport } from "../../src/trained/exportDir.js";

const MODEL = "test/fixtures/models/cellnn-mnist";

/** up1.block1 of the CellNN fixture (32 → 32 channels at n_feat 32, full 3×3 templates) on a crop of its golden input. */
function up1Crop(side: number, at: number): CellArray {
  return goldenWindowLayer(loadExport(MODEL), "up1.block1", {
    rows: side,
    cols: side,
    row0: at,
    col0: at,
  });
}

describe("tileRegions(array, size)", () => {
  it("covers the array once, row-major, with ragged last tiles, and refuses 0 or too large", () => {
    const regions = tileRegions({ rows: 5, cols: 7 }, { rows: 2, cols: 3 });
    expect(regions.map((r) => [r.row0, r.col0, r.rows, r.cols])).toEqual([
      [0, 0, 2, 3],
      [0, 3, 2, 3],
      [0, 6, 2, 1],
      [2, 0, 2, 3],
      [2, 3, 2, 3],
      [2, 6, 2, 1],
      [4, 0, 1, 3],
      [4, 3, 1, 3],
      [4, 6, 1, 1],
    ]);
    expect(regions.reduce((s, r) => s + r.rows * r.cols, 0)).toBe(35);
    expect(() => tileRegions({ rows: 5, cols: 7 }, { rows: 0, cols: 3 })).toThrow(
      /tile\.rows.*1…5/,
    );
    expect(() => tileRegions({ rows: 5, cols: 7 }, { rows: 2, cols: 8 })).toThrow(
      /tile\.cols.*1…7/,
    );
    expect(parseTileSize("7x14")).toEqual({ rows: 7, cols: 14 });
    expect(() => parseTileSize("7")).toThrow(/--tile/);
  });
});

describe("pool(count, jobs, signal, task)", () => {
  it("runs at most `jobs` at once, and a failure aborts the tasks still running", async () => {
    let running = 0;
    let peak = 0;
    const aborted: number[] = [];
    const started: number[] = [];
    const run = pool(6, 2, undefined, async (k, signal) => {
      started.push(k);
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((done, fail) => {
        const onAbort = () => {
          clearTimeout(timer);
          aborted.push(k);
          fail(new Error("aborted"));
        };
        const timer = setTimeout(
          () => {
            signal.removeEventListener("abort", onAbort);
            done();
          },
          k === 1 ? 5 : 200,
        );
        signal.addEventListener("abort", onAbort);
      });
      running--;
      if (k === 1) throw new Error("tile 1 failed");
    });
    await expect(run).rejects.toThrow("tile 1 failed");
    expect(peak).toBe(2);
    expect(aborted).toEqual([0]);
    expect(started).toEqual([0, 1]);
  });
});

describe("cosimLayer(array, {tile}) on up1.block1 of the CellNN fixture (4×4 crop, 512 cells)", () => {
  const array = up1Crop(4, 5);
  // [choice] Settings that keep ngspice to seconds here: inputs folded into one current per cell,
  // a 1e-2 τ step cap (the 3×3-crop test of a trained layer uses the same).
  const settings = {
    T: 1,
    points: 200,
    jobs: 2,
    ngspice: { inputForm: "folded" as const, maxStep: 1e-2 },
  };

  it("whole layer and 2×2 tiles agree with each other and with cellspice; an undriven ring fails at the border", async () => {
    const whole = await cosimLayer(array, settings);
    const tiled = await cosimLayer(array, { ...settings, tile: { rows: 2, cols: 2 } });
    expect(whole.tiles).toHaveLength(1);
    expect(tiled.tiles.map((t) => t.name)).toEqual(["r0c0", "r0c2", "r2c0", "r2c2"]);
    for (const r of [whole, tiled]) {
      expect(r.verdict.failed).toEqual([]);
      expect(r.verdict.pass).toBe(true);
      expect(r.tiles.every((t) => t.pass)).toBe(true);
    }
    // Tiled against whole ngspice, on the same report times.
    let apart = 0;
    for (let k = 0; k < whole.ngspice.x.length; k++)
      apart = Math.max(apart, Math.abs(whole.ngspice.x[k] - tiled.ngspice.x[k]));
    expect(apart).toBeLessThan(whole.verdict.tolerances.maxAbs);
    expect(whole.overall.maxAbs).toBeLessThan(whole.verdict.tolerances.maxAbs);

    // The same tiling with tile r0c0's ring held at 0 V (as if the tile were the whole array).
    const wrong = await cosimLayer(array, {
      ...settings,
      tile: { rows: 2, cols: 2 },
      ring: (region, drive) =>
        region.row0 === 0 && region.col0 === 0
          ? { ...drive, y: () => new Float64Array(drive.t.length), source: "zeros" }
          : drive,
    });
    expect(wrong.verdict.pass).toBe(false);
    expect(wrong.tiles.map((t) => t.pass)).toEqual([false, true, true, true]);
    const bad = wrong.tiles[0];
    expect(bad.failingCells.length).toBeGreaterThan(0);
    // Every failing cell lies in the tile, and the worst is next to the ring (rows/columns 1).
    const region = bad.region;
    const plane = array.rows * array.cols;
    for (const p of bad.failingCells) {
      const q = p % plane;
      expect(Math.floor(q / array.cols)).toBeLessThan(2);
      expect(q % array.cols).toBeLessThan(2);
    }
    const worst = bad.failingCells[0] % plane;
    expect(Math.floor(worst / array.cols) === 1 || worst % array.cols === 1).toBe(true);
    expect(onTileBorder(array, region, bad.failingCells[0], 1)).toBe(true);
  }, 120_000);
});

describe("cosimLayer(array, { typescript: { precision: 'float32' } }) on the same crop", () => {
  it("passes as float64 does, its Δx within float32's error of float64's", async () => {
    const array = up1Crop(4, 5);
    const settings = {
      T: 1,
      points: 200,
      ngspice: { inputForm: "folded" as const, maxStep: 1e-2 },
    };
    const f64 = await cosimLayer(array, settings);
    const f32 = await cosimLayer(array, { ...settings, typescript: { precision: "float32" } });
    expect(f32.cellspice.info.precision).toBe("float32");
    expect(f64.cellspice.info.precision).toBe("float64");
    expect(f32.verdict.pass).toBe(true);
    expect(f32.verdict.failed).toEqual(f64.verdict.failed);
    // The two cellspice solutions differ by float32 roundings of A ⋆ f(x) (under the 1e-5 below),
    // far inside the verdict's tolerance; ngspice ran the same netlist twice.
    let apart = 0;
    for (let k = 0; k < f64.cellspice.x.length; k++)
      apart = Math.max(apart, Math.abs(f64.cellspice.x[k] - f32.cellspice.x[k]));
    expect(apart).toBeGreaterThan(0);
    expect(apart).toBeLessThan(1e-5);
    expect(Math.abs(f32.overall.maxAbs - f64.overall.maxAbs)).toBeLessThanOrEqual(apart);
  }, 300_000);
});
