import { describe, expect, it } from "vitest";
import type { Boundary } from "../../src/cells/boundary.js";
import {
  CLASSIC_NAMES,
  type ClassicTemplate,
  classicArray,
  classicTemplate,
} from "../../src/cells/library.js";
import { simulateTypescript } from "../../src/engines/typescript.js";
import { type Image, picture, toPicture } from "../support/images.js";

/** Runs a classic template to its settle time and returns the output pattern. */
function run(template: ClassicTemplate, image: Image, T = template.settleTime): string[] {
  const array = classicArray(template, image);
  const tr = simulateTypescript(array, { T, points: 1, rtol: 1e-7, atol: 1e-9 });
  const final = tr.x.subarray(tr.cells, 2 * tr.cells);
  // Settled: every cell is saturated, far from the threshold at 0.
  for (const v of final) expect(Math.abs(v)).toBeGreaterThan(0.5);
  return toPicture(final, image.rows, image.cols);
}

const withBoundary = (t: ClassicTemplate, boundary: Boundary): ClassicTemplate => ({
  ...t,
  boundary,
});

describe("classic templates (DESIGN.md 1.1) reproduce their published outputs", () => {
  it("lists its templates with sources", () => {
    expect(CLASSIC_NAMES).toEqual([
      "edge",
      "corner",
      "threshold",
      "average",
      "hole-fill",
      "shadow",
      "ccd",
      "heat",
    ]);
    for (const name of CLASSIC_NAMES)
      expect(classicTemplate(name).source.length).toBeGreaterThan(10);
    expect(() => classicTemplate("sobel")).toThrow(
      /template.*unknown classic template "sobel".*edge, corner/,
    );
  });

  const square = picture([
    "........",
    ".######.",
    ".######.",
    ".######.",
    ".######.",
    ".######.",
    "........",
  ]);
  for (const u of [-1, 0]) {
    it(`EDGE on a filled square gives its outline (fixed boundary u = ${u})`, () => {
      const edge = withBoundary(classicTemplate("edge"), { kind: "fixed", y: 0, u });
      expect(run(edge, square)).toEqual([
        "........",
        ".######.",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        ".######.",
        "........",
      ]);
    });
  }

  it("EDGE with a white (u = −1) boundary keeps black pixels on the array's border as edges", () => {
    const full = picture(["####", "####", "####"]);
    expect(run(classicTemplate("edge"), full)).toEqual(["####", "#..#", "####"]);
  });

  it("CORNER keeps the convex corners of a square", () => {
    expect(run(classicTemplate("corner"), square)).toEqual([
      "........",
      ".#....#.",
      "........",
      "........",
      "........",
      ".#....#.",
      "........",
    ]);
  });

  it("THRESHOLD separates gray levels at z*", () => {
    const gray = {
      rows: 2,
      cols: 4,
      data: Float64Array.of(-0.9, -0.2, 0.15, 0.25, 0.6, 0.19, 0.21, -0.5),
    };
    expect(run(classicTemplate("threshold", { threshold: 0.2 }), gray)).toEqual(["...#", "#.#."]);
    expect(run(classicTemplate("threshold", { threshold: -0.3 }), gray)).toEqual([".###", "###."]);
  });

  it("AVERAGE removes isolated noise pixels (zero-flux boundary)", () => {
    const clean = picture([
      "..........",
      "..........",
      "..######..",
      "..######..",
      "..######..",
      "..######..",
      "..........",
      "..........",
    ]);
    const noisy = picture([
      "....#.....",
      "........#.",
      "..######..",
      "..##.###..",
      "..######..",
      "..######..",
      "#.........",
      "......#...",
    ]);
    expect(run(classicTemplate("average"), noisy)).toEqual(
      toPicture(clean.data, clean.rows, clean.cols),
    );
  });

  it("HOLE FILL fills enclosed white regions and leaves open ones", () => {
    const rings = picture([
      "............",
      ".#####......",
      ".#...#..###.",
      ".#...#..#...",
      ".#####..#...",
      "........###.",
      "............",
    ]);
    expect(run(classicTemplate("hole-fill"), rings)).toEqual([
      "............",
      ".#####......",
      ".#####..###.",
      ".#####..#...",
      ".#####..#...",
      "........###.",
      "............",
    ]);
  });

  const dots = picture(["..#.....", "......#.", "........", "#......#"]);
  it("SHADOW (left): black iff a black input pixel lies at or right of it in its row", () => {
    expect(run(classicTemplate("shadow"), dots)).toEqual([
      "###.....",
      "#######.",
      "........",
      "########",
    ]);
  });

  it("SHADOW with the kernel flipped casts the shadow the other way (correlation, not convolution)", () => {
    const t = classicTemplate("shadow");
    const flipped = { ...t, A: t.A.map((row) => [...row].reverse()) };
    expect(run(flipped, dots)).toEqual(["..######", "......##", "........", "########"]);
  });

  it("CCD turns each row's k black runs into k black pixels, one white apart, against the right border (y = −1)", () => {
    const runs = picture(["##..###.#.", "..........", ".####.....", "#.#.#.#..."]);
    expect(run(classicTemplate("ccd"), runs)).toEqual([
      ".....#.#.#",
      "..........",
      ".........#",
      "...#.#.#.#",
    ]);
  });

  it("CCD fails with boundary y = 0 instead of −1 (DESIGN.md 1.1 pitfall)", () => {
    const runs = picture(["##..###.#.", "..........", ".####.....", "#.#.#.#..."]);
    const wrong = withBoundary(classicTemplate("ccd"), { kind: "fixed", y: 0, u: 0 });
    const array = classicArray(wrong, runs);
    const tr = simulateTypescript(array, { T: 60, points: 1 });
    const out = toPicture(tr.x.subarray(tr.cells), runs.rows, runs.cols);
    // CCD's invariant: each row ends with as many black pixels as it had black runs. With
    // y = 0 the border no longer pushes the edge cells white, so rows of several runs gain
    // black pixels (row 0: 3 runs → 7 black, row 3: 4 → 5), while rows of 0 or 1 run keep it.
    const blackRuns = ["##..###.#.", "..........", ".####.....", "#.#.#.#..."].map(
      (r) => r.split(/\.+/).filter(Boolean).length,
    );
    const black = out.map((r) => [...r].filter((p) => p === "#").length);
    expect(blackRuns).toEqual([3, 0, 1, 4]);
    expect(black[1]).toBe(0);
    expect(black[2]).toBe(1);
    expect(black[0]).toBeGreaterThan(blackRuns[0]);
    expect(black[3]).toBeGreaterThan(blackRuns[3]);
  });

  it("HEAT conserves mass and spreads with per-axis variance 2·D·t (zero-flux)", () => {
    const n = 21;
    const D = 0.1;
    const data = new Float64Array(n * n);
    data[10 * n + 10] = 0.9;
    const array = classicArray(classicTemplate("heat", { D }), { rows: n, cols: n, data });
    const T = 5;
    const tr = simulateTypescript(array, { T, points: 5, rtol: 1e-10, atol: 1e-13 });
    for (let k = 0; k < tr.t.length; k++) {
      const x = tr.x.subarray(k * tr.cells, (k + 1) * tr.cells);
      let mass = 0;
      let m2 = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          mass += x[i * n + j];
          m2 += x[i * n + j] * (j - 10) ** 2;
        }
      expect(mass).toBeCloseTo(0.9, 9);
      expect(m2 / mass).toBeCloseTo(2 * D * tr.t[k], 6);
    }
  });
});
