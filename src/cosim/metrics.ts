import { applyOutput, type OutputFunction } from "../cells/output.js";
import { ValidationError } from "../core/errors.js";

/** Agreement of one cell's two waveforms. */
export interface CellMetrics {
  cell: number;
  /** max_t |x_a − x_b| */
  maxAbs: number;
  /** sqrt(mean_t (x_a − x_b)²) over the report times */
  rms: number;
  /** The time (τ) of the largest difference. */
  tWorst: number;
  /** |x_a(T) − x_b(T)| */
  finalAbs: number;
  /** max_t |f(x_a) − f(x_b)|, the agreement of the outputs a reader of the array sees. */
  outputMaxAbs: number;
}

export interface OverallMetrics {
  maxAbs: number;
  rms: number;
  tWorst: number;
  worstCell: number;
  /** ‖x_a(T) − x_b(T)‖₂ / ‖x_b(T)‖₂ (absolute when x_b(T) = 0). */
  finalRelative: number;
  outputMaxAbs: number;
}

/**
 * Compares two trajectories given on the same times (nt × n row-major, `a` the candidate, `b`
 * the reference). Any NaN makes the metrics NaN, and a verdict on NaN fails.
 */
export function compareWaveforms(
  t: ArrayLike<number>,
  a: Float64Array,
  b: Float64Array,
  n: number,
  output: OutputFunction,
): { cells: CellMetrics[]; overall: OverallMetrics } {
  const nt = t.length;
  if (a.length !== nt * n || b.length !== nt * n) {
    throw new ValidationError(
      "waveforms",
      `lengths ${a.length} and ${b.length}`,
      `both ${nt} times × ${n} cells`,
    );
  }
  const cells: CellMetrics[] = [];
  let sumSq = 0;
  for (let p = 0; p < n; p++) {
    let maxAbs = 0;
    let outMax = 0;
    let sq = 0;
    let kWorst = 0;
    for (let k = 0; k < nt; k++) {
      const xa = a[k * n + p];
      const xb = b[k * n + p];
      const d = Math.abs(xa - xb);
      if (!(d <= maxAbs)) {
        maxAbs = d; // NaN propagates: NaN <= x is false
        kWorst = k;
      }
      sq += d * d;
      const dOut = Math.abs(applyOutput(output, xa) - applyOutput(output, xb));
      if (!(dOut <= outMax)) outMax = dOut;
    }
    sumSq += sq;
    const last = (nt - 1) * n + p;
    cells.push({
      cell: p,
      maxAbs,
      rms: Math.sqrt(sq / nt),
      tWorst: t[kWorst],
      finalAbs: Math.abs(a[last] - b[last]),
      outputMaxAbs: outMax,
    });
  }
  let worst = cells[0];
  let outputMaxAbs = 0;
  for (const c of cells) {
    if (!(c.maxAbs <= worst.maxAbs)) worst = c;
    if (!(c.outputMaxAbs <= outputMaxAbs)) outputMaxAbs = c.outputMaxAbs;
  }
  let diff = 0;
  let ref = 0;
  for (let p = 0; p < n; p++) {
    const k = (nt - 1) * n + p;
    diff += (a[k] - b[k]) ** 2;
    ref += b[k] ** 2;
  }
  return {
    cells,
    overall: {
      maxAbs: worst.maxAbs,
      rms: Math.sqrt(sumSq / (nt * n)),
      tWorst: worst.tWorst,
      worstCell: worst.cell,
      finalRelative: ref > 0 ? Math.sqrt(diff / ref) : Math.sqrt(diff),
      outputMaxAbs,
    },
  };
}

/** Tolerances of a co-simulation verdict; a cell fails when any of its metrics exceeds one. */
export interface Tolerances {
  maxAbs: number;
  rms: number;
  finalRelative: number;
  outputMaxAbs: number;
}

export interface Verdict {
  pass: boolean;
  tolerances: Tolerances;
  /** Cells that exceed a per-cell tolerance (maxAbs, rms, outputMaxAbs), worst first. */
  failingCells: number[];
  /** Which tolerances failed overall ("switching": memristor switching times, M-CellNN). */
  failed: (keyof Tolerances | "switching")[];
}

export function verdict(cells: CellMetrics[], overall: OverallMetrics, tol: Tolerances): Verdict {
  for (const [k, v] of Object.entries(tol)) {
    if (!(v > 0)) throw new ValidationError(`tolerances.${k}`, `got ${v}`, "a positive number");
  }
  const failingCells = cells
    .filter(
      (c) => !(c.maxAbs <= tol.maxAbs && c.rms <= tol.rms && c.outputMaxAbs <= tol.outputMaxAbs),
    )
    .sort((x, y) => (y.maxAbs || Number.POSITIVE_INFINITY) - (x.maxAbs || Number.POSITIVE_INFINITY))
    .map((c) => c.cell);
  const failed: Verdict["failed"] = [];
  if (!(overall.maxAbs <= tol.maxAbs)) failed.push("maxAbs");
  if (!(overall.rms <= tol.rms)) failed.push("rms");
  if (!(overall.finalRelative <= tol.finalRelative)) failed.push("finalRelative");
  if (!(overall.outputMaxAbs <= tol.outputMaxAbs)) failed.push("outputMaxAbs");
  return {
    pass: failed.length === 0 && failingCells.length === 0,
    tolerances: tol,
    failingCells,
    failed,
  };
}
