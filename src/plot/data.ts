import { ValidationError } from "../core/errors.js";

/** Numeric samples as plots accept them. */
export type Samples = Float64Array | Float32Array | readonly number[];

/** Throws ValidationError unless x and y have the same, non-zero length. */
export function checkPaired(field: string, x: Samples, y: Samples): void {
  if (x.length !== y.length) {
    throw new ValidationError(
      field,
      `x has ${x.length} samples but y has ${y.length}`,
      "equal lengths",
    );
  }
  if (x.length === 0) throw new ValidationError(field, "no samples", "at least one sample");
}

/** [min, max] over the finite values of all arrays; undefined when there is none. */
export function finiteExtent(arrays: readonly Samples[]): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays) {
    for (let k = 0; k < a.length; k++) {
      const v = a[k];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi && Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : undefined;
}

/** Widens a degenerate [v, v] domain and pads by `pad` of its span on both sides. */
export function padDomain([lo, hi]: [number, number], pad = 0.04): [number, number] {
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}
