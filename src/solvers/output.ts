/**
 * The report times of a solve are known before it starts (the step grid, [t0, t1], or tEval),
 * so the result arrays are allocated once and filled as the integration passes each time.
 */
export class Recorder {
  readonly times: Float64Array;
  readonly states: Float64Array;
  readonly dim: number;
  /** Index of the next report time not yet filled. */
  next = 0;

  constructor(times: Float64Array, dim: number) {
    this.times = times;
    this.dim = dim;
    this.states = new Float64Array(times.length * dim);
  }

  get done(): boolean {
    return this.next >= this.times.length;
  }

  /** The next report time, or +∞ when all are filled. */
  get nextTime(): number {
    return this.next < this.times.length ? this.times[this.next] : Number.POSITIVE_INFINITY;
  }

  /** The row of the next report time, to be written by an interpolant; then call advance(). */
  row(): Float64Array {
    return this.states.subarray(this.next * this.dim, (this.next + 1) * this.dim);
  }

  advance(): void {
    this.next++;
  }

  /** Copies y into the row of the next report time and advances. */
  store(y: Float64Array): void {
    this.states.set(y, this.next * this.dim);
    this.next++;
  }
}

/** Times closer than this (relative to the span) to a step end are reported as the step end. */
export const TIME_MATCH = 1e-12;

/**
 * Fills every report time in (tOld, tNew]: a time within TIME_MATCH·span of tNew gets yNew
 * exactly, earlier ones are written by `interpolate(t, out)`.
 */
export function reportStep(
  rec: Recorder,
  tNew: number,
  yNew: Float64Array,
  span: number,
  interpolate: (t: number, out: Float64Array) => void,
): void {
  const eps = TIME_MATCH * span;
  while (!rec.done && rec.nextTime <= tNew + eps) {
    const tr = rec.nextTime;
    if (Math.abs(tr - tNew) <= eps) rec.store(yNew);
    else {
      interpolate(tr, rec.row());
      rec.advance();
    }
  }
}

/**
 * Cubic Hermite interpolation on [ta, tb] from values ya, yb and derivatives fa, fb (third
 * order accurate; exact for cubics). Writes y(t) into out.
 */
export function hermite(
  ta: number,
  tb: number,
  ya: Float64Array,
  fa: Float64Array,
  yb: Float64Array,
  fb: Float64Array,
  t: number,
  out: Float64Array,
): void {
  const h = tb - ta;
  const s = (t - ta) / h;
  const s2 = s * s;
  const s3 = s2 * s;
  const h00 = 2 * s3 - 3 * s2 + 1;
  const h10 = (s3 - 2 * s2 + s) * h;
  const h01 = -2 * s3 + 3 * s2;
  const h11 = (s3 - s2) * h;
  for (let i = 0; i < out.length; i++) {
    out[i] = h00 * ya[i] + h10 * fa[i] + h01 * yb[i] + h11 * fb[i];
  }
}
