import { describe, expect, it } from "vitest";
import { circuitEngine, idealProfile, withProfile } from "../../src/hardware/index.js";
import { cellEngine } from "../../src/unet/index.js";
import { crop, fixture, goldenInput, sameBits } from "./support.js";

/**
 * All off = the cell engine, bit for bit, on every layer of both cellular fixtures: the ideal
 * profile dispatches to the cell engine, and the mapped (space-variant) path with σ = 0 — forced
 * by a read-out time T_hw equal to the trained T — adds in the same order and gives the same bits.
 */
for (const which of ["cellnn", "mcellnn"] as const) {
  describe(`circuitEngine on the ${which} fixture with every non-ideality off`, () => {
    const unet = fixture(which);
    const cell = cellEngine();
    const ideal = circuitEngine(idealProfile(), { mismatchSeed: 1 });
    const mapped = circuitEngine(
      withProfile(idealProfile(), { "settling.T_hw": 1, "mismatch.sigma": 0 }),
      {
        mismatchSeed: 1,
      },
    );
    for (const layer of unet.cellLayers) {
      it(`${layer.spec.name}: ideal profile and σ = 0 mapped path equal the cell engine bit for bit`, () => {
        expect(layer.spec.cell.T).toBe(1);
        const g = goldenInput(unet, layer);
        // Crops of the golden input keep the default run fast (the continuous M-CellNN cell takes
        // a minute per 16×28×28 layer) and still hold every kind of cell (corner, edge, interior).
        const { u, shape } =
          which === "mcellnn" ? crop(g.u, g.shape, 5, 5, 4, 5) : crop(g.u, g.shape, 10, 10, 2, 3);
        const ref = cell.run(layer, u, shape, { keepStates: true });
        const a = ideal.run(layer, u, shape, { keepStates: true });
        const b = mapped.run(layer, u, shape, { keepStates: true });
        expect(sameBits(a.y, ref.y)).toBe(true);
        expect(sameBits(b.y, ref.y)).toBe(true);
        expect(sameBits(b.x!, ref.x!)).toBe(true);
        if (ref.w) expect(sameBits(b.w!, ref.w)).toBe(true);
      });
    }
  });
}
