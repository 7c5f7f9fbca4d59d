import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import { ValidationError } from "../../src/core/errors.js";
import { circuitEngine } from "../../src/hardware/circuitEngine.js";
import { mapLayer } from "../../src/hardware/mappedLayer.js";
import { createMappedLockstepSystem, createMappedSystem } from "../../src/hardware/mappedSystem.js";
import { weightedRms } from "../../src/solvers/dopri5.js";
import { crop, fixture, goldenInput, sameBits, severalNonIdealities } from "./support.js";

/**
 * Lockstep solves of a mapped layer (the circuit engine's `lockstep`): several inputs in one
 * DOPRI5 solve whose right-hand side runs each step of the space-variant correlation once for
 * all of them. Each block's derivative must be its own system's bits; the solve must meet each
 * input's tolerance (its error norm is the largest block's), so its results lie within the
 * tolerance of the inputs' own solves.
 */
const profile = severalNonIdealities();

function setting(which: "cellnn" | "mcellnn", inputs: number) {
  const unet = fixture(which);
  const layer = unet.cellLayers[1];
  const g = goldenInput(unet, layer);
  const { u, shape } = crop(g.u, g.shape, 6, 7, 3, 4);
  const per = shape.channels * shape.rows * shape.cols;
  // Distinct inputs: the golden crop scaled and shifted (a batch of different images).
  const us = Array.from({ length: inputs }, (_, q) =>
    Float64Array.from(u.subarray(0, per), (v, i) => v * (1 - 0.2 * q) + 0.05 * q * Math.sin(i)),
  );
  return { layer, shape, us, per };
}

describe("weightedRms over error blocks", () => {
  it("is the largest block's RMS (a closed form), and one block is the plain RMS", () => {
    const v = Float64Array.of(3, 4, 0, 0, 1, 1);
    const one = new Float64Array(6);
    // atol 1, rtol 0: plain RMS of v.
    expect(weightedRms(v, one, one, 0, 1)).toBeCloseTo(Math.sqrt(27 / 6), 14);
    // three blocks of two: RMS 3.536, 0, 1 → the largest.
    expect(weightedRms(v, one, one, 0, 1, 3)).toBeCloseTo(Math.sqrt(25 / 2), 14);
    expect(weightedRms(Float64Array.of(0, Number.NaN), one, one, 0, 1, 2)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe("lockstep mapped systems", () => {
  for (const which of ["cellnn", "mcellnn"] as const)
    for (const precision of ["float64", "float32"] as const)
      it(`${which}, ${precision}: each block's derivative is its own system's bits`, () => {
        const { layer, shape, us } = setting(which, 3);
        const mapped = mapLayer(layer, profile, 3, shape.rows, shape.cols);
        const lock = createMappedLockstepSystem(mapped, us, precision, 4);
        expect(lock).not.toBeNull();
        const work = lock!.workVectors!(15, lock!.dim)!;
        expect(work).not.toBeNull();
        const [state, dsdt] = work.vectors;
        const random = randomStream(7, "lockstep state");
        for (let i = 0; i < state.length; i++) state[i] = 1.5 * random.normal(i);
        if (mapped.memristor)
          for (let q = 0; q < 3; q++)
            for (let k = 0; k < lock!.blockDim / 2; k++)
              state[q * lock!.blockDim + lock!.blockDim / 2 + k] = random.uniform(q * 100000 + k);
        lock!.rhs(0, state, dsdt);
        const together = Float64Array.from(dsdt);
        for (let q = 0; q < 3; q++) {
          const alone = createMappedSystem(mapped, us[q], precision, 4);
          const d = alone.dim;
          const own = new Float64Array(d);
          alone.rhs(0, state.slice(q * d, (q + 1) * d), own);
          expect(sameBits(together.subarray(q * d, (q + 1) * d), own)).toBe(true);
        }
        // The inputs differ, so the blocks do (a lockstep system ignoring all but one would fail).
        expect(
          sameBits(
            together.subarray(0, 10),
            together.subarray(lock!.blockDim, lock!.blockDim + 10),
          ),
        ).toBe(false);
      });

  it("returns null where it has no slots for that many inputs", () => {
    const { layer, shape, us } = setting("cellnn", 3);
    const mapped = mapLayer(layer, profile, 3, shape.rows, shape.cols);
    expect(createMappedLockstepSystem(mapped, us, "float64", 2)).toBeNull();
  });
});

describe("circuit engine with lockstep", () => {
  for (const which of ["cellnn", "mcellnn"] as const)
    it(`${which}: a batch of 5 in groups of 3 is as accurate as the inputs' own solves`, () => {
      const { layer, shape, us, per } = setting(which, 5);
      const u = new Float64Array(5 * per);
      for (let q = 0; q < 5; q++) u.set(us[q], q * per);
      const batch = { ...shape, batch: 5 };
      const engine = (rtol: number, lockstep = 1) =>
        circuitEngine(profile, { mismatchSeed: 3, rtol, atol: rtol / 100, lockstep });
      const states = (rtol: number, lockstep = 1) =>
        engine(rtol, lockstep).run(layer, u, batch, { keepStates: true }).x!;
      const reference = states(1e-10);
      const alone = states(1e-6);
      const grouped = states(1e-6, 3);
      const n = reference.length / 5;
      const errors = (x: Float64Array) =>
        Array.from({ length: 5 }, (_, q) => {
          let e = 0;
          for (let i = q * n; i < (q + 1) * n; i++) e = Math.max(e, Math.abs(x[i] - reference[i]));
          return e;
        });
      const eAlone = errors(alone);
      const eGrouped = errors(grouped);
      // Each group's steps are at most what its hardest input needs alone: its error is no larger
      // than the inputs' own solves' (up to the error estimate's noise).
      expect(Math.max(...eGrouped)).toBeLessThan(2 * Math.max(...eAlone));
      // The solves moved the state (a comparison of zeros would pass too) and the lockstep path ran
      // (not the inputs' own solves' bits).
      expect(reference.some((v) => Math.abs(v) > 0.1)).toBe(true);
      expect(sameBits(alone, grouped)).toBe(false);
      expect(engine(1e-6, 3).describe()).toMatchObject({ lockstep: 3 });
    });

  it("rejects a lockstep that is not a positive integer, naming the option", () => {
    for (const lockstep of [0, 1.5, 17])
      expect(() => circuitEngine(profile, { lockstep })).toThrow(ValidationError);
    expect(() => circuitEngine(profile, { lockstep: 0 })).toThrow(/lockstep/);
  });
});
