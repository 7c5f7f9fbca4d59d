import { expect } from "vitest";

/** max |a − b| over two arrays; NaN anywhere makes it NaN (so comparisons fail). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k] - b[k]);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > m) m = d;
  }
  return m;
}

/** Asserts max |a − b| ≤ tol, failing on NaN or infinity. */
export function expectAllClose(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  tol: number,
  what = "arrays",
): void {
  const d = maxAbsDiff(a, b);
  expect(Number.isFinite(d), `${what}: non-finite difference`).toBe(true);
  expect(d, `${what}: max |difference|`).toBeLessThanOrEqual(tol);
}
