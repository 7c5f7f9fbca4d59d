import type { Samples } from "./data.js";

/**
 * How the report embeds waveforms: the display grid (bins of the full grid), 16-bit quantised
 * traces in base64, the binned difference that keeps each bin's largest deviation, and JSON that
 * is safe inside a <script> element.
 */

/** max over time of |ng − cs| per cell (NaN where any sample is non-finite). */
export function maxAbsPerCell(cs: Samples, ng: Samples, nt: number, cells: number): Float64Array {
  const out = new Float64Array(cells);
  for (let k = 0; k < nt; k++) {
    for (let m = 0; m < cells; m++) {
      const d = Math.abs(ng[k * cells + m] - cs[k * cells + m]);
      out[m] = d > out[m] || Number.isNaN(d) ? d : out[m];
    }
  }
  return out;
}

/** First sample of each of at most `max` equal bins of 0..n−1, the last sample always kept. */
export function binStarts(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, k) => k);
  const out: number[] = [];
  for (let b = 0; b < max - 1; b++) out.push(Math.floor((b * (n - 1)) / (max - 1)));
  out.push(n - 1);
  return out;
}

function base64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

/**
 * Traces quantised to 16 bits, cells × P values, each cell's trace contiguous and scaled to its
 * own range: value = lo[m] + (q + 32767)·step[m], q = −32768 marks a non-finite sample. The
 * rounding error, (max − min)/131068 per trace, is far below a pixel.
 */
export interface QuantisedTraces {
  readonly q: string;
  readonly lo: string;
  readonly step: string;
}

export function quantise(
  cells: number,
  P: number,
  get: (m: number, p: number) => number,
): QuantisedTraces {
  const q = new Int16Array(cells * P);
  const lo = new Float64Array(cells);
  const step = new Float64Array(cells);
  const row = new Float64Array(P);
  for (let m = 0; m < cells; m++) {
    let a = Number.POSITIVE_INFINITY;
    let b = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < P; p++) {
      const v = get(m, p);
      row[p] = v;
      if (Number.isFinite(v)) {
        if (v < a) a = v;
        if (v > b) b = v;
      }
    }
    if (!(a <= b)) a = b = 0;
    const st = b > a ? (b - a) / 65534 : 0;
    lo[m] = a;
    step[m] = st;
    for (let p = 0; p < P; p++) {
      const v = row[p];
      q[m * P + p] = Number.isFinite(v)
        ? st > 0
          ? Math.round((v - a) / st) - 32767
          : -32767
        : -32768;
    }
  }
  return { q: base64(q), lo: base64(lo), step: base64(step) };
}

/** ng − cs per cell and bin: the value of largest magnitude between one bin start and the next. */
export function binnedDiff(cs: Samples, ng: Samples, nt: number, cells: number, picks: number[]) {
  const P = picks.length;
  return quantise(cells, P, (m, p) => {
    const k0 = picks[p];
    const k1 = p + 1 < P ? Math.max(k0 + 1, picks[p + 1]) : nt;
    let best = ng[k0 * cells + m] - cs[k0 * cells + m];
    for (let k = k0 + 1; k < k1; k++) {
      const d = ng[k * cells + m] - cs[k * cells + m];
      if (Math.abs(d) > Math.abs(best) || Number.isNaN(d)) best = d;
    }
    return best;
  });
}

/** JSON that cannot close its <script> element. */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
