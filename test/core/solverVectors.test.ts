import { afterEach, describe, expect, it } from "vitest";
import { combineInto } from "../../src/core/combine.js";
import { seededRandom } from "../../src/core/random.js";
import {
  MAX_TERMS,
  SIMD_MIN_LENGTH,
  solverVectors,
  solverVectorsModule,
} from "../../src/core/solverVectors.js";
import { useKernel } from "../../src/kernels/choice.js";
import { solve } from "../../src/solvers/solve.js";
import type { OdeSystem } from "../../src/solvers/types.js";
import { SPECIAL_VALUES } from "../support/arrays.js";

/**
 * The stage sums in WebAssembly SIMD against combineInto, the TypeScript loop they replace: the
 * same bits (Object.is: ±0 and NaN count) for 1–6 terms, with and without a base, out = base,
 * even and odd lengths, special values among the operands; the fallback (terms outside 1–6,
 * arrays outside the instance's memory); and DOPRI5 on the SIMD vectors against DOPRI5 on plain
 * arrays (CELLSPICE_KERNEL=scalar), bit for bit.
 */

afterEach(() => useKernel(undefined));

// and a subnormal
const SPECIAL = [...SPECIAL_VALUES, 5e-324];

function fill(v: Float64Array, rand: () => number) {
  for (let i = 0; i < v.length; i++)
    v[i] = rand() < 0.15 ? SPECIAL[Math.floor(rand() * SPECIAL.length)] : 4 * (rand() - 0.5);
}

function sameBits(a: Float64Array, b: Float64Array) {
  expect(a.length).toBe(b.length);
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ++;
  expect(differ).toBe(0);
}

describe("the stage-sum functions themselves (no fallback in between)", () => {
  it("sum{N} and sum{N}z on the module's memory give combineInto's bits", () => {
    const compiled = new WebAssembly.Module(solverVectorsModule());
    const exports = new WebAssembly.Instance(compiled).exports;
    const memory = exports.memory as WebAssembly.Memory;
    const n = 77;
    memory.grow(1);
    const at = (v: number) => v * 8 * 80; // vectors 640 bytes apart (16-byte aligned)
    const view = (v: number) => new Float64Array(memory.buffer, at(v), n);
    const rand = seededRandom(21);
    for (let terms = 1; terms <= MAX_TERMS; terms++)
      for (const withBase of [true, false]) {
        for (let v = 0; v < 2 + terms; v++) fill(view(v), rand);
        const c = Array.from({ length: terms }, () => 3 * (rand() - 0.5));
        const ks = Array.from({ length: terms }, (_, j) => view(2 + j));
        const expected = new Float64Array(n);
        combineInto(expected, withBase ? view(1) : null, c, ks);
        const sum = exports[`sum${terms}${withBase ? "" : "z"}`] as (...a: number[]) => void;
        sum(at(0), at(1), n, ...ks.map((_, j) => at(2 + j)), ...c);
        sameBits(view(0), expected);
      }
  });
});

describe("solverVectors: the SIMD stage sums", () => {
  it("give combineInto's bits for 1–6 terms, with and without a base, out = base, any length", () => {
    useKernel("wasm");
    const rand = seededRandom(11);
    let simdCalls = 0;
    for (const n of [SIMD_MIN_LENGTH, SIMD_MIN_LENGTH + 1, 255, 1000, 12_545]) {
      const work = solverVectors(MAX_TERMS + 2, n);
      expect(work.kind).toBe("wasm");
      const [out, base, ...k] = work.vectors;
      for (let terms = 1; terms <= MAX_TERMS; terms++)
        for (const mode of ["base", "none", "in-place"] as const) {
          for (const v of work.vectors) fill(v, rand);
          const c = Array.from({ length: terms }, () => (rand() < 0.2 ? 0 : 3 * (rand() - 0.5)));
          const ks = k.slice(0, terms);
          const from = mode === "none" ? null : mode === "in-place" ? out : base;
          const expected = new Float64Array(n);
          if (from) expected.set(from);
          combineInto(
            expected,
            mode === "none" ? null : expected,
            c,
            ks.map((v) => Float64Array.from(v)),
          );
          work.combine(out, from, c, ks);
          sameBits(out, expected);
          simdCalls++;
        }
      work.release();
    }
    expect(simdCalls).toBe(5 * MAX_TERMS * 3);
  });

  it("falls back to combineInto for other term counts and for arrays outside its memory", () => {
    useKernel("wasm");
    const rand = seededRandom(12);
    const n = 101;
    const work = solverVectors(10, n);
    const [out, base, ...k] = work.vectors;
    for (const v of work.vectors) fill(v, rand);
    const outside = Float64Array.from(k[0]);
    for (const [c, ks, from] of [
      [[], [], base],
      [[0.5, 1, -2, 3, 0.25, 7, -1], k.slice(0, 7), base],
      [[0.5, -1], [outside, k[1]], base],
      [[0.5], [k[0]], Float64Array.from(base)],
    ] as [number[], Float64Array[], Float64Array][]) {
      const expected = new Float64Array(n);
      combineInto(expected, from, c, ks);
      work.combine(out, from, c, ks);
      sameBits(out, expected);
    }
    work.release();
  });

  it("hands out zeroed vectors, a distinct instance to a nested taker, and reuses a released one", () => {
    useKernel("wasm");
    const a = solverVectors(2, 500);
    a.vectors[0].fill(7);
    const b = solverVectors(2, 500);
    expect(b.vectors[0].buffer).not.toBe(a.vectors[0].buffer);
    a.release();
    const c = solverVectors(3, 800);
    expect(c.vectors.every((v) => v.every((x) => x === 0))).toBe(true);
    expect(c.vectors.map((v) => v.length)).toEqual([800, 800, 800]);
    b.release();
    c.release();
  });

  it("is plain arrays under CELLSPICE_KERNEL=scalar and for short vectors", () => {
    useKernel("scalar");
    expect(solverVectors(3, 5000).kind).toBe("scalar");
    useKernel("wasm");
    expect(solverVectors(3, SIMD_MIN_LENGTH - 1).kind).toBe("scalar");
  });
});

describe("DOPRI5 on SIMD work vectors", () => {
  // A diffusion-reaction chain: dx_i/dt = −x_i + 0.8·tanh(x_{i−1} + x_{i+1}) + sin(i), 3,001 cells.
  const n = 3001;
  const system: OdeSystem = {
    dim: n,
    rhs: (_t, x, dx) => {
      for (let i = 0; i < n; i++) {
        const left = i > 0 ? x[i - 1] : 0;
        const right = i < n - 1 ? x[i + 1] : 0;
        dx[i] = -x[i] + 0.8 * Math.tanh(left + right) + Math.sin(i);
      }
    },
  };
  const run = () =>
    solve(system, {
      method: "dopri5",
      t0: 0,
      t1: 3,
      y0: new Float64Array(n),
      tEval: [0.7, 1.9, 3],
      rtol: 1e-7,
      atol: 1e-9,
    });

  it("gives the bits of DOPRI5 on plain arrays (dense output and step control included)", () => {
    useKernel("scalar");
    const plain = run();
    useKernel("wasm");
    const simd = run();
    expect(simd.stats).toEqual(plain.stats);
    expect(plain.stats.steps).toBeGreaterThan(10);
    sameBits(simd.y, plain.y);
  });
});
