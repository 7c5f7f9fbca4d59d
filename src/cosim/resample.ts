import { ValidationError } from "../core/errors.js";

/**
 * Piecewise-linear resampling of row-major waveforms (nt × n) from times `tSrc` onto `tDst`.
 * Used only where two recorded trajectories on different grids must be compared: co-simulation
 * itself evaluates cellspice's continuous solution at ngspice's own time points, so neither
 * engine's data is interpolated there. Linear interpolation cannot overshoot (it stays within
 * the samples' range); its error is bounded by h²·max|x''|/8 for grid spacing h, which
 * `interpolationErrorBound` reports so a comparison can tell it apart from engine error.
 */
export function resampleLinear(
  tSrc: ArrayLike<number>,
  ySrc: Float64Array,
  n: number,
  tDst: ArrayLike<number>,
): Float64Array {
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
  const out = new Float64Array(tDst.length * n);
  let seg = 0;
  for (let k = 0; k < tDst.length; k++) {
    const t = tDst[k];
    if (t < tSrc[0] - 1e-12 * Math.abs(tSrc[0] || 1) || t > tSrc[ns - 1] * (1 + 1e-12) + 1e-300) {
      throw new ValidationError(
        `tDst[${k}]`,
        `${t} lies outside [${tSrc[0]}, ${tSrc[ns - 1]}]`,
        "times inside the source grid (no extrapolation)",
      );
    }
    if (seg > 0 && t < tSrc[seg]) seg = 0;
    while (seg < ns - 2 && tSrc[seg + 1] < t) seg++;
    const t0 = tSrc[seg];
    const t1 = tSrc[Math.min(seg + 1, ns - 1)];
    const s = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    const a = seg * n;
    const b = Math.min(seg + 1, ns - 1) * n;
    for (let p = 0; p < n; p++) out[k * n + p] = (1 - s) * ySrc[a + p] + s * ySrc[b + p];
  }
  return out;
}

/**
 * An estimate of linear interpolation's worst error on a grid: max over intervals of
 * h²/8·|x''| with x'' from second differences of the samples.
 */
export function interpolationErrorBound(t: ArrayLike<number>, y: Float64Array, n: number): number {
  let worst = 0;
  for (let k = 1; k + 1 < t.length; k++) {
    const h0 = t[k] - t[k - 1];
    const h1 = t[k + 1] - t[k];
    if (!(h0 > 0 && h1 > 0)) continue;
    const h = Math.max(h0, h1);
    for (let p = 0; p < n; p++) {
      const d2 =
        (2 *
          ((y[(k + 1) * n + p] - y[k * n + p]) / h1 - (y[k * n + p] - y[(k - 1) * n + p]) / h0)) /
        (h0 + h1);
      worst = Math.max(worst, (h * h * Math.abs(d2)) / 8);
    }
  }
  return worst;
}
