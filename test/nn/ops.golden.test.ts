import { describe, expect, it } from "vitest";
import {
  avgPool2d,
  batchNorm2dEval,
  concatChannels,
  conv2d,
  convTranspose2d,
  embedFC,
  gelu,
  groupNorm,
  linear,
  maxPool2d,
  relu,
  type Tensor4,
  tensor4,
} from "../../src/nn/index.js";
import { expectRelClose, type GoldenCase, loadGolden } from "./golden.js";

/** Every op against PyTorch's float64 output (training/nn_golden.py), to 1e-12 relative. */
const RTOL = 1e-12;
const golden = loadGolden();

function input(name: string): Tensor4 {
  const t = golden.tensor(name);
  expect(t.shape.length, `${name} rank`).toBe(4);
  const [n, c, h, w] = t.shape as [number, number, number, number];
  return tensor4(n, c, h, w, t.data);
}

/** Runs a case's op on its inputs; returns the output and its shape. */
function run(k: GoldenCase): { data: Float64Array; shape: number[] } {
  const o = k.options as Record<string, number>;
  const at = (role: string) => `${k.name}.${role}`;
  const p = (role: string) => golden.tensor(at(role)).data;
  const opt = (role: string) => golden.optional(at(role));
  const t4 = (y: Tensor4) => ({ data: y.data, shape: [y.n, y.c, y.h, y.w] });
  switch (k.op) {
    case "conv2d":
      return t4(
        conv2d(input(at("x")), p("weight"), opt("bias"), {
          cOut: o.cOut,
          k: o.k,
          padding: o.padding,
        }),
      );
    case "convTranspose2d":
      return t4(
        convTranspose2d(input(at("x")), p("weight"), opt("bias"), { cOut: o.cOut, k: o.k }),
      );
    case "batchNorm2dEval":
      return t4(
        batchNorm2dEval(input(at("x")), {
          weight: p("weight"),
          bias: p("bias"),
          runningMean: p("running_mean"),
          runningVar: p("running_var"),
          eps: o.eps,
        }),
      );
    case "groupNorm":
      return t4(groupNorm(input(at("x")), o.groups, opt("weight"), opt("bias")));
    case "relu":
      return t4(relu(input(at("x"))));
    case "gelu":
      return t4(gelu(input(at("x"))));
    case "maxPool2d":
      return t4(maxPool2d(input(at("x")), o.k));
    case "avgPool2d":
      return t4(avgPool2d(input(at("x")), o.k));
    case "linear":
      return {
        data: linear(p("x"), p("weight"), opt("bias"), { n: o.n, in: o.in, out: o.out }),
        shape: [o.n, o.out],
      };
    case "concatChannels":
      return t4(concatChannels(input(at("a")), input(at("b"))));
    case "embedFC":
      return {
        data: embedFC(p("x"), { w0: p("w0"), b0: p("b0"), w2: p("w2"), b2: p("b2") }),
        shape: [o.n, o.e],
      };
    default:
      throw new Error(`no TypeScript op for golden case ${k.name} (${k.op})`);
  }
}

describe("src/nn against PyTorch float64 (test/fixtures/nn/ops.safetensors)", () => {
  it("the golden file covers every op, odd sizes, k = 1, 2, 3, 5, 7, padding 0–2, batch 1 and 3", () => {
    const ops = new Set(golden.cases.map((k) => k.op));
    for (const op of [
      "conv2d",
      "convTranspose2d",
      "batchNorm2dEval",
      "groupNorm",
      "gelu",
      "relu",
      "maxPool2d",
      "avgPool2d",
      "linear",
      "concatChannels",
      "embedFC",
    ])
      expect(ops, op).toContain(op);
    const convs = golden.cases.filter((k) => k.op === "conv2d").map((k) => k.options);
    expect(new Set(convs.map((o) => o.k))).toEqual(new Set([1, 2, 3, 5]));
    expect(new Set(convs.map((o) => o.padding))).toEqual(new Set([0, 1, 2]));
    expect(golden.cases.some((k) => k.options.n === 3)).toBe(true);
    expect(golden.cases.some((k) => k.options.h === 5 && k.options.w === 7)).toBe(true);
    expect(golden.cases.some((k) => k.options.h === 13 && k.options.w === 13)).toBe(true);
  });

  for (const k of golden.cases) {
    it(`${k.op}: ${k.name} ${JSON.stringify(k.options)}`, () => {
      const y = golden.tensor(`${k.name}.y`);
      const got = run(k);
      expect(got.shape, `${k.name} output shape`).toEqual(y.shape);
      expectRelClose(got.data, y.data, RTOL, k.name);
    });
  }
});
