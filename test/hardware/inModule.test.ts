import { describe, expect, it } from "vitest";
import { mapLayer } from "../../src/hardware/mappedLayer.js";
import { createMappedSystem } from "../../src/hardware/mappedSystem.js";
import { solve } from "../../src/solvers/solve.js";
import type { OdeSystem } from "../../src/solvers/types.js";
import { crop, fixture, goldenInput, sameBits, severalNonIdealities } from "./support.js";

/**
 * A mapped layer's solve in its correlator's memory (the solver's vectors handed out by
 * workVectors, the output pass and the space-variant correlation in place) against the same
 * system solved on plain arrays (rhs copying its operands in and out): the same bits, with
 * mismatch, offsets, quantisation and stuck cells on, on a CellNN and an M-CellNN layer.
 */
const profile = severalNonIdealities();

describe("mapped system in its correlator's memory", () => {
  for (const which of ["cellnn", "mcellnn"] as const)
    for (const precision of ["float64", "float32"] as const)
      it(`${which}, ${precision}: the bits of the same system on plain arrays`, () => {
        const unet = fixture(which);
        const layer = unet.cellLayers[1];
        const g = goldenInput(unet, layer);
        const { u, shape } = crop(g.u, g.shape, 6, 7, 3, 4);
        const mapped = mapLayer(layer, profile, 3, shape.rows, shape.cols);
        const per = shape.channels * shape.rows * shape.cols;
        const system = createMappedSystem(mapped, u.subarray(0, per), precision);
        expect(system.workVectors).toBeDefined();
        const plain: OdeSystem = { dim: system.dim, rhs: (t, s, d) => system.rhs(t, s, d) };
        const options = {
          method: "dopri5" as const,
          t0: 0,
          t1: mapped.T_hw,
          y0: system.initialState(),
          tEval: [0.3, mapped.T_hw],
          rtol: 1e-6,
          atol: 1e-8,
        };
        const inMemory = solve(system, options);
        const onPlainArrays = solve(plain, options);
        expect(inMemory.stats).toEqual(onPlainArrays.stats);
        expect(sameBits(inMemory.y, onPlainArrays.y)).toBe(true);
        // The layer moved and some cells are stuck (a trivial solve would pass too).
        expect(inMemory.y.some((v) => Math.abs(v) > 1e-2)).toBe(true);
        expect(mapped.stuck?.some((s) => s)).toBe(true);
      });
});
