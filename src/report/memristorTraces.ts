import { applyOutput } from "../cells/output.js";
import type { CellArray } from "../cells/spec.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";

/** Memristor voltage, current and state of every cell, nt × cells row-major, in SI units. */
export interface MemristorSamples {
  /** v = V_s·x (or V_s·f(x) when the memristor sees the output) [V]. */
  readonly v: Float64Array;
  /** i = i_M(w, v) from the model [A]. */
  readonly i: Float64Array;
  readonly w: Float64Array;
}

/**
 * The memristors' voltage and current along a trajectory (DESIGN.md 2.3): each cell's device
 * sees v = V_s·x and carries i = current(w, v). Throws RangeError when the array or the
 * trajectory has no memristors.
 */
export function memristorSamples(array: CellArray, tr: ArrayTrajectory): MemristorSamples {
  const m = array.memristor;
  if (!m || !tr.w)
    throw new RangeError(`${tr.engine}: array "${array.name}" has no memristor states`);
  const { Vs } = array.scales;
  const n = tr.x.length;
  const v = new Float64Array(n);
  const i = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = tr.x[k];
    v[k] = Vs * (m.voltage === "y" ? applyOutput(array.output, x) : x);
    i[k] = m.model.current(tr.w[k], v[k]);
  }
  return { v, i, w: tr.w };
}

/** The cell whose memristor state moves most, max_t |w(t) − w(0)| (the first cell on ties). */
export function mostActiveMemristor(w: Float64Array, cells: number): number {
  const nt = w.length / cells;
  let best = 0;
  let bestChange = -1;
  for (let p = 0; p < cells; p++) {
    let change = 0;
    for (let k = 1; k < nt; k++) change = Math.max(change, Math.abs(w[k * cells + p] - w[p]));
    if (change > bestChange) {
      bestChange = change;
      best = p;
    }
  }
  return best;
}

/** One cell's samples out of an nt × cells matrix. */
export function column(data: ArrayLike<number>, cells: number, p: number): Float64Array {
  const nt = Math.floor(data.length / cells);
  const out = new Float64Array(nt);
  for (let k = 0; k < nt; k++) out[k] = data[k * cells + p];
  return out;
}
