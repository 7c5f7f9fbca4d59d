/**
 * Indices of the points worth drawing when n points fall on far fewer pixel columns: per column
 * the first, lowest, highest and last point (so peaks survive and the drawn line is the same to
 * the eye). A non-finite y is kept as its own index, so that gaps in the line remain gaps.
 * `column(k)` maps point k to its pixel column.
 */
export function pixelDecimate(
  n: number,
  y: ArrayLike<number>,
  column: (k: number) => number,
): number[] {
  const keep: number[] = [];
  let col = Number.NaN;
  let first = -1;
  let lo = -1;
  let hi = -1;
  let last = -1;
  const flush = () => {
    if (first < 0) return;
    const b = [first, lo, hi, last].sort((p, q) => p - q);
    for (let k = 0; k < 4; k++) if (k === 0 || b[k] !== b[k - 1]) keep.push(b[k]);
    first = -1;
  };
  for (let k = 0; k < n; k++) {
    const v = y[k];
    if (!Number.isFinite(v)) {
      flush();
      keep.push(k);
      continue;
    }
    const c = Math.floor(column(k));
    if (first < 0 || c !== col) {
      flush();
      col = c;
      first = lo = hi = last = k;
      continue;
    }
    if (v < y[lo]) lo = k;
    if (v > y[hi]) hi = k;
    last = k;
  }
  flush();
  return keep;
}
