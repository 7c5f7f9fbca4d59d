/**
 * Small vector norms shared by solvers and tests. Every function here returns NaN when either
 * input holds a NaN, so a comparison `norm <= tol` fails on NaN instead of passing silently.
 */

/** max_i |a_i − b_i|; NaN if any difference is NaN; throws on a length mismatch. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`maxAbsDiff: lengths differ (${a.length} vs ${b.length})`);
  }
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > m) m = d;
  }
  return m;
}

/** max_i |x_i|; NaN if any entry is NaN. */
export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (Number.isNaN(v)) return Number.NaN;
    if (v > m) m = v;
  }
  return m;
}

/**
 * Relative error of `a` against the reference `b` in the max norm: ‖a − b‖∞ / ‖b‖∞ (the
 * absolute error when b is all zero). NaN if either holds a NaN.
 */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = maxAbsDiff(a, b);
  const s = maxAbs(b);
  if (Number.isNaN(s)) return Number.NaN;
  return s > 0 ? d / s : d;
}
