import { describe, expect, it } from "vitest";
import { correlateAdd3x3Scalar } from "../../src/cells/correlate.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { correlateAdd3x3F32 } from "../../src/kernels/correlate3x3F32.js";
import { newTaps3x3F32 } from "../../src/kernels/taps3x3Simd.js";
import { kernelRegionsF32 } from "../../src/kernels/workspace.js";
import { fmaVariants } from "./fmaVariants.js";

/**
 * The float32 kernels (f32x4) against the scalar float64 reference run on the same
 * float32-rounded operands, as compiled with separate multiplies and adds and with fused
 * multiply-add. Tolerance: the classic bound of a float32 sum of n products,
 * |Δ| ≤ γ_n · (Σ|a·p| + |out₀|) with γ_n = n·u/(1 − n·u), u = 2⁻²⁴ and n = 9·C_in + 2 (products,
 * additions and the final rounding); values past each output row and plane must stay untouched.
 */
describe.each(fmaVariants(newTaps3x3F32))("correlateAdd3x3F32 (%s)", (_form, simd) => {
  const u = 2 ** -24;

  it("validates where Node has WebAssembly SIMD", () => {
    expect(simd).not.toBeNull();
  });

  const rand = seededRandom(32);
  const cases: [number, number, number, number][] = [];
  for (const cIn of [1, 3, 16, 33])
    for (const cOut of [1, 3, 4, 9])
      cases.push([cOut, cIn, 1 + Math.floor(rand() * 6), 1 + Math.floor(rand() * 11)]);
  cases.push([16, 16, 14, 14], [32, 16, 7, 7], [5, 2, 3, 1], [4, 4, 28, 28]);

  it("is within the float32 summation bound of the float64 reference on random shapes (every tail of 0–3 columns)", () => {
    const tails = new Set<number>();
    for (const [cOut, cIn, rows, cols] of cases) {
      tails.add(cols % 4);
      const pc = cols + 2;
      const planeIn = (rows + 2) * pc;
      const coef = Float32Array.from(uniformArray(cOut * cIn * 9, -1, 1, rand));
      const padded = Float32Array.from(uniformArray(cIn * planeIn, -1, 1, rand));
      const out0 = Float32Array.from(uniformArray(cOut * rows * cols, -1, 1, rand));
      const guard = 1234.5;
      const [c32, p32, o32] = kernelRegionsF32(simd!.memory, [
        coef.length,
        padded.length,
        out0.length + 8,
      ]);
      c32.set(coef);
      p32.set(padded);
      o32.fill(guard);
      o32.set(out0);
      correlateAdd3x3F32(simd!, cOut, cIn, c32, p32, rows, cols, o32);
      const t = { outChannels: cOut, inChannels: cIn, size: 3, data: Float64Array.from(coef) };
      const ref = Float64Array.from(out0);
      correlateAdd3x3Scalar(t, Float64Array.from(padded), 1, rows, cols, ref);
      // Σ|a·p| per output cell.
      const abs = Float64Array.from(out0, Math.abs);
      correlateAdd3x3Scalar(
        { ...t, data: t.data.map(Math.abs) },
        Float64Array.from(padded, Math.abs),
        1,
        rows,
        cols,
        abs,
      );
      const n = 9 * cIn + 2;
      const gamma = (n * u) / (1 - n * u);
      for (let q = 0; q < ref.length; q++)
        expect(
          Math.abs(o32[q] - ref[q]),
          `${cOut}×${cIn} ${rows}×${cols} @${q}`,
        ).toBeLessThanOrEqual(gamma * abs[q]);
      expect(Array.from(o32.subarray(out0.length))).toEqual(new Array(8).fill(guard));
      // Not vacuous: the float32 result differs from its input.
      expect(o32.subarray(0, out0.length).some((v, q) => v !== out0[q])).toBe(true);
    }
    expect([...tails].sort()).toEqual([0, 1, 2, 3]);
  });
});
