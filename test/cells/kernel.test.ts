import { describe, expect, it } from "vitest";
import { type Boundary, fillBorder, fillPadded, sourceIndex } from "../../src/cells/boundary.js";
import { correlateAdd, correlateAdd3x3, correlateAddGeneric } from "../../src/cells/correlate.js";
import { createCellSystem } from "../../src/cells/system.js";
import type { Template } from "../../src/cells/template.js";
import { seededRandom, uniformArray } from "../../src/core/random.js";
import { randomArray } from "../support/arrays.js";
import { expectAllClose } from "../support/assert.js";

/**
 * The fast paths of the stencil (the 3×3 kernel, the fused border fill) checked against the
 * plainest possible code: every cell, every coefficient, every neighbour through sourceIndex.
 */

const BOUNDARIES: Boundary[] = [
  { kind: "fixed", y: 0, u: 0 },
  { kind: "fixed", y: -0.7, u: 0.3 },
  { kind: "zero-flux" },
  { kind: "periodic" },
];

/** The padded field, cell by cell from the boundary's definition. */
function naivePadded(
  b: Boundary,
  fixed: number,
  field: Float64Array,
  C: number,
  H: number,
  W: number,
  r: number,
) {
  const pr = H + 2 * r;
  const pc = W + 2 * r;
  const out = new Float64Array(C * pr * pc);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < pr; i++)
      for (let j = 0; j < pc; j++) {
        const si = sourceIndex(b, i - r, H);
        const sj = sourceIndex(b, j - r, W);
        out[(c * pr + i) * pc + j] = si < 0 || sj < 0 ? fixed : field[(c * H + si) * W + sj];
      }
  return out;
}

/** out[o][i][j] += Σ T[o][c][k][l]·padded[c][i+k−r+pad][j+l−r+pad], one term at a time. */
function naiveCorrelate(
  t: Template,
  padded: Float64Array,
  pad: number,
  H: number,
  W: number,
  out: Float64Array,
) {
  const k = t.size;
  const r = (k - 1) / 2;
  const pc = W + 2 * pad;
  const pr = H + 2 * pad;
  for (let o = 0; o < t.outChannels; o++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) {
        let s = out[(o * H + i) * W + j];
        for (let c = 0; c < t.inChannels; c++)
          for (let dk = 0; dk < k; dk++)
            for (let dl = 0; dl < k; dl++) {
              const a = t.data[((o * t.inChannels + c) * k + dk) * k + dl];
              s += a * padded[(c * pr + i + dk - r + pad) * pc + j + dl - r + pad];
            }
        out[(o * H + i) * W + j] = s;
      }
}

/** A random template with a fraction `density` of non-zero coefficients. */
function randomTemplate(
  rand: () => number,
  outC: number,
  inC: number,
  size: number,
  density: number,
): Template {
  const data = uniformArray(outC * inC * size * size, -1, 1, rand);
  for (let m = 0; m < data.length; m++) if (rand() >= density) data[m] = 0;
  return { outChannels: outC, inChannels: inC, size, data };
}

describe("fillPadded / fillBorder", () => {
  for (const b of BOUNDARIES) {
    it(`fillPadded(${b.kind}) equals the cell-by-cell padding for radii 0–3 and tiny arrays`, () => {
      const rand = seededRandom(5);
      for (const [C, H, W] of [
        [1, 1, 1],
        [2, 1, 3],
        [1, 2, 2],
        [3, 5, 4],
        [2, 7, 9],
      ]) {
        for (const r of [0, 1, 2, 3]) {
          const field = uniformArray(C * H * W, -2, 2, rand);
          const got = new Float64Array(C * (H + 2 * r) * (W + 2 * r)).fill(Number.NaN);
          fillPadded(b, 0.25, field, C, H, W, r, got);
          expectAllClose(got, naivePadded(b, 0.25, field, C, H, W, r), 0, `${C}×${H}×${W} r=${r}`);
        }
      }
    });
  }

  it("fillBorder(boundary, …) leaves the interior alone", () => {
    const padded = Float64Array.from({ length: 5 * 6 }, (_, k) => k);
    const before = Float64Array.from(padded);
    fillBorder({ kind: "periodic" }, 0, padded, 1, 3, 4, 1);
    for (let i = 1; i < 4; i++)
      for (let j = 1; j < 5; j++) expect(padded[i * 6 + j]).toBe(before[i * 6 + j]);
  });
});

describe("correlateAdd", () => {
  const cases: [number, number, number, number][] = [
    // [outChannels, inChannels, rows, cols]: block-of-4 path, remainders, single channel, 1×1
    [1, 1, 6, 7],
    [1, 1, 1, 1],
    [3, 2, 5, 4],
    [4, 4, 6, 6],
    [5, 3, 4, 9],
    [9, 7, 3, 5],
    [8, 1, 10, 2],
  ];
  for (const density of [1, 0.6, 0.15, 0]) {
    it(`correlateAdd(3×3) equals the naive sum (density ${density}, pads 1 and 2)`, () => {
      const rand = seededRandom(17 + Math.round(100 * density));
      for (const [oc, ic, H, W] of cases) {
        for (const pad of [1, 2]) {
          const t = randomTemplate(rand, oc, ic, 3, density);
          const padded = uniformArray(ic * (H + 2 * pad) * (W + 2 * pad), -1.5, 1.5, rand);
          const start = uniformArray(oc * H * W, -1, 1, rand);
          const want = Float64Array.from(start);
          naiveCorrelate(t, padded, pad, H, W, want);
          for (const f of [correlateAdd, correlateAdd3x3, correlateAddGeneric]) {
            const got = Float64Array.from(start);
            f(t, padded, pad, H, W, got);
            expectAllClose(got, want, 1e-12, `${f.name} ${oc}→${ic} ${H}×${W} pad ${pad}`);
          }
        }
      }
    });
  }

  it("correlateAdd3x3 gives a block of four with mixed sparsity the same sums as the naive one", () => {
    const rand = seededRandom(99);
    const t = randomTemplate(rand, 4, 2, 3, 1);
    // Make the block just sparse enough to take the coefficient-by-coefficient route for c = 1.
    for (let m = 0; m < 9 * 4; m++)
      t.data[(Math.floor(m / 9) * 2 + 1) * 9 + (m % 9)] = m % 9 === 4 ? 0.5 : 0;
    const padded = uniformArray(2 * 8 * 9, -1, 1, rand);
    const got = new Float64Array(4 * 6 * 7);
    const want = new Float64Array(4 * 6 * 7);
    correlateAdd3x3(t, padded, 1, 6, 7, got);
    naiveCorrelate(t, padded, 1, 6, 7, want);
    expectAllClose(got, want, 1e-12);
  });

  for (const size of [1, 5, 7]) {
    it(`correlateAdd(${size}×${size}) equals the naive sum`, () => {
      const rand = seededRandom(size);
      const r = (size - 1) / 2;
      for (const [oc, ic, H, W] of cases) {
        const pad = r + 1;
        const t = randomTemplate(rand, oc, ic, size, 0.7);
        const padded = uniformArray(ic * (H + 2 * pad) * (W + 2 * pad), -1, 1, rand);
        const got = new Float64Array(oc * H * W);
        const want = new Float64Array(oc * H * W);
        correlateAdd(t, padded, pad, H, W, got);
        naiveCorrelate(t, padded, pad, H, W, want);
        expectAllClose(got, want, 1e-12);
      }
    });
  }
});

describe("createCellSystem(array).rhs with the fast kernel", () => {
  for (const boundary of BOUNDARIES) {
    it(`equals padding + generic correlation step by step (${boundary.kind}, 1–6 channels, M-CellNN state)`, () => {
      for (const [seed, channels, rows, cols] of [
        [1, 1, 9, 8],
        [2, 5, 4, 6],
        [3, 6, 3, 3],
        [4, 1, 1, 1],
      ]) {
        const a = randomArray({ seed, channels, rows, cols, boundary, scaleA: 1 });
        const sys = createCellSystem(a);
        const x = a.x0.map((v, k) => 3 * v + 0.2 * Math.cos(k));
        const got = new Float64Array(sys.dim);
        sys.rhs(0, x, got);
        // The straightforward composition: y = f(x), pad, A ⋆ y with the generic kernel.
        const y = x.map((v) => 0.01 * v + 0.99 * Math.max(-1, Math.min(1, v)));
        const yFixed = boundary.kind === "fixed" ? boundary.y : 0;
        const padded = new Float64Array(channels * (rows + 2) * (cols + 2));
        fillPadded(boundary, yFixed, y, channels, rows, cols, 1, padded);
        const want = sys.constantInput.map((b, k) => b - x[k]);
        correlateAddGeneric(a.A, padded, 1, rows, cols, want);
        expectAllClose(got, want, 1e-12, `seed ${seed}`);
      }
    });
  }
});

describe("createCellSystem(array, { precision: 'float32' }).rhs", () => {
  // Each of the C·9 products has a relative error of at most 3 roundings (a, y, the product) and
  // the float32 sum of m terms at most (m − 1) more, so |Δ| ≤ (C·9 + 2)·2^-24·Σ|a·y| per cell.
  for (const boundary of BOUNDARIES) {
    it(`agrees with float64 within float32's bound (${boundary.kind}; 1, 3, 16, 33 channels)`, () => {
      for (const [seed, channels, rows, cols] of [
        [11, 1, 9, 8],
        [12, 3, 5, 7],
        [13, 16, 6, 5],
        [14, 33, 3, 4],
        [15, 3, 1, 1],
      ]) {
        const a = randomArray({ seed, channels, rows, cols, boundary, scaleA: 1 });
        const x = a.x0.map((v, k) => 3 * v + 0.2 * Math.cos(k));
        const want = new Float64Array(a.x0.length);
        createCellSystem(a).rhs(0, x, want);
        const got = new Float64Array(a.x0.length);
        createCellSystem(a, { precision: "float32" }).rhs(0, x, got);
        // Σ|a·y| per cell: the float64 system of |A| on |y| with no input, bias or decay.
        const absA = { ...a.A, data: a.A.data.map(Math.abs) };
        const y = x.map((v) => Math.abs(0.01 * v + 0.99 * Math.max(-1, Math.min(1, v))));
        const yFixed = boundary.kind === "fixed" ? Math.abs(boundary.y) : 0;
        const padded = new Float64Array(channels * (rows + 2) * (cols + 2));
        fillPadded(boundary, yFixed, y, channels, rows, cols, 1, padded);
        const scale = new Float64Array(x.length);
        correlateAddGeneric(absA, padded, 1, rows, cols, scale);
        let worst = 0;
        let differs = false;
        for (let m = 0; m < x.length; m++) {
          const bound = (channels * 9 + 2) * 2 ** -24 * scale[m];
          worst = Math.max(worst, Math.abs(got[m] - want[m]) / bound);
          if (got[m] !== want[m]) differs = true;
        }
        expect(worst, `seed ${seed}`).toBeLessThanOrEqual(1);
        expect(differs, `seed ${seed}: the float32 path must not be the float64 one`).toBe(true);
      }
    });
  }

  it("keeps B ⋆ u + z and the memristor in float64, B of 5×5 included", () => {
    const a = randomArray({ seed: 21, channels: 3, rows: 6, cols: 5, boundary: BOUNDARIES[2] });
    const wide = {
      ...a,
      B: { ...a.B, size: 5, data: new Float64Array(3 * 3 * 25).map((_, k) => Math.sin(k)) },
    };
    const s64 = createCellSystem(wide);
    const s32 = createCellSystem(wide, { precision: "float32" });
    expect(Array.from(s32.constantInput)).toEqual(Array.from(s64.constantInput));
    const x = wide.x0.map((v, k) => 2 * v + 0.1 * k);
    const [g, w] = [new Float64Array(x.length), new Float64Array(x.length)];
    s32.rhs(0, x, g);
    s64.rhs(0, x, w);
    expectAllClose(g, w, 1e-5, "5×5 B with 3×3 A");
  });

  it("refuses a template A other than 3×3, naming the precision and the fix", () => {
    const a = randomArray({ seed: 22, channels: 2, rows: 5, cols: 5, size: 5 });
    expect(() => createCellSystem(a, { precision: "float32" })).toThrow(/precision.*5×5.*float64/s);
    const wrong = { precision: "float16" } as unknown as Parameters<typeof createCellSystem>[1];
    expect(() => createCellSystem(a, wrong)).toThrow(/precision.*float16.*float64 \| float32/s);
  });
});
