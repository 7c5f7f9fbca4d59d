import type { CellArray } from "../cells/spec.js";
import { type NgspiceRunOptions, simulateNgspice } from "../engines/ngspice.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";
import { simulateTypescript, type TypescriptRunOptions } from "../engines/typescript.js";
import {
  type CellMetrics,
  compareWaveforms,
  type OverallMetrics,
  type Tolerances,
  type Verdict,
  verdict,
} from "./metrics.js";
import { compareSwitching } from "./switching.js";

/**
 * [choice] Default tolerances, in units of x (V_s volts). ngspice's trapezoidal integration with
 * its largest step capped at 1e-3 τ (the default of the netlist) agrees with a tight cellspice
 * solution to a few 1e-6 on the classic templates (test/cosim/cosim.test.ts measures it); 1e-4
 * leaves a margin of over an order of magnitude, yet is far below what a wrong coefficient
 * does: a 1 % template error moves saturating cells by about 1e-2.
 */
export const DEFAULT_TOLERANCES: Tolerances = {
  maxAbs: 1e-4,
  rms: 3e-5,
  finalRelative: 1e-4,
  outputMaxAbs: 1e-4,
};

/**
 * [choice] M-CellNN: where a memristor switches abruptly the instant is ill-conditioned
 * (DESIGN.md 2.1), so w is compared by its switching times: the first time w crosses
 * `threshold`, which must agree within `maxDelta` τ in every cell, and switch in both engines or
 * in neither. The default 1e-3 τ: on test/cosim's 4×4 edge M-CellNN the engines' switching times
 * agree to 4e-6 τ, while halving one memristor's B_on delays its switch by 4.5e-3 τ.
 */
export interface SwitchingTolerance {
  threshold: number;
  maxDelta: number;
}

export const DEFAULT_SWITCHING: SwitchingTolerance = { threshold: 0.5, maxDelta: 1e-3 };

export interface CosimOptions {
  /** Transient length (τ). */
  T: number;
  tolerances?: Partial<Tolerances>;
  switching?: Partial<SwitchingTolerance>;
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
  /** Agreement of the memristor states w (M-CellNN): waveforms and switching times. */
  memristor?: OverallMetrics & {
    switching: ReturnType<typeof compareSwitching> & { tolerance: SwitchingTolerance };
  };
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
  const switchTol = { ...DEFAULT_SWITCHING, ...o.switching };
  const memristor =
    ts.w && ng.w
      ? {
          ...compareWaveforms(ng.t, ts.w, ng.w, ts.cells, { kind: "leaky", alpha: 1 }).overall,
          switching: {
            ...compareSwitching(ng.t, ts.w, ng.w, ts.cells, switchTol.threshold),
            tolerance: switchTol,
          },
        }
      : undefined;
  const v = verdict(cells, overall, tolerances);
  if (memristor) {
    const s = memristor.switching;
    if (!(s.maxDelta <= switchTol.maxDelta) || s.mismatched.length > 0) {
      v.pass = false;
      v.failed.push("switching");
      const late = s.events
        .filter((e) => e.a === null || e.b === null || Math.abs(e.a - e.b) > switchTol.maxDelta)
        .map((e) => e.cell);
      v.failingCells = [...new Set([...v.failingCells, ...late])];
    }
  }
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
    verdict: v,
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
      memristor: a.memristor
        ? { model: a.memristor.model.name, voltage: a.memristor.voltage }
        : null,
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
