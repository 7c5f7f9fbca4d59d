import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/random.js";
import {
  avgPool2d,
  batchNorm2dEval,
  concatChannels,
  conv2d,
  convTranspose2d,
  embedFC,
  groupNorm,
  linear,
  maxPool2d,
  relu,
  reluInPlace,
  tensor4,
} from "../../src/nn/index.js";
import { expectAllClose } from "../support/assert.js";

const random = seededRandom(7);
const rand = (count: number) => Float64Array.from({ length: count }, () => random() * 2 - 1);

describe("conv2d closed forms", () => {
  it("conv2d with a 1×1 kernel is channel mixing: y[o] = Σ_c W[o,c]·x[c] + b[o]", () => {
    const x = tensor4(2, 3, 5, 7, rand(2 * 3 * 35));
    const w = rand(4 * 3);
    const b = rand(4);
    const y = conv2d(x, w, b, { cOut: 4, k: 1 });
    expect([y.n, y.c, y.h, y.w]).toEqual([2, 4, 5, 7]);
    for (let n = 0; n < 2; n++)
      for (let o = 0; o < 4; o++)
        for (let p = 0; p < 35; p++) {
          let s = b[o];
          for (let c = 0; c < 3; c++) s += w[o * 3 + c] * x.data[(n * 3 + c) * 35 + p];
          expect(y.data[(n * 4 + o) * 35 + p]).toBeCloseTo(s, 14);
        }
  });

  for (const k of [3, 5]) {
    it(`conv2d with a centred identity ${k}×${k} kernel and padding ${(k - 1) / 2} returns x`, () => {
      const C = 3;
      const x = tensor4(2, C, 5, 7, rand(2 * C * 35));
      const w = new Float64Array(C * C * k * k);
      const centre = ((k - 1) / 2) * k + (k - 1) / 2;
      for (let c = 0; c < C; c++) w[(c * C + c) * k * k + centre] = 1;
      const y = conv2d(x, w, undefined, { cOut: C, k, padding: (k - 1) / 2 });
      expect(Array.from(y.data)).toEqual(Array.from(x.data));
    });
  }

  it("conv2d of ones with a ones 3×3 kernel counts the taps inside the image (zero padding)", () => {
    const x = tensor4(1, 1, 4, 5, new Float64Array(20).fill(1));
    const y = conv2d(x, new Float64Array(9).fill(1), undefined, { cOut: 1, k: 3, padding: 1 });
    expect(Array.from(y.data)).toEqual([
      4, 6, 6, 6, 4, 6, 9, 9, 9, 6, 6, 9, 9, 9, 6, 4, 6, 6, 6, 4,
    ]);
    const y2 = conv2d(x, new Float64Array(9).fill(1), undefined, { cOut: 1, k: 3, padding: 2 });
    expect([y2.h, y2.w]).toEqual([6, 7]);
    expect(y2.data[0]).toBe(1); // only the corner pixel under the window
  });

  it("conv2d with a shifted one-hot kernel shifts the image (cross-correlation, not convolution)", () => {
    const x = tensor4(1, 1, 3, 3, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const w = new Float64Array(9);
    w[5] = 1; // tap (u, v) = (1, 2): y[i, j] = x[i, j + 1]
    const y = conv2d(x, w, undefined, { cOut: 1, k: 3, padding: 1 });
    expect(Array.from(y.data)).toEqual([2, 3, 0, 5, 6, 0, 8, 9, 0]);
  });
});

describe("convTranspose2d closed forms", () => {
  it("convTranspose2d with a ones kernel and identity channels is nearest-neighbour upsampling", () => {
    const C = 2;
    const k = 3;
    const x = tensor4(2, C, 2, 3, rand(2 * C * 6));
    const w = new Float64Array(C * C * k * k);
    for (let c = 0; c < C; c++) w.fill(1, (c * C + c) * k * k, (c * C + c + 1) * k * k);
    const y = convTranspose2d(x, w, Float64Array.from([0.5, -0.5]), { cOut: C, k });
    expect([y.h, y.w]).toEqual([6, 9]);
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < C; c++)
        for (let i = 0; i < 6; i++)
          for (let j = 0; j < 9; j++)
            expect(y.data[((n * C + c) * 6 + i) * 9 + j]).toBe(
              x.data[((n * C + c) * 2 + Math.floor(i / k)) * 3 + Math.floor(j / k)] +
                (c === 0 ? 0.5 : -0.5),
            );
  });

  it("convTranspose2d from a 1×1 input paints the kernel (up0: 1×1 → k×k)", () => {
    const x = tensor4(1, 1, 1, 1, Float64Array.from([2]));
    const w = rand(2 * 49); // C_in = 1, C_out = 2, 7×7
    const y = convTranspose2d(x, w, undefined, { cOut: 2, k: 7 });
    expect(Array.from(y.data)).toEqual(Array.from(w, (v) => 2 * v));
  });
});

describe("normalisation closed forms", () => {
  it("batchNorm2dEval with μ = 0, σ² = 1 − ε, γ = 1, β = 0 is the identity; γ, β scale and shift", () => {
    const C = 4;
    const x = tensor4(2, C, 3, 5, rand(2 * C * 15));
    const eps = 1e-5;
    const same = batchNorm2dEval(x, {
      weight: new Float64Array(C).fill(1),
      bias: new Float64Array(C),
      runningMean: new Float64Array(C),
      runningVar: new Float64Array(C).fill(1 - eps),
    });
    expectAllClose(same.data, x.data, 1e-15, "identity");
    const y = batchNorm2dEval(x, {
      weight: new Float64Array(C).fill(2),
      bias: new Float64Array(C).fill(3),
      runningMean: new Float64Array(C).fill(1),
      runningVar: new Float64Array(C).fill(4),
      eps: 0,
    });
    expectAllClose(
      y.data,
      Array.from(x.data, (v) => ((v - 1) / 2) * 2 + 3),
      1e-15,
      "affine",
    );
  });

  for (const [C, G] of [
    [16, 8],
    [32, 8],
    [6, 3],
  ]) {
    it(`groupNorm(${G}) of ${C} channels without affine: each group has mean 0 and variance σ²/(σ² + ε)`, () => {
      const n = 2;
      const plane = 5 * 7;
      const x = tensor4(
        n,
        C,
        5,
        7,
        Float64Array.from(rand(n * C * plane), (v) => 3 * v + 1),
      );
      const eps = 1e-5;
      const y = groupNorm(x, G, undefined, undefined, eps);
      const size = (C / G) * plane;
      for (let b = 0; b < n; b++)
        for (let g = 0; g < G; g++) {
          const at = (b * C + g * (C / G)) * plane;
          const xs = x.data.subarray(at, at + size);
          const ys = y.data.subarray(at, at + size);
          const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
          const variance = (a: Float64Array, m: number) =>
            a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length;
          const s2 = variance(xs, mean(xs));
          expect(Math.abs(mean(ys))).toBeLessThan(1e-14);
          expect(variance(ys, mean(ys))).toBeCloseTo(s2 / (s2 + eps), 13);
        }
    });
  }

  it("groupNorm's γ and β act per channel after the group's normalisation", () => {
    const x = tensor4(1, 4, 2, 2, rand(16));
    const plain = groupNorm(x, 2, undefined, undefined);
    const gamma = Float64Array.from([1, 2, 3, 4]);
    const beta = Float64Array.from([0, 1, 0, -1]);
    const y = groupNorm(x, 2, gamma, beta);
    for (let q = 0; q < 16; q++) {
      const c = Math.floor(q / 4);
      expect(y.data[q]).toBeCloseTo(plain.data[q] * gamma[c] + beta[c], 14);
    }
  });
});

describe("pooling, ReLU, linear, concat, embedFC closed forms", () => {
  it("maxPool2d(2) of an odd-sized ramp drops the last row and column (floor, as PyTorch)", () => {
    const x = tensor4(
      1,
      1,
      5,
      7,
      Float64Array.from({ length: 35 }, (_, q) => q),
    );
    const y = maxPool2d(x, 2);
    expect([y.h, y.w]).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual([8, 10, 12, 22, 24, 26]);
  });

  it("maxPool2d propagates NaN and handles −∞", () => {
    const x = tensor4(
      1,
      1,
      2,
      4,
      Float64Array.from([1, Number.NaN, -Infinity, -Infinity, 0, 2, -Infinity, -Infinity]),
    );
    const y = maxPool2d(x, 2);
    expect(y.data[0]).toBeNaN();
    expect(y.data[1]).toBe(Number.NEGATIVE_INFINITY);
  });

  it("avgPool2d(k) of a 7×7 map is its mean; of a constant, the constant", () => {
    const x = tensor4(2, 3, 7, 7, rand(2 * 3 * 49));
    const y = avgPool2d(x, 7);
    expect([y.h, y.w]).toEqual([1, 1]);
    for (let p = 0; p < 6; p++) {
      const m = x.data.subarray(p * 49, (p + 1) * 49).reduce((s, v) => s + v, 0) / 49;
      expect(y.data[p]).toBeCloseTo(m, 15);
    }
    const c = avgPool2d(tensor4(1, 1, 8, 9, new Float64Array(72).fill(0.25)), 4);
    expect(Array.from(c.data)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it("relu zeroes negatives only; reluInPlace works in place", () => {
    const a = Float64Array.from([-2, -0.5, 0, 0.5, 2]);
    expect(Array.from(relu(a))).toEqual([0, 0, 0, 0.5, 2]);
    expect(a[0]).toBe(-2);
    reluInPlace(a);
    expect(Array.from(a)).toEqual([0, 0, 0, 0.5, 2]);
  });

  it("linear(x, I, b) = x + b and linear by hand on a 2×3 · 3×2 product", () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const eye = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(
      Array.from(linear(x, eye, Float64Array.from([1, 1, 1]), { n: 2, in: 3, out: 3 })),
    ).toEqual([2, 3, 4, 5, 6, 7]);
    const w = Float64Array.from([1, 0, -1, 2, 1, 0]); // rows (1, 0, −1), (2, 1, 0)
    expect(Array.from(linear(x, w, undefined, { n: 2, in: 3, out: 2 }))).toEqual([-2, 4, -2, 13]);
  });

  it("concatChannels puts a's channels before b's in every batch element", () => {
    const a = tensor4(2, 1, 1, 2, Float64Array.from([1, 2, 3, 4]));
    const b = tensor4(2, 2, 1, 2, Float64Array.from([5, 6, 7, 8, 9, 10, 11, 12]));
    const y = concatChannels(a, b);
    expect(y.c).toBe(3);
    expect(Array.from(y.data)).toEqual([1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]);
  });

  it("embedFC with W₂ = 0 returns b₂ for every row; with W₀ = 0 it is W₂·GELU(b₀) + b₂", () => {
    const e = 3;
    const b0 = Float64Array.from([1, -1, 0.5]);
    const b2 = Float64Array.from([0.1, 0.2, 0.3]);
    const w2 = rand(e * e);
    const x = rand(4 * 2); // n = 4, d = 2
    const zero = embedFC(x, { w0: rand(e * 2), b0, w2: new Float64Array(e * e), b2 });
    expect(Array.from(zero)).toEqual([...b2, ...b2, ...b2, ...b2]);
    const g = [0.8413447460685429, -0.15865525393145705, 0.34573123063700656]; // GELU(b₀) by mpmath
    const y = embedFC(x, { w0: new Float64Array(e * 2), b0, w2, b2 });
    for (let r = 0; r < 4; r++)
      for (let o = 0; o < e; o++)
        expect(y[r * e + o]).toBeCloseTo(
          b2[o] + w2[o * e] * g[0] + w2[o * e + 1] * g[1] + w2[o * e + 2] * g[2],
          14,
        );
  });
});
