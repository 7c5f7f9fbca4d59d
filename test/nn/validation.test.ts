import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
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
  tensor4,
} from "../../src/nn/index.js";

/** Asserts that `f` throws a ValidationError naming `field` whose message contains `text`. */
function expectInvalid(f: () => unknown, field: string, text: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  const e = caught as ValidationError;
  expect(e.field).toBe(field);
  expect(e.message).toContain(text);
}

const x = tensor4(2, 3, 5, 7);
const ones = (n: number) => new Float64Array(n).fill(1);

describe("shape checks name the operation, the field and the expected shape", () => {
  it("tensor4 rejects non-positive sizes and data of the wrong length", () => {
    expectInvalid(() => tensor4(0, 1, 1, 1), "tensor4.n", "integer ≥ 1");
    expectInvalid(() => tensor4(1, 1.5, 1, 1), "tensor4.c", "1.5");
    expectInvalid(
      () => tensor4(1, 2, 3, 4, new Float64Array(23)),
      "tensor4.data",
      "exactly 24 values",
    );
  });

  it("conv2d: weight and bias lengths, kernel larger than the padded input, inconsistent x", () => {
    expectInvalid(
      () => conv2d(x, ones(4 * 3 * 9 - 1), undefined, { cOut: 4, k: 3, padding: 1 }),
      "conv2d.weight",
      "C_out×C_in×k×k = 4×3×3×3 = 108",
    );
    expectInvalid(
      () => conv2d(x, ones(108), ones(3), { cOut: 4, k: 3 }),
      "conv2d.bias",
      "C_out = 4",
    );
    expectInvalid(
      () => conv2d(x, ones(3 * 3 * 36), undefined, { cOut: 3, k: 6 }),
      "conv2d.k",
      "5×7",
    );
    expectInvalid(
      () => conv2d(x, ones(9), undefined, { cOut: 1, k: 3, padding: -1 }),
      "conv2d.padding",
      "≥ 0",
    );
    const broken = { ...x, c: 4 };
    expectInvalid(
      () => conv2d(broken, ones(9 * 4), undefined, { cOut: 1, k: 3 }),
      "conv2d.x",
      "2×4×5×7",
    );
  });

  it("convTranspose2d: the weight is C_in×C_out×k×k", () => {
    expectInvalid(
      () => convTranspose2d(x, ones(4 * 3 * 4), undefined, { cOut: 3, k: 2 }),
      "convTranspose2d.weight",
      "C_in×C_out×k×k = 3×3×2×2 = 36",
    );
    expectInvalid(
      () => convTranspose2d(x, ones(36), undefined, { cOut: 3, k: 0 }),
      "convTranspose2d.k",
      "≥ 1",
    );
  });

  it("batchNorm2dEval and groupNorm: per-channel parameters, groups dividing C, ε", () => {
    const p = { weight: ones(3), bias: ones(3), runningMean: ones(3), runningVar: ones(2) };
    expectInvalid(() => batchNorm2dEval(x, p), "batchNorm2dEval.runningVar", "C = 3");
    expectInvalid(
      () => batchNorm2dEval(x, { ...p, runningVar: ones(3), eps: -1 }),
      "batchNorm2dEval.eps",
      "≥ 0",
    );
    expectInvalid(
      () => groupNorm(x, 2, undefined, undefined),
      "groupNorm.groups",
      "2 groups of 3 channels",
    );
    expectInvalid(() => groupNorm(x, 3, ones(4), undefined), "groupNorm.weight", "C = 3");
  });

  it("pools: a window larger than the input", () => {
    expectInvalid(() => maxPool2d(x, 6), "maxPool2d.k", "5×7");
    expectInvalid(() => avgPool2d(x, 0), "avgPool2d.k", "≥ 1");
  });

  it("linear, concatChannels and embedFC", () => {
    expectInvalid(
      () => linear(ones(5), ones(6), undefined, { n: 2, in: 3, out: 2 }),
      "linear.x",
      "n×in = 2×3",
    );
    expectInvalid(
      () => linear(ones(6), ones(5), undefined, { n: 2, in: 3, out: 2 }),
      "linear.weight",
      "out×in = 2×3",
    );
    expectInvalid(() => concatChannels(x, tensor4(2, 1, 5, 6)), "concatChannels.b", "2×C×5×7");
    const params = { w0: ones(6), b0: ones(3), w2: ones(9), b2: ones(3) };
    expectInvalid(() => embedFC(ones(5), params), "embedFC.x", "d = 2");
    expectInvalid(() => embedFC(ones(4), { ...params, w0: ones(7) }), "embedFC.w0", "e×d");
    expectInvalid(() => embedFC(ones(4), { ...params, w2: ones(8) }), "embedFC.w2", "3×3 = 9");
  });
});
