import { describe, expect, it } from "vitest";
import { circuitEngine, runMapped, sharedCircuit } from "../../src/hardware/circuitEngine.js";
import { mapLayer } from "../../src/hardware/mappedLayer.js";
import { idealProfile, withProfile } from "../../src/hardware/profile.js";
import { crop, fixture, goldenInput, sameBits } from "./support.js";

/**
 * A circuit that is the same in every cell (quantised templates, a read-out time, converters, the
 * standard output stage) is computed by the `cell` engine with the programmed templates
 * (sharedCircuit / runShared) instead of the per-cell mapped path: in float64 the same bits as
 * the mapped path, in float32 within float32's rounding of it.
 */
const shared: [string, Record<string, unknown>][] = [
  ["6 bits, nearest", { "quantisation.bits": 6 }],
  [
    "5 bits, stochastic rounding",
    { "quantisation.bits": 5, "quantisation.rounding": "stochastic" },
  ],
  ["T_hw = 0.5", { "settling.T_hw": 0.5 }],
  ["7-bit DAC, 9-bit ADC", { "dac.bits": 7, "adc.bits": 9 }],
  ["standard output, 6 bits", { "output.function": "standard", "quantisation.bits": 6 }],
];

function setting(which: "cellnn" | "mcellnn") {
  const unet = fixture(which);
  const layer = unet.cellLayers[1];
  const g = goldenInput(unet, layer);
  const { u, shape } = crop(g.u, g.shape, 6, 7, 3, 4);
  return { layer, u, shape };
}

describe("shared circuits on the cell engine", () => {
  for (const which of ["cellnn", "mcellnn"] as const)
    for (const [label, point] of shared)
      it(`${which}, ${label}: the mapped path's bits in float64, within float32 rounding in float32`, () => {
        const { layer, u, shape } = setting(which);
        const profile = withProfile(idealProfile(), point);
        const m = mapLayer(layer, profile, 3, shape.rows, shape.cols);
        expect(sharedCircuit(profile, m)).toBe(true);
        const solver = { rtol: 1e-6, atol: 1e-8 };
        const viaCell = circuitEngine(profile, { mismatchSeed: 3, ...solver }).run(layer, u, shape);
        const mapped = runMapped(m, profile, u, shape, {}, solver);
        expect(sameBits(viaCell.y, mapped.y)).toBe(true);
        // The point changes the layer (a comparison of two ideal layers would pass too).
        const ideal = circuitEngine(idealProfile(), solver).run(layer, u, shape);
        expect(sameBits(viaCell.y, ideal.y)).toBe(false);
        const f32 = { ...solver, precision: "float32" as const };
        const cell32 = circuitEngine(profile, { mismatchSeed: 3, ...f32 }).run(layer, u, shape);
        const mapped32 = runMapped(m, profile, u, shape, {}, f32);
        let largest = 0;
        for (let i = 0; i < cell32.y.length; i++)
          largest = Math.max(largest, Math.abs(cell32.y[i] - mapped32.y[i]));
        expect(largest).toBeLessThan(1e-4);
      });

  it("per-cell values, varied or rescaled memristors and noise keep the mapped path", () => {
    const { layer, shape } = setting("cellnn");
    const { layer: mLayer } = setting("mcellnn");
    for (const point of [
      { "mismatch.sigma": 0.01 },
      { "offset.sigma": 0.01 },
      { "stuck.fraction": 0.1 },
      { "output.saturation": 0.8 },
      { "thermal.temperature": 300 },
    ]) {
      const profile = withProfile(idealProfile(), point);
      expect(sharedCircuit(profile, mapLayer(layer, profile, 1, shape.rows, shape.cols))).toBe(
        false,
      );
    }
    for (const point of [
      { "memristor.sigma": { G_m: 0.1 } },
      { "memristor.w0_sigma": 0.01 },
      { "scales.memristive": "profile" },
    ]) {
      const profile = withProfile(idealProfile(), { "quantisation.bits": 6, ...point });
      expect(sharedCircuit(profile, mapLayer(mLayer, profile, 1, shape.rows, shape.cols))).toBe(
        false,
      );
    }
  });
});
