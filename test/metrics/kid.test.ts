import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/core/counterRandom.js";
import { kernelInceptionDistance, mmdUnbiased } from "../../src/metrics/index.js";
import { validationErrorOf as errorOf } from "../support/validationError.js";

function normals(n: number, d: number, seed: number, shift = 0): Float64Array {
  const g = randomStream(seed, "kid-test");
  const x = new Float64Array(n * d);
  for (let k = 0; k < x.length; k++) x[k] = g.normal(k) + shift;
  return x;
}

describe("mmdUnbiased", () => {
  it("mmdUnbiased(a, m, b, n, d) is the unbiased MMD² with (x·y/d + 1)³, written out term by term", () => {
    const d = 3;
    const a = normals(7, d, 1);
    const b = normals(5, d, 2, 0.5);
    const k = (x: Float64Array, i: number, y: Float64Array, j: number) => {
      let dot = 0;
      for (let q = 0; q < d; q++) dot += x[i * d + q] * y[j * d + q];
      return (dot / d + 1) ** 3;
    };
    let aa = 0;
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) if (i !== j) aa += k(a, i, a, j);
    let bb = 0;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j) bb += k(b, i, b, j);
    let ab = 0;
    for (let i = 0; i < 7; i++) for (let j = 0; j < 5; j++) ab += k(a, i, b, j);
    const expected = aa / 42 + bb / 20 - (2 * ab) / 35;
    expect(mmdUnbiased(a, 7, b, 5, d)).toBeCloseTo(expected, 12);
    expect(Math.abs(expected)).toBeGreaterThan(0.1);
  });
});

describe("kernelInceptionDistance", () => {
  const d = 4;

  it("kernelInceptionDistance with one subset of every vector is mmdUnbiased of the whole sets", () => {
    const a = normals(40, d, 3);
    const b = normals(40, d, 4, 0.3);
    const kid = kernelInceptionDistance(a, 40, b, 40, d, { subsetSize: 40, subsets: 1 });
    expect(kid.mean).toBeCloseTo(mmdUnbiased(a, 40, b, 40, d), 12);
    expect(kid.std).toBe(0);
  });

  it("kernelInceptionDistance depends only on the seed", () => {
    const a = normals(300, d, 5);
    const b = normals(200, d, 6);
    const options = { subsetSize: 50, subsets: 8, seed: 9 };
    const one = kernelInceptionDistance(a, 300, b, 200, d, options);
    const two = kernelInceptionDistance(a, 300, b, 200, d, options);
    expect(Array.from(two.values)).toEqual(Array.from(one.values));
    const other = kernelInceptionDistance(a, 300, b, 200, d, { ...options, seed: 10 });
    expect(other.values[0]).not.toBe(one.values[0]);
    expect([one.subsetSize, one.subsets, one.values.length]).toEqual([50, 8, 8]);
  });

  it("kernelInceptionDistance is near 0 for one distribution and clearly positive for a shifted one", () => {
    const a = normals(1000, d, 7);
    const same = kernelInceptionDistance(a, 1000, normals(1000, d, 8), 1000, d, {
      subsetSize: 200,
      subsets: 20,
    });
    const shifted = kernelInceptionDistance(a, 1000, normals(1000, d, 8, 1), 1000, d, {
      subsetSize: 200,
      subsets: 20,
    });
    expect(Math.abs(same.mean)).toBeLessThan(2 * same.std);
    expect(shifted.mean).toBeGreaterThan(5 * shifted.std);
  });

  it("kernelInceptionDistance rejects subset sizes and counts it cannot draw, and mismatched lengths", () => {
    const a = normals(10, d, 1);
    expect(errorOf(() => kernelInceptionDistance(a, 10, a, 10, d, { subsetSize: 11 })).field).toBe(
      "kid.subsetSize",
    );
    expect(errorOf(() => kernelInceptionDistance(a, 10, a, 10, d, { subsets: 0 })).field).toBe(
      "kid.subsets",
    );
    expect(errorOf(() => kernelInceptionDistance(a, 9, a, 10, d)).field).toBe("kid.a");
    expect(kernelInceptionDistance(a, 10, a, 10, d, { subsets: 1 }).subsetSize).toBe(10);
  });
});
