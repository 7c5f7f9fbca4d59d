/**
 * Uniform symmetric quantisation, the grid of a signed word of `bits` bits with a zero code:
 * L = 2^(bits−1) − 1 levels on each side of 0, step q = FS/L, values k·q with |k| ≤ L. A value
 * inside [−FS, FS] moves by at most q/2 when rounded to the nearest level (q when truncated or
 * rounded stochastically); a value beyond the full scale clips to ±FS.
 */
export type Rounding = "nearest" | "truncate" | "stochastic";

export interface Grid {
  /** Step q between levels. */
  readonly step: number;
  /** Largest level index L. */
  readonly levels: number;
}

/** The grid of `bits` bits over [−fullScale, fullScale]. */
export function quantisationGrid(bits: number, fullScale: number): Grid {
  const levels = 2 ** (bits - 1) - 1;
  return { step: fullScale / levels, levels };
}

/**
 * The level nearest to v (ties away from 0), toward 0, or stochastically (up with probability
 * equal to the fraction, `u` a uniform in [0, 1)), clipped to the grid. A grid of full scale 0
 * (all coefficients zero) maps everything to 0.
 */
export function quantise(v: number, grid: Grid, rounding: Rounding, u = 0): number {
  if (!(grid.step > 0)) return 0;
  const s = v / grid.step;
  let k: number;
  if (rounding === "nearest") k = Math.sign(s) * Math.floor(Math.abs(s) + 0.5);
  else if (rounding === "truncate") k = Math.trunc(s);
  else k = Math.floor(s + u);
  if (k > grid.levels) k = grid.levels;
  else if (k < -grid.levels) k = -grid.levels;
  return k === 0 ? 0 : k * grid.step;
}

/** Quantises every element of `values` in place to the nearest level (converters: DAC, ADC). */
export function quantiseInPlace(values: Float64Array, grid: Grid): Float64Array {
  for (let k = 0; k < values.length; k++) values[k] = quantise(values[k], grid, "nearest");
  return values;
}

/** max |v| over a range of an array. */
export function maxAbs(values: ArrayLike<number>, start = 0, end = values.length): number {
  let m = 0;
  for (let k = start; k < end; k++) {
    const a = Math.abs(values[k]);
    if (a > m) m = a;
  }
  return m;
}
