import { afterEach, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/core/random.js";
import { activeKernel, useKernel } from "../../src/kernels/choice.js";
import { taps3x3Simd } from "../../src/kernels/taps3x3Simd.js";
import {
  batchNorm2dEval,
  batchNorm2dEvalInPlace,
  type ConvShape,
  type ConvTransposeShape,
  conv2d,
  conv2dScalar,
  conv3x3Simd,
  convTranspose2dInto,
  convTranspose2dReference,
  geluInPlace,
  geluScalar,
  maxPool2d,
  maxPool2dReference,
  tensor4,
} from "../../src/nn/index.js";
import { padPlanes } from "../../src/nn/pad.js";

/**
 * Every fast path of src/nn against the plain reference it replaces, on random shapes: the same
 * bits wherever the order of operations is kept (all of them here), so the comparisons are
 * exact (Object.is: −0 and NaN included).
 */
const random = seededRandom(20261201);
const rand = (count: number) => Float64Array.from({ length: count }, () => random() * 2 - 1);

function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  let first = -1;
  for (let q = 0; q < actual.length && first < 0; q++)
    if (!Object.is(actual[q], expected[q])) first = q;
  expect(first, first < 0 ? "" : `index ${first}: ${actual[first]} ≠ ${expected[first]}`).toBe(-1);
}

const hasSimd = taps3x3Simd() !== null;

afterEach(() => useKernel(undefined));

describe("conv3x3Simd equals the scalar 3×3 path bit for bit", () => {
  const shapes: ConvShape[] = [];
  for (const c of [1, 3, 16, 33])
    for (const [n, h, w, p] of [
      [1, 5, 7, 1],
      [5, 13, 9, 1],
      [1, 6, 3, 0],
      [5, 4, 11, 2],
    ])
      shapes.push({ n, cIn: c, h, w, cOut: c === 33 ? 17 : 4 + (c % 3), k: 3, p });
  shapes.push({ n: 2, cIn: 16, h: 28, w: 28, cOut: 16, k: 3, p: 1 });
  shapes.push({ n: 3, cIn: 33, h: 7, w: 7, cOut: 33, k: 3, p: 1 });
  for (const s of shapes) {
    it.skipIf(!hasSimd)(
      `conv3x3Simd N${s.n} ${s.cIn}→${s.cOut} ${s.h}×${s.w} pad ${s.p}, with and without bias`,
      () => {
        const oh = s.h + 2 * s.p - 2;
        const ow = s.w + 2 * s.p - 2;
        const x = rand(s.n * s.cIn * s.h * s.w);
        const weight = rand(s.cOut * s.cIn * 9);
        for (const bias of [rand(s.cOut), undefined]) {
          const fast = new Float64Array(s.n * s.cOut * oh * ow).fill(Number.NaN);
          const plain = new Float64Array(fast.length);
          conv3x3Simd(x, weight, bias, s, fast);
          conv2dScalar(x, weight, bias, s, plain);
          expectSameBits(fast, plain);
        }
      },
    );
  }

  it("conv2d takes the SIMD path under CELLSPICE_KERNEL=wasm|auto and the scalar one under scalar, same bits", () => {
    const x = tensor4(5, 3, 9, 8, rand(5 * 3 * 72));
    const weight = rand(7 * 3 * 9);
    const bias = rand(7);
    const results = (["scalar", ...(hasSimd ? (["wasm"] as const) : [])] as const).map((kind) => {
      useKernel(kind);
      expect(activeKernel()).toBe(kind);
      return conv2d(x, weight, bias, { cOut: 7, k: 3, padding: 1 }).data;
    });
    for (const r of results) expectSameBits(r, results[0]);
  });

  it("conv2d with a one-column output (no column pair for the SIMD kernels) falls back and agrees", () => {
    const x = tensor4(2, 3, 6, 3, rand(2 * 3 * 18));
    const weight = rand(2 * 3 * 9);
    const y = conv2d(x, weight, undefined, { cOut: 2, k: 3 });
    expect([y.h, y.w]).toEqual([4, 1]);
    const plain = new Float64Array(y.data.length);
    conv2dScalar(
      x.data,
      weight,
      undefined,
      { n: 2, cIn: 3, h: 6, w: 3, cOut: 2, k: 3, p: 0 },
      plain,
    );
    expectSameBits(y.data, plain);
  });
});

describe("convTranspose2dInto equals convTranspose2dReference bit for bit", () => {
  const shapes: ConvTransposeShape[] = [
    { n: 1, cIn: 1, h: 5, w: 7, cOut: 1, k: 2 },
    { n: 5, cIn: 3, h: 3, w: 5, cOut: 16, k: 2 },
    { n: 1, cIn: 16, h: 7, w: 7, cOut: 3, k: 2 },
    { n: 5, cIn: 33, h: 1, w: 1, cOut: 16, k: 7 },
    { n: 2, cIn: 64, h: 7, w: 7, cOut: 16, k: 2 },
    { n: 3, cIn: 3, h: 4, w: 3, cOut: 33, k: 3 },
    { n: 2, cIn: 16, h: 5, w: 5, cOut: 3, k: 1 },
    // k = 2 row lengths for the f64x2 kernel's blocks: 2 and 4 pixels, a pair, a lone pixel
    { n: 2, cIn: 2, h: 2, w: 2, cOut: 3, k: 2 },
    { n: 1, cIn: 5, h: 3, w: 4, cOut: 2, k: 2 },
    { n: 3, cIn: 32, h: 14, w: 14, cOut: 16, k: 2 },
    { n: 1, cIn: 1, h: 1, w: 6, cOut: 1, k: 2 },
    { n: 2, cIn: 4, h: 2, w: 1, cOut: 5, k: 2 },
    { n: 1, cIn: 3, h: 2, w: 3, cOut: 4, k: 2 },
  ];
  for (const kernel of ["scalar", ...(hasSimd ? (["wasm"] as const) : [])] as const)
    for (const s of shapes)
      it(`${kernel}: convTranspose2dInto N${s.n} ${s.cIn}→${s.cOut} ${s.h}×${s.w} k ${s.k}, with and without bias`, () => {
        useKernel(kernel);
        const x = rand(s.n * s.cIn * s.h * s.w);
        const weight = rand(s.cIn * s.cOut * s.k * s.k);
        // ±0, ±∞ and NaN in the input: kept where the reference keeps them
        if (x.length > 4) x.set([-0, Number.POSITIVE_INFINITY, Number.NaN, 1e300], x.length - 4);
        for (const bias of [rand(s.cOut), undefined]) {
          const size = s.n * s.cOut * s.h * s.k * s.w * s.k;
          const fast = new Float64Array(size).fill(Number.NaN);
          const plain = new Float64Array(size);
          convTranspose2dInto(x, weight, bias, s, fast);
          convTranspose2dReference(x, weight, bias, s, plain);
          expectSameBits(fast, plain);
        }
      });
});

describe("geluInPlace equals geluScalar bit for bit", () => {
  it("geluInPlace on N(0, 3²) values, the Taylor centres (±k/16·√2 and their neighbours) and the specials", () => {
    const values: number[] = [];
    for (let q = 0; q < 20000; q++) {
      const u = random() || 1e-300;
      values.push(3 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()));
    }
    for (let k = 0; k <= 100; k++) {
      const centre = (k / 16) * Math.SQRT2;
      for (const v of [centre, centre * (1 + 2 ** -52), centre * (1 - 2 ** -52)])
        values.push(v, -v);
    }
    values.push(0, -0, 1e-310, -1e-310, 6 * Math.SQRT2, -6 * Math.SQRT2, 40, -40, 1e300, -1e300);
    values.push(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    const data = Float64Array.from(values);
    geluInPlace(data);
    expectSameBits(data, Float64Array.from(values, geluScalar));
  });
});

describe("maxPool2d equals maxPool2dReference bit for bit", () => {
  for (const [n, c, h, w, k] of [
    [1, 1, 5, 7, 2],
    [5, 3, 28, 28, 2],
    [1, 16, 13, 13, 2],
    [5, 33, 9, 10, 3],
    [1, 3, 7, 7, 7],
    [2, 3, 4, 5, 1],
  ])
    it(`maxPool2d N${n} C${c} ${h}×${w} k ${k}, with NaN, ±0 and −∞ in the windows`, () => {
      const data = rand(n * c * h * w);
      for (let q = 0; q < data.length; q += 7) data[q] = [Number.NaN, -0, 0, -Infinity][q % 4];
      const x = tensor4(n, c, h, w, data);
      expectSameBits(maxPool2d(x, k).data, maxPool2dReference(x, k).data);
    });
});

describe("batchNorm2dEvalInPlace and padPlanes", () => {
  it("batchNorm2dEvalInPlace(x) leaves in x exactly what batchNorm2dEval(x) returns", () => {
    const x = tensor4(5, 3, 7, 9, rand(5 * 3 * 63));
    const params = {
      weight: rand(3),
      bias: rand(3),
      runningMean: rand(3),
      runningVar: Float64Array.from(rand(3), (v) => v * v + 0.1),
    };
    const y = batchNorm2dEval(x, params);
    batchNorm2dEvalInPlace(x, params);
    expectSameBits(x.data, y.data);
  });

  for (const p of [0, 1, 2])
    it(`padPlanes with p = ${p} at an offset: every value moved, a border of zeros, nothing else written`, () => {
      const [count, h, w] = [3, 5, 4];
      const x = rand(2 * count * h * w);
      const hp = h + 2 * p;
      const wp = w + 2 * p;
      const out = new Float64Array(2 + count * hp * wp + 2).fill(Number.NaN);
      padPlanes(x, count * h * w, count, h, w, p, out, 2);
      for (let c = 0; c < count; c++)
        for (let i = 0; i < hp; i++)
          for (let j = 0; j < wp; j++) {
            const inside = i >= p && i < h + p && j >= p && j < w + p;
            const expected = inside ? x[count * h * w + (c * h + i - p) * w + j - p] : 0;
            expect(out[2 + (c * hp + i) * wp + j]).toBe(expected);
          }
      expect([out[0], out[1], out[out.length - 2], out[out.length - 1]]).toEqual([
        Number.NaN,
        Number.NaN,
        Number.NaN,
        Number.NaN,
      ]);
    });
});
