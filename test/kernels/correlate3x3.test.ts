import { afterEach, describe, expect, it } from "vitest";
import { type Boundary, fillPadded } from "../../src/cells/boundary.js";
import {
  correlateAdd,
  correlateAdd3x3,
  correlateAdd3x3Scalar,
  correlateAdd3x3Simd,
  correlateAddGeneric,
} from "../../src/cells/correlate.js";
import type { CellArray } from "../../src/cells/spec.js";
import { createCellSystem } from "../../src/cells/system.js";
import type { Template } from "../../src/cells/template.js";
import { ValidationError } from "../../src/core/errors.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { createMemristor } from "../../src/devices/registry.js";
import { activeKernel, kernelKind, useKernel } from "../../src/kernels/choice.js";
import { stage3x3 } from "../../src/kernels/simdStage.js";
import { taps3x3Simd } from "../../src/kernels/taps3x3Simd.js";
import { randomArray, sameBits64 } from "../support/arrays.js";

/**
 * The WebAssembly SIMD 3×3 path against the scalar reference. Tolerance: none: the SIMD
 * kernels add in the reference's order with separate multiplies and adds, so every output must
 * be the same bits (compared as raw 64-bit patterns, so NaN or −0 differences would show too).
 */

const BOUNDARIES: Boundary[] = [
  { kind: "fixed", y: 0, u: 0 },
  { kind: "fixed", y: -0.7, u: 0.3 },
  { kind: "zero-flux" },
  { kind: "periodic" },
];

afterEach(() => useKernel(undefined));

/** A random template; `density` of its coefficients non-zero (so sparse blocks occur too). */
function randomTemplate(
  outChannels: number,
  inChannels: number,
  size: number,
  density: number,
  rand: () => number,
): Template {
  const data = uniformArray(outChannels * inChannels * size * size, -1, 1, rand);
  for (let k = 0; k < data.length; k++) if (rand() >= density) data[k] = 0;
  return { outChannels, inChannels, size, data };
}

interface Case {
  t: Template;
  padded: Float64Array;
  pad: number;
  rows: number;
  cols: number;
  out0: Float64Array;
}

function randomCase(
  rand: () => number,
  shape: { O: number; C: number; size: number; rows: number; cols: number; pad: number },
  boundary: Boundary,
  density: number,
): Case {
  const { O, C, size, rows, cols, pad } = shape;
  const t = randomTemplate(O, C, size, density, rand);
  const field = uniformArray(C * rows * cols, -2, 2, rand);
  const padded = new Float64Array(C * (rows + 2 * pad) * (cols + 2 * pad));
  const fixed = boundary.kind === "fixed" ? boundary.y : 0;
  fillPadded(boundary, fixed, field, C, rows, cols, pad, padded);
  return { t, padded, pad, rows, cols, out0: uniformArray(O * rows * cols, -1, 1, rand) };
}

function run(f: typeof correlateAdd3x3Scalar, c: Case): Float64Array {
  const out = Float64Array.from(c.out0);
  f(c.t, c.padded, c.pad, c.rows, c.cols, out);
  return out;
}

const simdAvailable = taps3x3Simd() !== null;

describe("correlateAdd3x3Simd (WebAssembly SIMD) against correlateAdd3x3Scalar", () => {
  it.runIf(simdAvailable)(
    "same bits on random shapes, channels 1, 3, 16, 33, every boundary, pads 1 and 2",
    () => {
      const rand = seededRandom(14);
      let cases = 0;
      for (const C of [1, 3, 16, 33])
        for (const O of [1, 3, 16, 33])
          for (const boundary of BOUNDARIES) {
            // Odd and even widths (the SIMD tail), a 1-row and a 1-wide-pair array, random sizes.
            const rows = 1 + Math.floor(rand() * 9);
            const cols = 2 + Math.floor(rand() * 10);
            const pad = rand() < 0.7 ? 1 : 2;
            const density = [1, 0.6, 0.15][cases % 3];
            const c = randomCase(rand, { O, C, size: 3, rows, cols, pad }, boundary, density);
            const a = run(correlateAdd3x3Scalar, c);
            const b = run(correlateAdd3x3Simd, c);
            expect(sameBits64(a, b), `O ${O} C ${C} ${rows}×${cols} pad ${pad}`).toBe(true);
            cases++;
          }
      expect(cases).toBe(64);
    },
  );

  it.runIf(simdAvailable)("same bits at the edge sizes: 1×2, 1×3, 7×2, 28×28, 14×14", () => {
    const rand = seededRandom(3);
    for (const [rows, cols] of [
      [1, 2],
      [1, 3],
      [7, 2],
      [28, 28],
      [14, 14],
      [5, 31],
    ])
      for (const boundary of BOUNDARIES) {
        const c = randomCase(rand, { O: 5, C: 4, size: 3, rows, cols, pad: 1 }, boundary, 1);
        expect(sameBits64(run(correlateAdd3x3Scalar, c), run(correlateAdd3x3Simd, c))).toBe(true);
      }
  });

  it.runIf(simdAvailable)(
    "batch: many fields in turn, the module's memory growing and shrinking between them",
    () => {
      const rand = seededRandom(7);
      // Sizes chosen so that the working set goes from under one 64 KiB page to several.
      const shapes = [
        { O: 1, C: 1, rows: 4, cols: 4 },
        { O: 33, C: 33, rows: 20, cols: 21 },
        { O: 3, C: 1, rows: 6, cols: 5 },
        { O: 16, C: 16, rows: 28, cols: 28 },
        { O: 1, C: 3, rows: 3, cols: 9 },
      ];
      for (let batch = 0; batch < 3; batch++)
        for (const s of shapes) {
          const c = randomCase(rand, { ...s, size: 3, pad: 1 }, BOUNDARIES[batch], 0.8);
          expect(sameBits64(run(correlateAdd3x3Scalar, c), run(correlateAdd3x3Simd, c))).toBe(true);
        }
      expect(taps3x3Simd()!.memory.buffer.byteLength).toBeGreaterThan(65536);
    },
  );

  it.runIf(simdAvailable)(
    "a whole right-hand side (CellNN and M-CellNN) is the same on both kernels",
    () => {
      for (const memristive of [false, true]) {
        const base = randomArray({ seed: 5, rows: 9, cols: 7, channels: 6 });
        const array: CellArray = memristive
          ? {
              ...base,
              memristor: {
                model: createMemristor("strachan-taox"),
                w0: new Float64Array(base.x0.length).fill(0.3),
                voltage: "x",
              },
            }
          : base;
        const system = createCellSystem(array);
        const s = system.initialState();
        for (let k = 0; k < s.length; k++) s[k] += 0.3 * Math.sin(k);
        useKernel("scalar");
        const a = new Float64Array(system.dim);
        system.rhs(0, s, a);
        useKernel("wasm");
        const b = new Float64Array(system.dim);
        system.rhs(0, s, b);
        expect(sameBits64(a, b)).toBe(true);
      }
    },
  );
});

describe("kernel dispatch", () => {
  it("kernelKind reads CELLSPICE_KERNEL: scalar, wasm, auto; anything else names the field", () => {
    expect(kernelKind("scalar")).toBe("scalar");
    expect(kernelKind("auto")).toBe(simdAvailable ? "wasm" : "scalar");
    expect(kernelKind("")).toBe(kernelKind("auto"));
    if (simdAvailable) expect(kernelKind("wasm")).toBe("wasm");
    else expect(() => kernelKind("wasm")).toThrow(ValidationError);
    try {
      kernelKind("avx");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe("CELLSPICE_KERNEL");
      expect((e as ValidationError).valid).toBe("auto | scalar | wasm");
    }
  });

  it("correlateAdd3x3 takes the SIMD kernels when wasm is active, the scalar ones otherwise", () => {
    const rand = seededRandom(11);
    const c = randomCase(rand, { O: 4, C: 2, size: 3, rows: 5, cols: 6, pad: 1 }, BOUNDARIES[2], 1);
    // The SIMD path stages its operands in the module's memory; the scalar path never touches it.
    const probe = () => {
      if (!simdAvailable) return undefined;
      const stage = stage3x3(c.t.data.length, c.padded.length, c.out0.length);
      return stage;
    };
    const clear = () => {
      const s = probe();
      s?.padded.fill(0);
      s?.coef.fill(0);
    };
    clear();
    useKernel("scalar");
    expect(activeKernel()).toBe("scalar");
    const a = run(correlateAdd3x3, c);
    if (simdAvailable) {
      expect(probe()!.padded.every((v) => v === 0)).toBe(true);
      useKernel("wasm");
      expect(activeKernel()).toBe("wasm");
      const b = run(correlateAdd3x3, c);
      expect(sameBits64(probe()!.padded, c.padded)).toBe(true);
      expect(sameBits64(probe()!.coef, c.t.data)).toBe(true);
      expect(sameBits64(a, b)).toBe(true);
    }
    expect(sameBits64(a, run(correlateAdd3x3Scalar, c))).toBe(true);
  });

  it("a single column stays scalar (no pair of columns to vectorise)", () => {
    useKernel(simdAvailable ? "wasm" : "scalar");
    const rand = seededRandom(2);
    const c = randomCase(rand, { O: 4, C: 4, size: 3, rows: 6, cols: 1, pad: 1 }, BOUNDARIES[0], 1);
    const s = simdAvailable ? stage3x3(c.t.data.length, c.padded.length, c.out0.length) : null;
    s?.padded.fill(0);
    expect(sameBits64(run(correlateAdd3x3, c), run(correlateAdd3x3Scalar, c))).toBe(true);
    if (s) expect(s.padded.every((v) => v === 0)).toBe(true);
  });

  it("5×5 templates take the generic path whichever kernel is active", () => {
    const rand = seededRandom(9);
    for (const kind of ["scalar", "wasm"] as const) {
      if (kind === "wasm" && !simdAvailable) continue;
      useKernel(kind);
      for (const C of [1, 3, 16]) {
        const c = randomCase(
          rand,
          { O: 3, C, size: 5, rows: 6, cols: 7, pad: 2 },
          BOUNDARIES[3],
          1,
        );
        expect(sameBits64(run(correlateAdd, c), run(correlateAddGeneric, c))).toBe(true);
      }
    }
  });
});
