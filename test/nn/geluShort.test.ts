/**
 * geluInPlaceShort (the float32 digital path's GELU) against geluScalar, the exact-erf reference
 * held to mpmath by test/nn/erf.test.ts: on a dense grid over [−9, 9] (both sides of the switch
 * to 16 terms at |x|/√2 = 3 and of the scalar tail beyond 6) it stays within 1e-10·max(1, |x|)
 * and 1e-7 relative (measured 3.6e-11 and 4.6e-8); the special values go through geluScalar.
 */
import { describe, expect, it } from "vitest";
import { geluInPlaceShort, geluScalar } from "../../src/nn/gelu.js";

describe("geluInPlaceShort", () => {
  it("is within 1e-10·max(1, |x|) and 1e-7 relative of geluScalar on [−9, 9]", () => {
    const n = 400_001;
    const x = Float64Array.from({ length: n }, (_, i) => -9 + (18 * i) / (n - 1));
    const y = x.slice();
    geluInPlaceShort(y);
    let absolute = 0;
    let relative = 0;
    for (let i = 0; i < n; i++) {
      const ref = geluScalar(x[i]);
      const d = Math.abs(y[i] - ref);
      absolute = Math.max(absolute, d / Math.max(1, Math.abs(x[i])));
      if (ref !== 0) relative = Math.max(relative, d / Math.abs(ref));
    }
    expect(absolute).toBeLessThan(1e-10);
    expect(relative).toBeLessThan(1e-7);
    // a real approximation: not geluScalar's bits everywhere
    expect(absolute).toBeGreaterThan(0);
  });

  it("gives geluScalar's values at 0, ±∞, NaN and far in the tails", () => {
    const x = new Float64Array([
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      12,
      -12,
      40,
      -40,
    ]);
    const y = x.slice();
    geluInPlaceShort(y);
    for (let i = 0; i < x.length; i++)
      expect(Object.is(y[i], geluScalar(x[i])), `x = ${x[i]}`).toBe(true);
  });
});
