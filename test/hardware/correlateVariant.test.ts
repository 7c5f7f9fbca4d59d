import { afterEach, describe, expect, it } from "vitest";
import { correlateAdd3x3Scalar } from "../../src/cells/correlate.js";
import type { Template } from "../../src/cells/template.js";
import { fmaAvailable, useFma } from "../../src/core/fusedMultiplyAdd.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { correlateAddVariant3x3, variantCorrelator } from "../../src/hardware/correlateVariant.js";
import { circuitEngine, idealProfile, mapLayer, withProfile } from "../../src/hardware/index.js";
import { useKernel } from "../../src/kernels/choice.js";
import { sameBits64 } from "../support/arrays.js";
import { crop, fixture, goldenInput } from "./support.js";

/**
 * The space-variant 3×3 correlation on WebAssembly SIMD (packed per-cell coefficients, float64 or
 * float32 storage) against its scalar reference. Tolerance: none — the SIMD kernels add in the
 * reference's order with separate multiplies and adds, so every output is compared as raw 64-bit
 * patterns.
 */

afterEach(() => useKernel(undefined));

interface Case {
  programmed: Template;
  coeffs: Float64Array;
  padded: Float64Array;
  out0: Float64Array;
  rows: number;
  cols: number;
}

/**
 * A programmed template with `density` of its taps non-zero (so the sparse, tap-by-tap kernels
 * occur too), and per-cell coefficients a·(1 + 0.05·ε), rounded to float32 when `single`.
 */
function randomCase(
  seed: number,
  O: number,
  C: number,
  rows: number,
  cols: number,
  density: number,
  single: boolean,
): Case {
  const rand = seededRandom(seed);
  const data = uniformArray(O * C * 9, -1, 1, rand);
  for (let k = 0; k < data.length; k++) if (rand() >= density) data[k] = 0;
  const plane = rows * cols;
  const coeffs = new Float64Array(O * C * plane * 9);
  for (let oc = 0; oc < O * C; oc++)
    for (let p = 0; p < plane; p++)
      for (let m = 0; m < 9; m++) {
        const v = data[oc * 9 + m] * (1 + 0.05 * (2 * rand() - 1));
        coeffs[(oc * plane + p) * 9 + m] = single ? Math.fround(v) : v;
      }
  return {
    programmed: { outChannels: O, inChannels: C, size: 3, data },
    coeffs,
    padded: uniformArray(C * (rows + 2) * (cols + 2), -2, 2, rand),
    out0: uniformArray(O * plane, -1, 1, rand),
    rows,
    cols,
  };
}

const SHAPES: ReadonlyArray<readonly [number, number, number, number]> = [
  // O, C, rows, cols: channel counts 1, 3, 16, 33; odd, even and single columns and rows
  [1, 1, 1, 1],
  [3, 1, 5, 2],
  [1, 3, 4, 7],
  [16, 16, 6, 6],
  [16, 3, 7, 5],
  [33, 16, 3, 4],
  [4, 33, 5, 1],
  [5, 4, 9, 11],
];

describe("variantCorrelator (WebAssembly SIMD) against correlateAddVariant3x3", () => {
  let seed = 1;
  for (const [O, C, rows, cols] of SHAPES)
    for (const density of [1, 0.3, 0.05])
      for (const single of [false, true])
        it(`${O}×${C} on ${rows}×${cols}, density ${density}, ${single ? "float32" : "float64"} coefficients: same bits`, () => {
          const k = randomCase(seed++, O, C, rows, cols, density, single);
          const ref = Float64Array.from(k.out0);
          correlateAddVariant3x3(k.programmed, k.coeffs, k.padded, 1, rows, cols, ref);
          const v = variantCorrelator(k.programmed, k.coeffs, 1, rows, cols);
          expect(v.kind).toBe("wasm");
          const got = Float64Array.from(k.out0);
          v.correlateAdd(k.padded, got);
          expect(sameBits64(got, ref)).toBe(true);
          // Called again on the same correlator (its memory reused): the same bits again.
          const again = Float64Array.from(k.out0);
          v.correlateAdd(k.padded, again);
          expect(sameBits64(again, ref)).toBe(true);
        });

  it("streams float32 coefficients when every one is a float32 value: about half the bytes", () => {
    const f64 = randomCase(50, 16, 16, 8, 8, 1, false);
    const f32 = randomCase(50, 16, 16, 8, 8, 1, true);
    const a = variantCorrelator(f64.programmed, f64.coeffs, 1, 8, 8);
    const b = variantCorrelator(f32.programmed, f32.coeffs, 1, 8, 8);
    const coefficientBytes = 16 * 16 * 64 * 9 * 8;
    expect(a.bytes).toBeGreaterThan(coefficientBytes);
    expect(b.bytes).toBeLessThan(0.6 * a.bytes);
  });

  it("with every cell holding the programmed template it equals the shared kernel (correlateAdd3x3)", () => {
    const k = randomCase(60, 6, 5, 7, 9, 0.5, false);
    const plane = 7 * 9;
    const uniform = new Float64Array(k.coeffs.length);
    for (let oc = 0; oc < 30; oc++)
      for (let p = 0; p < plane; p++)
        for (let m = 0; m < 9; m++)
          uniform[(oc * plane + p) * 9 + m] = k.programmed.data[oc * 9 + m];
    const ref = Float64Array.from(k.out0);
    correlateAdd3x3Scalar(k.programmed, k.padded, 1, 7, 9, ref);
    const got = Float64Array.from(k.out0);
    variantCorrelator(k.programmed, uniform, 1, 7, 9).correlateAdd(k.padded, got);
    expect(sameBits64(got, ref)).toBe(true);
  });

  it("adds into the first O·H·W values of a longer target (an M-CellNN's dx/dt, dw/dt) and leaves the rest", () => {
    const k = randomCase(70, 4, 4, 5, 5, 1, true);
    const n = 4 * 25;
    const target = new Float64Array(2 * n).fill(0.25);
    variantCorrelator(k.programmed, k.coeffs, 1, 5, 5).correlateAdd(k.padded, target);
    const ref = new Float64Array(n).fill(0.25);
    correlateAddVariant3x3(k.programmed, k.coeffs, k.padded, 1, 5, 5, ref);
    expect(sameBits64(target.subarray(0, n), ref)).toBe(true);
    expect(Array.from(target.subarray(n)).every((v) => v === 0.25)).toBe(true);
  });

  it("CELLSPICE_KERNEL=scalar: the scalar reference, same bits", () => {
    useKernel("scalar");
    const k = randomCase(80, 5, 3, 6, 7, 0.5, true);
    const v = variantCorrelator(k.programmed, k.coeffs, 1, 6, 7);
    expect(v.kind).toBe("scalar");
    expect(v.bytes).toBe(0);
    const ref = Float64Array.from(k.out0);
    correlateAddVariant3x3(k.programmed, k.coeffs, k.padded, 1, 6, 7, ref);
    const got = Float64Array.from(k.out0);
    v.correlateAdd(k.padded, got);
    expect(sameBits64(got, ref)).toBe(true);
  });
});

describe("a mismatched fixture layer on the circuit engine", () => {
  const unet = fixture("cellnn");
  const layer = unet.cellLayers[1];
  const profile = withProfile(idealProfile(), { "mismatch.sigma": 0.02, "quantisation.bits": 6 });

  it("realises its per-cell coefficients as float32 values", () => {
    const m = mapLayer(layer, profile, 3, 4, 5);
    expect(m.A.every((v) => Math.fround(v) === v)).toBe(true);
    expect(m.B.every((v) => Math.fround(v) === v)).toBe(true);
    expect(m.A.some((v, k) => v !== 0 && v !== m.A[(k + 9) % m.A.length])).toBe(true);
  });

  it("gives the same bits on the SIMD and on the scalar kernels", () => {
    const g = goldenInput(unet, layer);
    const { u, shape } = crop(g.u, g.shape, 8, 8, 5, 6);
    const run = (kernel: "wasm" | "scalar") => {
      useKernel(kernel);
      return circuitEngine(profile, { mismatchSeed: 3, rtol: 1e-5, atol: 1e-7 }).run(
        layer,
        u,
        shape,
        { keepStates: true },
      );
    };
    const simd = run("wasm");
    const scalar = run("scalar");
    expect(sameBits64(simd.x!, scalar.x!)).toBe(true);
    expect(sameBits64(simd.y, scalar.y)).toBe(true);
  });
});

describe("variantCorrelator, float32 (f32x4) against the float64 reference", () => {
  let seed = 200;
  // Both forms of the float32 module: separate multiplies and adds, and fused multiply-add.
  const forms = fmaAvailable() ? [false, true] : [false];
  for (const fused of forms)
    for (const [O, C, rows, cols] of SHAPES)
      for (const density of [1, 0.05])
        it(`${O}×${C} on ${rows}×${cols}, density ${density}${fused ? ", fused multiply-add" : ""}: within float32 rounding of Σ|K·P|`, () => {
          const k = randomCase(seed++, O, C, rows, cols, density, true);
          const ref = Float64Array.from(k.out0);
          correlateAddVariant3x3(k.programmed, k.coeffs, k.padded, 1, rows, cols, ref);
          useFma(fused);
          const v = variantCorrelator(k.programmed, k.coeffs, 1, rows, cols, undefined, "float32");
          useFma(undefined);
          const got = Float64Array.from(k.out0);
          v.correlateAdd(k.padded, got);
          // The bound: Σ|K·P| per output (the field rounded to float32, 9·C float32 partial sums).
          const magnitude = new Float64Array(k.out0.length);
          const absCoeffs = k.coeffs.map(Math.abs);
          correlateAddVariant3x3(
            k.programmed,
            absCoeffs,
            k.padded.map(Math.abs),
            1,
            rows,
            cols,
            magnitude,
          );
          let worst = 0;
          for (let m = 0; m < got.length; m++) {
            const bound = (9 * C + 2) * 2 ** -24 * magnitude[m];
            worst = Math.max(worst, Math.abs(got[m] - ref[m]) / (bound + 1e-300));
          }
          expect(worst).toBeLessThanOrEqual(1);
          // float32 arithmetic, not the float64 bits (unless nothing was summed).
          if (magnitude.some((x) => x > 0)) expect(sameBits64(got, ref)).toBe(false);
        });

  it("refuses float32 under CELLSPICE_KERNEL=scalar, naming precision", () => {
    useKernel("scalar");
    const k = randomCase(300, 2, 2, 3, 3, 1, true);
    expect(() => variantCorrelator(k.programmed, k.coeffs, 1, 3, 3, undefined, "float32")).toThrow(
      /precision/,
    );
  });
});
