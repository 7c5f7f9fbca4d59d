import type { CellArray } from "../cells/spec.js";
import { simulateNgspice, type NgspiceRunOptions } from "../engines/ngspice.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";
import { simulateTypescript, type TypescriptRunOptions } from "../engines/typescript.js";
import { type CellMetrics, compareWaveforms, type OverallMetrics, type Tolerances, type Verdict, verdict } from "./metrics.js";

/**
 * [choice] Default tolerances, in units of x (V_s volts). ngspice's trapezoidal integration with
 * its largest step capped at 1e-3 τ (the default of the netlist) agrees with a tight cellspice
 * solution to a few 1e-6 on the classic templates (test/cosim/cosim.test.ts measures it); 1e-4
 * leaves a margin of over an order of magnitude, yet is far below what a wrong coefficient
 * does: a 1 % template error moves saturating cells by about 1e-2.
 */
export const DEFAULT_TOLERANCES: Tolerances = { maxAbs: 1e-4, rms: 3e-5, finalRelative: 1e-4, outputMaxAbs: 1e-4 };

export interface CosimOptions {
  /** Transient length (τ). */
  T: number;
  tolerances?: Partial<Tolerances>;
  typescript?: Omit<TypescriptRunOptions, "T" | "tEval">;
  ngspice?: Omit<NgspiceRunOptions, "T">;
}

export interface CellLocation {
  channel: number;
  row: number;
  col: number;
}

export interface CosimResult {
  array: CellArray;
  T: number;
  /** The common time grid: ngspice's own time points (τ). */
  t: Float64Array;
  cellspice: ArrayTrajectory;
  ngspice: ArrayTrajectory;
  netlist: string;
  cells: (CellMetrics & CellLocation)[];
  overall: OverallMetrics;
  /** Agreement of the memristor states (M-CellNN), reported but not part of the verdict. */
  memristor?: OverallMetrics;
  verdict: Verdict;
}

/**
 * Runs the same array in ngspice and in cellspice and compares them waveform by waveform.
 * cellspice's solution is evaluated (dense output) at ngspice's accepted time points, so the
 * comparison interpolates neither engine's data.
 */
export async function runCosim(array: CellArray, o: CosimOptions): Promise<CosimResult> {
  const ng = await simulateNgspice(array, { ...o.ngspice, T: o.T });
  const ts = simulateTypescript(array, { ...o.typescript, T: o.T, tEval: ng.t });
  const { cells, overall } = compareWaveforms(ng.t, ts.x, ng.x, ts.cells, array.output);
  const tolerances = { ...DEFAULT_TOLERANCES, ...o.tolerances };
  const memristor =
    ts.w && ng.w ? compareWaveforms(ng.t, ts.w, ng.w, ts.cells, { kind: "leaky", alpha: 1 }).overall : undefined;
  const { netlist, ...ngTrajectory } = ng;
  return {
    array,
    T: o.T,
    t: ng.t,
    cellspice: ts,
    ngspice: ngTrajectory,
    netlist,
    cells: cells.map((c) => ({ ...c, ...cellLocation(array, c.cell) })),
    overall,
    memristor,
    verdict: verdict(cells, overall, tolerances),
  };
}

export function cellLocation(array: CellArray, p: number): CellLocation {
  const plane = array.rows * array.cols;
  const channel = Math.floor(p / plane);
  const row = Math.floor((p - channel * plane) / array.cols);
  return { channel, row, col: p % array.cols };
}

/** The JSON summary of a co-simulation (no waveforms). */
export function cosimSummary(r: CosimResult): Record<string, unknown> {
  const a = r.array;
  return {
    array: {
      name: a.name,
      channels: a.channels,
      inputChannels: a.inputChannels,
      rows: a.rows,
      cols: a.cols,
      boundary: a.boundary,
      output: a.output,
      scales: a.scales,
      memristor: a.memristor ? { model: a.memristor.model.name, voltage: a.memristor.voltage } : null,
    },
    T: r.T,
    points: r.t.length,
    engines: {
      cellspice: { ...r.cellspice.info, wallTimeMs: r.cellspice.wallTimeMs },
      ngspice: { ...r.ngspice.info, wallTimeMs: r.ngspice.wallTimeMs },
    },
    overall: r.overall,
    memristor: r.memristor ?? null,
    verdict: {
      ...r.verdict,
      failingCells: r.verdict.failingCells.map((p) => ({ cell: p, ...cellLocation(a, p) })),
    },
    cells: r.cells,
  };
}
