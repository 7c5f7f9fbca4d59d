/**
 * The transient of an array as one engine computed it, in normalised units: time in τ, states x
 * (and memristor states w) per cell. Both engines (cellspice's solvers and ngspice) return this,
 * so co-simulation, plots and the CLI never care which engine ran.
 */
export interface ArrayTrajectory {
  engine: "cellspice" | "ngspice";
  /** Report times in units of τ (length nt). */
  t: Float64Array;
  /** Cells C·H·W. */
  cells: number;
  /** States x, row-major nt × cells. */
  x: Float64Array;
  /** Memristor states w, nt × cells (M-CellNN only). */
  w?: Float64Array;
  /** Engine details: solver and its statistics, or ngspice version and timing. */
  info: Record<string, unknown>;
  wallTimeMs: number;
}

/** The states of all cells at report index k. */
export function statesAt(tr: ArrayTrajectory, k: number): Float64Array {
  return tr.x.subarray(k * tr.cells, (k + 1) * tr.cells);
}

/** The waveform x_p(t) of one cell. */
export function cellWaveform(tr: ArrayTrajectory, p: number, field: "x" | "w" = "x"): Float64Array {
  const data = field === "x" ? tr.x : tr.w;
  if (!data) throw new RangeError(`this trajectory has no ${field} states`);
  const out = new Float64Array(tr.t.length);
  for (let k = 0; k < out.length; k++) out[k] = data[k * tr.cells + p];
  return out;
}
