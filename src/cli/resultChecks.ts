/**
 * Checks of a finished run before anything is written: a result holding NaN or ±Infinity is a
 * failure (exit 4) naming the first bad cell, never a success; a memristor state that left its
 * model's bounds is a warning printed with the result and stored in cosim.json.
 */
import { type CellArray, cellCount } from "../cells/spec.js";
import { CellspiceError } from "../core/errors.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";

/** A run that finished but whose waveforms hold a non-finite value. */
export class NonFiniteResultError extends CellspiceError {
  constructor(details: {
    engine: string;
    signal: string;
    cell: { channel: number; row: number; col: number };
    t: number;
    value: number;
  }) {
    const c = details.cell;
    super(
      "non-finite-result",
      `${details.engine}'s result holds ${details.value} in ${details.signal} of cell ` +
        `(${c.channel}, ${c.row}, ${c.col}) at t = ${details.t} τ: nothing was written. The ` +
        "array's dynamics overflow double precision (templates, inputs or step too large)",
      details,
    );
  }
}

function location(a: CellArray, p: number) {
  const perChannel = a.rows * a.cols;
  const channel = Math.floor(p / perChannel);
  const rest = p - channel * perChannel;
  return { channel, row: Math.floor(rest / a.cols), col: rest % a.cols };
}

/** Throws NonFiniteResultError at the first (earliest, then lowest cell) non-finite value. */
export function checkFiniteTrajectory(a: CellArray, tr: ArrayTrajectory): void {
  const n = tr.cells;
  for (let k = 0; k < tr.t.length; k++) {
    for (const [name, data] of [
      ["x", tr.x],
      ["w", tr.w],
    ] as const) {
      if (!data) continue;
      for (let p = 0; p < n; p++) {
        const v = data[k * n + p];
        if (!Number.isFinite(v)) {
          const cell = location(a, p);
          throw new NonFiniteResultError({
            engine: tr.engine,
            signal: `${name}_${cell.channel}_${cell.row}_${cell.col}`,
            cell,
            t: tr.t[k],
            value: v,
          });
        }
      }
    }
    if (!Number.isFinite(tr.t[k])) {
      throw new NonFiniteResultError({
        engine: tr.engine,
        signal: "t",
        cell: location(a, 0),
        t: tr.t[k],
        value: tr.t[k],
      });
    }
  }
}

/** States this far outside [wMin, wMax] are reported (rounding of the solvers stays below). */
const BOUND_SLACK = 1e-6;

/**
 * One warning per engine whose memristor states leave the model's [wMin, wMax]: the model is
 * then driven outside its validity, and the engines may disagree for that reason.
 */
export function memristorBoundWarnings(a: CellArray, tr: ArrayTrajectory): string[] {
  const m = a.memristor;
  if (!m || !tr.w) return [];
  const { wMin, wMax } = m.model;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let worst = -1;
  let worstExcess = 0;
  const n = cellCount(a);
  for (let k = 0; k < tr.w.length; k++) {
    const w = tr.w[k];
    if (w < lo) lo = w;
    if (w > hi) hi = w;
    const excess = Math.max(wMin - w, w - wMax);
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = k;
    }
  }
  if (!(worstExcess > BOUND_SLACK)) return [];
  const c = location(a, worst % n);
  const t = tr.t[Math.floor(worst / n)];
  return [
    `${tr.engine}: memristor state w left [${wMin}, ${wMax}] (range reached ${lo.toPrecision(4)} … ${hi.toPrecision(4)}; ` +
      `worst at cell (${c.channel}, ${c.row}, ${c.col}), t = ${t.toPrecision(4)} τ): the ${m.model.name} model ` +
      "is driven outside its validity, so its results (and the engines' agreement) are not trustworthy",
  ];
}
