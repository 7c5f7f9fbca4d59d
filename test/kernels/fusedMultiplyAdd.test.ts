import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import {
  activeFma,
  fmaAvailable,
  fmaChoice,
  fusedOnThisCpu,
  useFma,
} from "../../src/core/fusedMultiplyAdd.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { correlateAdd3x3F32 } from "../../src/kernels/correlate3x3F32.js";
import { newTaps3x3F32 } from "../../src/kernels/taps3x3Simd.js";
import { kernelRegionsF32 } from "../../src/kernels/workspace.js";
import { fmaVariants } from "./fmaVariants.js";

/**
 * Fused multiply-add in the float32 kernels (src/core/fusedMultiplyAdd.ts): the choice read from
 * CELLSPICE_FMA, the probe that says whether relaxed_madd rounds once, and that the fused module
 * really is another computation (its bits differ from the plain one's where the CPU fuses, each
 * within the float32 bound of test/kernels/taps3x3F32.test.ts and winograd3x3F32.test.ts).
 */
describe("fused multiply-add in the float32 kernels", () => {
  afterEach(() => useFma(undefined));

  it("CELLSPICE_FMA: off, on, auto; anything else names the field and what is valid", () => {
    expect(fmaChoice("off")).toBe(false);
    expect(fmaChoice("auto")).toBe(fmaAvailable());
    expect(fmaChoice("")).toBe(fmaAvailable());
    if (fmaAvailable()) expect(fmaChoice("on")).toBe(true);
    else expect(() => fmaChoice("on")).toThrow(/relaxed SIMD/);
    try {
      fmaChoice("yes");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe("CELLSPICE_FMA");
      expect((e as Error).message).toMatch(/auto \| on \| off/);
    }
  });

  it("useFma sets the choice for kernels made afterwards; undefined reads the environment again", () => {
    useFma(false);
    expect(activeFma()).toBe(false);
    useFma(undefined);
    expect(activeFma()).toBe(fmaChoice());
  });

  it("Node 20 and later: relaxed SIMD is available (V8's flag set where it is not on by default)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    if (major >= 20) expect(fmaAvailable()).toBe(true);
  });

  it("the probe: (1 + 2⁻²³)(1 − 2⁻²³) − 1 is −2⁻⁴⁶ when fused; x86-64 with FMA3 fuses", () => {
    const fused = fusedOnThisCpu();
    if (!fmaAvailable()) {
      expect(fused).toBeNull();
      return;
    }
    expect(typeof fused).toBe("boolean");
    const cpu = process.arch === "x64" && hasFma3();
    if (cpu) expect(fused).toBe(true);
  });

  it("the fused taps differ from the plain ones in their last bits where the CPU fuses", () => {
    const variants = fmaVariants(newTaps3x3F32);
    if (variants.length < 2 || fusedOnThisCpu() !== true) return;
    const rand = seededRandom(7);
    const [cOut, cIn, rows, cols] = [8, 16, 12, 12];
    const coef = Float32Array.from(uniformArray(cOut * cIn * 9, -1, 1, rand));
    const padded = Float32Array.from(uniformArray(cIn * (rows + 2) * (cols + 2), -1, 1, rand));
    const results = variants.map(([, simd]) => {
      const [c32, p32, o32] = kernelRegionsF32(simd!.memory, [
        coef.length,
        padded.length,
        cOut * rows * cols,
      ]);
      c32.set(coef);
      p32.set(padded);
      o32.fill(0);
      correlateAdd3x3F32(simd!, cOut, cIn, c32, p32, rows, cols, o32);
      return Float32Array.from(o32);
    });
    let differ = 0;
    for (let m = 0; m < results[0].length; m++) if (results[0][m] !== results[1][m]) differ++;
    // One rounding fewer per product: most of the 1,152 sums change in their last bits.
    expect(differ).toBeGreaterThan(results[0].length / 4);
  });
});

/** Whether /proc/cpuinfo lists fma (Linux); false elsewhere. */
function hasFma3(): boolean {
  try {
    return /\bfma\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return false;
  }
}
