import { describe, expect, it } from "vitest";
import {
  cosimMapped,
  cosimMappedTiles,
  idealProfile,
  mapLayer,
  mappedNetlist,
  withProfile,
} from "../../src/hardware/index.js";
import { renderNetlist } from "../../src/spice/netlist/model.js";
import { crop, fixture, goldenInput } from "./support.js";

/**
 * A quantised, mismatched tile of a trained layer — all 32 channels of up1.block1 on a 2×3 crop
 * of its golden input, every cell with its own transconductances and offset — simulated by
 * ngspice from its per-instance netlist and by cellspice, compared at the co-simulation
 * tolerances; a deliberately wrong per-instance value fails, naming its cell.
 */
describe("mapped netlist against ngspice", () => {
  const unet = fixture("cellnn");
  const layer = unet.cellLayers[3];
  const g = goldenInput(unet, layer);
  const { u } = crop(g.u, g.shape, 2, 3, 5, 6);
  const profile = withProfile(idealProfile(), {
    "quantisation.bits": 6,
    "mismatch.sigma": 0.02,
    "offset.sigma": 0.01,
  });
  const m = mapLayer(layer, profile, 17, 2, 3);

  it("mappedNetlist writes each cell's own transconductances", () => {
    const text = renderNetlist(mappedNetlist(m, u).netlist);
    // Cell (0,1,1) reads y_0_0_0 through its own A[0][0][0] tap (top-left), scaled by 1/R.
    const a = m.A[(0 * 9 + 4) * 9 + 0] / m.scales.R;
    const line = text.split("\n").find((l) => l.startsWith("gx_0_1_1_y_0_0_0 "));
    expect(line).toBeDefined();
    expect(Number(line!.split(" ").at(-1))).toBeCloseTo(a, 15);
    // Another cell's transconductor for the same tap differs (mismatch is per cell).
    const other = text.split("\n").find((l) => l.startsWith("gx_0_1_2_y_0_0_1 "));
    expect(other!.split(" ").at(-1)).not.toBe(line!.split(" ").at(-1));
  });

  it("passes co-simulation at the usual tolerances", async () => {
    const r = await cosimMapped(m, u);
    expect(r.verdict.failingCells).toEqual([]);
    expect(r.verdict.pass).toBe(true);
    expect(r.overall.maxAbs).toBeLessThan(1e-4);
  }, 120_000);

  it("a wrong per-instance value fails, naming its cell", async () => {
    const r = await cosimMapped(m, u, {
      editNetlist: (n) => {
        const e = n.elements.find((x) => x.name === "ix_7_1_2");
        if (e?.kind !== "I") throw new Error("no bias source of cell (7, 1, 2)");
        e.dc += (0.05 * m.scales.Vs) / m.scales.R; // its offset current off by 5 % of the bias unit
      },
    });
    expect(r.verdict.pass).toBe(false);
    expect(r.failing[0]).toMatchObject({ channel: 7, row: 1, col: 2 });
  }, 120_000);

  it("tile by tile: each tile's ring follows the mapped solution; a wrong value fails in its tile only", async () => {
    const r = await cosimMappedTiles(m, u, {
      tile: { rows: 1, cols: 3 },
      jobs: 2,
      editNetlist: (region, n) => {
        if (region.row0 !== 1) return;
        const elements = n.elements;
        n.elements = {
          *[Symbol.iterator]() {
            for (const e of elements)
              yield e.kind === "I" && e.name === "ix_7_1_2"
                ? { ...e, dc: e.dc + (0.05 * m.scales.Vs) / m.scales.R }
                : e;
          },
        };
      },
    });
    expect(r.tiles.map((t) => [t.name, t.pass])).toEqual([
      ["r0c0", true],
      ["r1c0", false],
    ]);
    expect(r.tiles[0].maxAbs).toBeLessThan(1e-4);
    expect(r.tiles[1].failing[0]).toMatchObject({ channel: 7, row: 1, col: 2 });
    expect(r.verdict.pass).toBe(false);
    expect(r.failing[0]).toMatchObject({ channel: 7, row: 1, col: 2 });
  }, 120_000);
});
