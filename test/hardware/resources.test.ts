import { describe, expect, it } from "vitest";
import { ACE16K, hardwareResources, idealProfile, withProfile } from "../../src/hardware/index.js";
import { syntheticLayer } from "./support.js";

describe("hardwareResources", () => {
  // 2 → 3 channels on 4×5 cells; A has 7 non-zero taps, B 5, z 2 of 3 non-zero.
  const A = new Float64Array(3 * 3 * 9);
  [0, 4, 13, 40, 41, 60, 80].forEach((k) => {
    A[k] = 0.5;
  });
  const B = new Float64Array(3 * 2 * 9);
  [1, 9, 20, 33, 53].forEach((k) => {
    B[k] = -0.25;
  });
  const z = Float64Array.of(0.1, 0, -0.2);
  const layer = { ...syntheticLayer("l", 2, 3, A, B, z) };
  const spec = { ...layer.spec, height: 4, width: 5 };
  const profile = withProfile(idealProfile(), { "settling.T_hw": 2 });

  it("hardwareResources counts cells, transconductors and energy from the profile's assumptions", () => {
    const r = hardwareResources([{ ...layer, spec }], profile, {
      imageSize: 28,
      nFeat: 3,
      forwardsPerImage: 10,
    });
    const l = r.layers[0];
    const cells = 3 * 20;
    expect(l.cells).toBe(cells);
    expect(l.transconductors).toBe((7 + 5 + 2) * 20);
    const { tau, V_s, R } = profile.scales;
    const e = profile.energy;
    expect(l.capacitance).toBe(tau / R);
    expect(l.settlingTime).toBe(2 * tau);
    expect(l.staticEnergy).toBeCloseTo(
      l.transconductors * e.transconductor_bias * e.supply * 2 * tau,
      20,
    );
    expect(l.dynamicEnergy).toBeCloseTo(
      cells * (tau / R) * V_s * V_s + 2 * 20 * e.dac_energy + cells * e.adc_energy,
      20,
    );
    expect(l.ops).toBe(2 * (7 + 5) * 20);
    expect(r.totals.settlingPerImage).toBeCloseTo(10 * 2 * tau, 18);
    expect(r.totals.pJPerOp).toBeCloseTo(((l.staticEnergy + l.dynamicEnergy) / l.ops) * 1e12, 9);
    expect(l.mismatchBytes).toBe((12 * 9 * (3 + 2) + 8) * cells);
    expect(ACE16K.pJPerOp).toBeCloseTo(12.12, 2);
  });

  it("hardwareResources leaves digital layers out and counts quantised-away taps as absent", () => {
    const digital = withProfile(profile, { "layers.analog": [] });
    expect(
      hardwareResources([{ ...layer, spec }], digital, {
        imageSize: 28,
        nFeat: 3,
        forwardsPerImage: 1,
      }).layers,
    ).toEqual([]);
    const tiny = Float64Array.from(A, (v, k) => (k === 0 ? 0.001 : v));
    const q = withProfile(profile, { "quantisation.bits": 4 });
    const r = hardwareResources([{ ...layer, A: tiny, spec }], q, {
      imageSize: 28,
      nFeat: 3,
      forwardsPerImage: 1,
    });
    expect(r.layers[0].transconductors).toBe((6 + 5 + 2) * 20);
  });
});
