import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { seededRandom } from "../../src/core/random.js";
import { useKernel } from "../../src/kernels/choice.js";
import { newTaps3x3F32 } from "../../src/kernels/taps3x3Simd.js";
import { conv2d, tensor4 } from "../../src/nn/index.js";

/**
 * conv2d's `precision: "float32"` against its float64 sums on random shapes: every output within
 * 2e-6 of Σ|W||x| + |bias| (float32 rounding of x, W, the sums and, for Winograd, its transforms;
 * the measured worst case is printed by the assertion message when it fails). Shapes cover
 * Winograd's (even output, C_out in fours), the direct f32x4 taps (odd sides, C_out 1 or 3),
 * paddings 0–2, single rows and columns, and k ≠ 3 (the scalar kernel on float32 copies).
 */
const random = seededRandom(20261202);
const rand = (count: number) => Float64Array.from({ length: count }, () => random() * 2 - 1);
const hasSimd = newTaps3x3F32() !== null;

afterEach(() => useKernel(undefined));

/** The worst |a − b| / (Σ|W||x| + |bias|) over every output of conv2d(x). */
function worstRelative(
  x: ReturnType<typeof tensor4>,
  weight: Float64Array,
  bias: Float64Array | undefined,
  options: { cOut: number; k: number; padding: number },
): number {
  const exact = conv2d(x, weight, bias, options);
  const f32 = conv2d(x, weight, bias, { ...options, precision: "float32" });
  const absX = tensor4(
    x.n,
    x.c,
    x.h,
    x.w,
    x.data.map((v) => Math.abs(v)),
  );
  const scale = conv2d(
    absX,
    weight.map((v) => Math.abs(v)),
    bias?.map((v) => Math.abs(v)),
    options,
  );
  expect([f32.n, f32.c, f32.h, f32.w]).toEqual([exact.n, exact.c, exact.h, exact.w]);
  let worst = 0;
  for (let q = 0; q < exact.data.length; q++) {
    expect(Number.isFinite(f32.data[q]), `output ${q}`).toBe(true);
    worst = Math.max(worst, Math.abs(f32.data[q] - exact.data[q]) / scale.data[q]);
  }
  return worst;
}

describe('conv2d precision "float32" agrees with float64 within float32 rounding', () => {
  const cases: [
    n: number,
    cIn: number,
    h: number,
    w: number,
    cOut: number,
    k: number,
    p: number,
  ][] = [
    [2, 16, 28, 28, 16, 3, 1], // the UNet's out.0 shape class: Winograd
    [3, 32, 28, 28, 16, 3, 1],
    [1, 16, 28, 28, 1, 3, 1], // out.3: C_out 1, the direct taps
    [2, 3, 7, 7, 4, 3, 1], // odd field: the direct taps
    [1, 33, 14, 15, 8, 3, 1],
    [2, 1, 6, 8, 12, 3, 0],
    [1, 5, 4, 6, 4, 3, 2],
    [2, 4, 1, 1, 4, 3, 1], // a 1×1 output field
    [1, 3, 9, 1, 3, 3, 1], // one column
    [2, 3, 9, 9, 5, 5, 2], // k = 5: the scalar kernel on float32 copies
    [1, 2, 6, 6, 3, 1, 0],
  ];
  for (const kernel of ["wasm", "scalar"] as const)
    for (const [n, cIn, h, w, cOut, k, p] of cases)
      it.skipIf(kernel === "wasm" && !hasSimd)(
        `${kernel}: N${n} ${cIn}→${cOut} ${h}×${w} k ${k} pad ${p}, with and without bias`,
        () => {
          useKernel(kernel);
          const x = tensor4(n, cIn, h, w, rand(n * cIn * h * w));
          const weight = rand(cOut * cIn * k * k);
          for (const bias of [rand(cOut), undefined]) {
            const worst = worstRelative(x, weight, bias, { cOut, k, padding: p });
            expect(worst, `worst relative error ${worst.toExponential(2)}`).toBeLessThan(2e-6);
            // float32 is not float64: a path that silently kept float64 would show 0 here
            expect(worst).toBeGreaterThan(0);
          }
        },
      );

  it("an unknown precision is an error naming the option", () => {
    const x = tensor4(1, 1, 3, 3, rand(9));
    expect(() =>
      conv2d(x, rand(9), undefined, {
        cOut: 1,
        k: 3,
        padding: 1,
        precision: "float16" as "float32",
      }),
    ).toThrow(ValidationError);
    expect(() =>
      conv2d(x, rand(9), undefined, { cOut: 1, k: 3, padding: 1, precision: "half" as "float32" }),
    ).toThrow(/conv2d\.precision/);
  });
});
