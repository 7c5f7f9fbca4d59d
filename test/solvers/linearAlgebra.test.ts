import { describe, expect, it } from "vitest";
import { maxAbs, maxAbsDiff, relError } from "../../src/core/norms.js";
import type { CsrMatrix } from "../../src/core/sparse.js";
import { csrMultiply } from "../../src/core/sparse.js";
import { luFactor, luSolve } from "../../src/solvers/linear/denseLu.js";
import { Gmres } from "../../src/solvers/linear/gmres.js";
import { Ilu0 } from "../../src/solvers/linear/ilu0.js";
import { csrToDense } from "../../src/solvers/newtonMatrix.js";
import { buildCsr, seededUniform } from "./problems.js";

function denseMultiply(a: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += a[i * n + j] * x[j];
  return y;
}

/** Tridiagonal [−1, d, −1] of size n, as CSR with sorted columns. */
function tridiagonal(n: number, d: number): CsrMatrix {
  return buildCsr(n, (i, add) => {
    if (i > 0) add(i - 1, -1);
    add(i, d);
    if (i < n - 1) add(i + 1, -1);
  });
}

describe("luFactor / luSolve (dense, partial pivoting)", () => {
  it("solves a random 40×40 system to a residual near round-off", () => {
    const n = 40;
    const rnd = seededUniform(7);
    const a = Float64Array.from({ length: n * n }, rnd);
    const xTrue = Float64Array.from({ length: n }, rnd);
    const b = denseMultiply(a, n, xTrue);
    const lu = a.slice();
    const piv = new Int32Array(n);
    expect(luFactor(lu, n, piv)).toBe(true);
    luSolve(lu, n, piv, b);
    expect(maxAbsDiff(b, xTrue)).toBeLessThan(1e-11);
  });

  it("pivots: [[0, 1], [1, 0]] is solved although its first pivot is zero", () => {
    const lu = Float64Array.of(0, 1, 1, 0);
    const piv = new Int32Array(2);
    expect(luFactor(lu, 2, piv)).toBe(true);
    const b = Float64Array.of(3, 5);
    luSolve(lu, 2, piv, b);
    expect(Array.from(b)).toEqual([5, 3]);
  });

  it("reports a singular matrix instead of dividing by zero", () => {
    expect(luFactor(Float64Array.of(1, 2, 2, 4), 2, new Int32Array(2))).toBe(false);
    expect(luFactor(Float64Array.of(Number.NaN, 0, 0, 1), 2, new Int32Array(2))).toBe(false);
  });

  it("csrToDense(m, out) expands a CSR matrix", () => {
    const out = new Float64Array(9);
    csrToDense(tridiagonal(3, 2), out);
    expect(Array.from(out)).toEqual([2, -1, 0, -1, 2, -1, 0, -1, 2]);
  });
});

describe("Ilu0 and Gmres", () => {
  it("ILU(0) of a tridiagonal matrix is its exact LU (no fill-in exists)", () => {
    const m = tridiagonal(50, 2.5);
    const ilu = new Ilu0(m);
    expect(ilu.factor(m.values)).toBe(true);
    const xTrue = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const b = new Float64Array(50);
    csrMultiply(m, xTrue, b);
    const x = new Float64Array(50);
    ilu.solve(b, x);
    expect(maxAbsDiff(x, xTrue)).toBeLessThan(1e-13);
  });

  it("Ilu0 rejects a pattern without a diagonal entry", () => {
    const m: CsrMatrix = {
      rows: 2,
      cols: 2,
      rowPtr: Int32Array.of(0, 1, 2),
      colIdx: Int32Array.of(1, 1),
      values: Float64Array.of(1, 1),
    };
    expect(() => new Ilu0(m)).toThrow(/row 0 has no diagonal/);
  });

  it("GMRES(30) solves a 2-D Laplacian-plus-shift system, faster with ILU(0)", () => {
    // 5-point Laplacian on 30×30 plus 0.1·I: non-trivial, symmetric positive definite.
    const k = 30;
    const n = k * k;
    const a = buildCsr(n, (r, add) => {
      const i = Math.floor(r / k);
      const j = r % k;
      if (i > 0) add(r - k, -1);
      if (j > 0) add(r - 1, -1);
      add(r, 4.1);
      if (j < k - 1) add(r + 1, -1);
      if (i < k - 1) add(r + k, -1);
    });
    const xTrue = Float64Array.from({ length: n }, (_, i) => Math.cos(0.1 * i));
    const b = new Float64Array(n);
    csrMultiply(a, xTrue, b);
    const apply = (x: Float64Array, y: Float64Array) => csrMultiply(a, x, y);
    const gmres = new Gmres(n, 30);

    const plain = new Float64Array(n);
    const r1 = gmres.solve(apply, null, b, plain, 1e-10, 2000);
    const ilu = new Ilu0(a);
    ilu.factor(a.values);
    const pre = new Float64Array(n);
    const r2 = gmres.solve(apply, (r, z) => ilu.solve(r, z), b, pre, 1e-10, 2000);
    expect(r1.converged && r2.converged).toBe(true);
    expect(relError(plain, xTrue)).toBeLessThan(1e-8);
    expect(relError(pre, xTrue)).toBeLessThan(1e-8);
    expect(r2.iterations * 2).toBeLessThan(r1.iterations);
  });
});

describe("norms", () => {
  it("maxAbsDiff, maxAbs and relError propagate NaN (so `err < tol` fails on NaN)", () => {
    expect(maxAbsDiff([1, 2], [1, 2.5])).toBe(0.5);
    expect(maxAbsDiff([1, Number.NaN], [1, 2])).toBeNaN();
    expect(maxAbs([-3, 2])).toBe(3);
    expect(maxAbs([0, Number.NaN])).toBeNaN();
    expect(relError([2, 4.4], [2, 4])).toBeCloseTo(0.1, 15);
    expect(relError([1], [0])).toBe(1);
    expect(relError([1], [Number.NaN])).toBeNaN();
    expect(() => maxAbsDiff([1], [1, 2])).toThrow(RangeError);
  });
});
