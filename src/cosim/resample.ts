import { ValidationError } from "../core/errors.js";

/**
 * Piecewise-linear resampling of row-major waveforms (nt × n) from times `tSrc` onto `tDst`:
 * cannot overshoot (it stays within the samples' range); its error is bounded by h²·max|x''|/8
 * for grid spacing h. The single-array co-simulation evaluates cellspice's continuous solution
 * at ngspice's own time points and needs no resampling; a layer's tiles, compared on one grid,
 * use resampleCubic below, which falls back to this.
 */
export function resampleLinear(
  tSrc: ArrayLike<number>,
  ySrc: Float64Array,
  n: number,
  tDst: ArrayLike<number>,
): Float64Array {
  checkSource(tSrc, ySrc, n);
  const out = new Float64Array(tDst.length * n);
  let seg = 0;
  for (let k = 0; k < tDst.length; k++) {
    const t = checkInside(tSrc, tDst, k);
    seg = segmentOf(tSrc, t, seg);
    linearAt(tSrc, ySrc, n, seg, t, out, k);
  }
  return out;
}

/**
 * Cubic resampling of row-major waveforms (nt × n) from times `tSrc` onto `tDst`: on each source
 * interval the Lagrange cubic through its two ends and their outer neighbours (the four nearest
 * points, shifted inwards at the grid's ends), on the grid as it is (non-uniform). Its error is
 * O(h⁴·|x⁗|) where the waveform is smooth, against linear interpolation's h²·|x''|/8, so a layer
 * co-simulation can let ngspice take its own steps and still compare it with cellspice well
 * below the tolerance (docs/export.md). Where the four points hold a repeated time, it falls back
 * to linear interpolation on that interval; a grid of fewer than four points is resampled
 * linearly (and its estimate is Infinity).
 *
 * `errorEstimate` is, over all destination times and signals, the largest difference between the
 * cubic and the quadratic through the three of its points nearest the destination: the size of
 * the cubic's last term, an estimate of the quadratic's error and an overstatement of the
 * cubic's.
 */
export function resampleCubic(
  tSrc: ArrayLike<number>,
  ySrc: Float64Array,
  n: number,
  tDst: ArrayLike<number>,
): { values: Float64Array; errorEstimate: number } {
  const ns = checkSource(tSrc, ySrc, n);
  if (ns < 4) return { values: resampleLinear(tSrc, ySrc, n, tDst), errorEstimate: Infinity };
  const out = new Float64Array(tDst.length * n);
  let estimate = 0;
  let seg = 0;
  for (let k = 0; k < tDst.length; k++) {
    const t = checkInside(tSrc, tDst, k);
    seg = segmentOf(tSrc, t, seg);
    const i0 = Math.min(Math.max(seg - 1, 0), ns - 4);
    const t0 = tSrc[i0];
    const t1 = tSrc[i0 + 1];
    const t2 = tSrc[i0 + 2];
    const t3 = tSrc[i0 + 3];
    if (!(t0 < t1 && t1 < t2 && t2 < t3)) {
      linearAt(tSrc, ySrc, n, seg, t, out, k);
      continue;
    }
    const d0 = t - t0;
    const d1 = t - t1;
    const d2 = t - t2;
    const d3 = t - t3;
    // Lagrange weights of the cubic through t0..t3
    const c0 = (d1 * d2 * d3) / ((t0 - t1) * (t0 - t2) * (t0 - t3));
    const c1 = (d0 * d2 * d3) / ((t1 - t0) * (t1 - t2) * (t1 - t3));
    const c2 = (d0 * d1 * d3) / ((t2 - t0) * (t2 - t1) * (t2 - t3));
    const c3 = (d0 * d1 * d2) / ((t3 - t0) * (t3 - t1) * (t3 - t2));
    // the quadratic through the three points nearest t: without t0 or t3, whichever is farther
    const dropFirst = Math.abs(d0) > Math.abs(d3);
    const qa = dropFirst ? t1 : t0;
    const qb = dropFirst ? t2 : t1;
    const qc = dropFirst ? t3 : t2;
    const ea = ((t - qb) * (t - qc)) / ((qa - qb) * (qa - qc));
    const eb = ((t - qa) * (t - qc)) / ((qb - qa) * (qb - qc));
    const ec = ((t - qa) * (t - qb)) / ((qc - qa) * (qc - qb));
    const j = i0 * n;
    const q = (dropFirst ? i0 + 1 : i0) * n;
    for (let p = 0; p < n; p++) {
      const cubic =
        c0 * ySrc[j + p] +
        c1 * ySrc[j + n + p] +
        c2 * ySrc[j + 2 * n + p] +
        c3 * ySrc[j + 3 * n + p];
      const quad = ea * ySrc[q + p] + eb * ySrc[q + n + p] + ec * ySrc[q + 2 * n + p];
      out[k * n + p] = cubic;
      estimate = Math.max(estimate, Math.abs(cubic - quad));
    }
  }
  return { values: out, errorEstimate: estimate };
}

function checkSource(tSrc: ArrayLike<number>, ySrc: Float64Array, n: number): number {
  const ns = tSrc.length;
  if (ns < 1 || ySrc.length !== ns * n) {
    throw new ValidationError(
      "waveforms",
      `${ySrc.length} values for ${ns} times × ${n} signals`,
      "times × signals values",
    );
  }
  for (let k = 1; k < ns; k++) {
    if (!(tSrc[k] >= tSrc[k - 1]))
      throw new ValidationError(
        `t[${k}]`,
        `${tSrc[k]} after ${tSrc[k - 1]}`,
        "non-decreasing times",
      );
  }
  return ns;
}

/** tDst[k], refused when it lies outside the source grid (no extrapolation). */
function checkInside(tSrc: ArrayLike<number>, tDst: ArrayLike<number>, k: number): number {
  const t = tDst[k];
  const ns = tSrc.length;
  if (t < tSrc[0] - 1e-12 * Math.abs(tSrc[0] || 1) || t > tSrc[ns - 1] * (1 + 1e-12) + 1e-300) {
    throw new ValidationError(
      `tDst[${k}]`,
      `${t} lies outside [${tSrc[0]}, ${tSrc[ns - 1]}]`,
      "times inside the source grid (no extrapolation)",
    );
  }
  return t;
}

/** The source interval [tSrc[seg], tSrc[seg + 1]] holding t, searched from `seg` on. */
function segmentOf(tSrc: ArrayLike<number>, t: number, seg: number): number {
  const ns = tSrc.length;
  let s = seg > 0 && t < tSrc[seg] ? 0 : seg;
  while (s < ns - 2 && tSrc[s + 1] < t) s++;
  return s;
}

/** Linear interpolation at t on source interval `seg`, written to row k of `out`. */
function linearAt(
  tSrc: ArrayLike<number>,
  ySrc: Float64Array,
  n: number,
  seg: number,
  t: number,
  out: Float64Array,
  k: number,
): void {
  const ns = tSrc.length;
  const t0 = tSrc[seg];
  const t1 = tSrc[Math.min(seg + 1, ns - 1)];
  const s = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
  const a = seg * n;
  const b = Math.min(seg + 1, ns - 1) * n;
  for (let p = 0; p < n; p++) out[k * n + p] = (1 - s) * ySrc[a + p] + s * ySrc[b + p];
}
