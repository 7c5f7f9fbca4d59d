import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import { MAX_PER_CLASS, seededNoise, suppliedNoise } from "../../src/diffusion/index.js";

const P = 12;
const run = (classes: number[], perClass: number) =>
  classes.flatMap((cls) => Array.from({ length: perClass }, (_, index) => ({ cls, index })));

describe("seededNoise(seed, samples, P)", () => {
  it("seededNoise gives a sample the same x_T and z whatever the batching and the other samples", () => {
    const big = seededNoise(9, run([0, 3, 5], 4), P); // sample (3, 1) is at position 5
    const small = seededNoise(9, run([3], 2), P); // ... and at position 1 here
    const whole = big.x_T(0, 12);
    const alone = small.x_T(1, 1);
    expect(Array.from(alone)).toEqual(Array.from(whole.subarray(5 * P, 6 * P)));
    const batched = [big.x_T(0, 5), big.x_T(5, 7)];
    expect([...batched[0], ...batched[1]]).toEqual(Array.from(whole));
    const z = big.ancestral(4, 3).z(17);
    expect(Array.from(z.subarray(P, 2 * P))).toEqual(Array.from(small.ancestral(1, 1).z(17)));
  });

  it("seededNoise follows its documented formula: element (c·2^20 + j)·P + p of the named streams, in float32", () => {
    const noise = seededNoise(42, run([7], 3), P);
    const s = 7 * MAX_PER_CLASS + 2;
    expect(noise.x_T(2, 1)[5]).toBe(Math.fround(randomStream(42, "x_T").normal(s * P + 5)));
    expect(noise.ancestral(2, 1).z(399)[11]).toBe(
      Math.fround(randomStream(42, "z", 399).normal(s * P + 11)),
    );
    expect(noise.x_T(0, 1)[0]).not.toBe(seededNoise(43, run([7], 1), P).x_T(0, 1)[0]);
    expect(noise.ancestral(0, 1).z(2)[0]).not.toBe(noise.ancestral(0, 1).z(3)[0]);
  });

  it("seededNoise draws standard normals, independent across samples", () => {
    const noise = seededNoise(1, run([0, 1], 500), 784);
    const x = noise.x_T(0, 1000);
    let mean = 0;
    let square = 0;
    let cross = 0; // correlation of sample k with sample k + 500 (another class, same j)
    for (let i = 0; i < x.length; i++) {
      mean += x[i] / x.length;
      square += (x[i] * x[i]) / x.length;
    }
    const half = x.length / 2;
    for (let i = 0; i < half; i++) cross += (x[i] * x[i + half]) / half;
    const se = 1 / Math.sqrt(x.length);
    expect(Math.abs(mean)).toBeLessThan(5 * se);
    expect(Math.abs(square - 1)).toBeLessThan(5 * Math.SQRT2 * se);
    expect(Math.abs(cross)).toBeLessThan(5 / Math.sqrt(half));
  });
});

describe("suppliedNoise(tensors, shape, zSteps)", () => {
  const shape = { batch: 2, channels: 1, rows: 2, cols: 3 };
  const tensor = (shape: number[], dtype = "F32") => ({
    dtype,
    shape,
    data: Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i),
  });

  it("suppliedNoise slices x_T by sample and z by step (row i is t = steps − i)", () => {
    const noise = suppliedNoise(
      { x_T: tensor([2, 1, 2, 3]), z: tensor([4, 2, 1, 2, 3]) },
      shape,
      4,
    );
    expect(Array.from(noise.x_T(1, 1))).toEqual([6, 7, 8, 9, 10, 11]);
    expect(Array.from(noise.ancestral(0, 2).z(4))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(noise.ancestral(1, 1).z(2))).toEqual([30, 31, 32, 33, 34, 35]);
    expect(() => noise.ancestral(0, 1).z(5)).toThrow(/t = 5/);
  });

  it("suppliedNoise refuses a missing tensor, a wrong shape and a wrong dtype, naming the tensor", () => {
    expect(() => suppliedNoise({}, shape)).toThrow(/^x_T: is missing/);
    expect(() => suppliedNoise({ x_T: tensor([3, 1, 2, 3]) }, shape)).toThrow(
      /^x_T: has shape \[3,1,2,3\]; valid: \[2,1,2,3\]/,
    );
    expect(() => suppliedNoise({ x_T: tensor([2, 1, 2, 3], "F64") }, shape)).toThrow(
      /^x_T: has dtype F64; valid: F32/,
    );
    expect(() => suppliedNoise({ x_T: tensor([2, 1, 2, 3]) }, shape, 4)).toThrow(/^z: is missing/);
    expect(() =>
      suppliedNoise({ x_T: tensor([2, 1, 2, 3]), z: tensor([3, 2, 1, 2, 3]) }, shape, 4),
    ).toThrow(/^z: has shape \[3,2,1,2,3\]; valid: \[4,2,1,2,3\]/);
  });
});
