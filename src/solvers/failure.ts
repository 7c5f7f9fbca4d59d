import { SolverError, type SolverFailure } from "../core/errors.js";

/** How many of the largest components a failure report names. */
const WORST = 3;

/** A compact description of a state vector for error reports. */
export interface StateSummary {
  /** Index and value of the first non-finite component, if any. */
  firstNonFinite?: { index: number; value: number };
  /** The components of largest magnitude, largest first. */
  worst: { index: number; value: number }[];
  dim: number;
}

/** Index of the first non-finite entry of y, or −1. */
export function firstNonFinite(y: Float64Array): number {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return i;
  return -1;
}

/** Summarises y: its first non-finite entry and its WORST largest entries (allocates; errors only). */
export function summarizeState(y: Float64Array): StateSummary {
  const bad = firstNonFinite(y);
  const order = Array.from(y, (_, i) => i).sort((a, b) => {
    const va = Number.isFinite(y[a]) ? Math.abs(y[a]) : Number.POSITIVE_INFINITY;
    const vb = Number.isFinite(y[b]) ? Math.abs(y[b]) : Number.POSITIVE_INFINITY;
    return vb - va || a - b;
  });
  const worst = order.slice(0, WORST).map((index) => ({ index, value: y[index] }));
  const summary: StateSummary = { worst, dim: y.length };
  if (bad >= 0) summary.firstNonFinite = { index: bad, value: y[bad] };
  return summary;
}

/**
 * Builds the SolverError of a failed solve. `vector` is the state (or derivative, named by
 * `what`) that shows the failure; its summary goes into the message and into details.state.
 */
export function solverFailure(
  reason: SolverFailure,
  method: string,
  t: number,
  h: number,
  vector: Float64Array,
  what: string,
  extra = "",
  moreDetails: Record<string, unknown> = {},
): SolverError {
  const state = summarizeState(vector);
  const shown = state.firstNonFinite
    ? `${what}[${state.firstNonFinite.index}] = ${state.firstNonFinite.value}`
    : state.worst.map((w) => `${what}[${w.index}] = ${w.value.toPrecision(6)}`).join(", ");
  const message = `${method}: ${reason} at t = ${t} (h = ${h})${extra ? `: ${extra}` : ""}; ${shown}`;
  return new SolverError(reason, message, {
    ...moreDetails,
    t,
    h,
    method,
    state: { ...state },
    vector: what,
  });
}
