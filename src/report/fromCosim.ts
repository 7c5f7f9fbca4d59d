import { applyOutputInto } from "../cells/output.js";
import type { CellArray } from "../cells/spec.js";
import type { CosimResult } from "../cosim/cosim.js";
import type { ReportData } from "../plot/reportData.js";
import { formatNumber } from "../plot/svgText.js";
import { describeBoundary, describeEngine, describeScales, describeTemplates } from "./describe.js";
import { column, memristorSamples } from "./memristorTraces.js";

export interface CosimReportOptions {
  readonly title?: string;
  readonly description?: string;
  /** Template name or description shown in the summary (default: the templates' shapes). */
  readonly template?: string;
  readonly cellspiceVersion?: string;
  /** Static figures appended to the report (e.g. `cosimFigures(r)`). */
  readonly figures?: ReportData["figures"];
  /**
   * Memristor traces of this one cell only (the report then shows one fixed i–v loop); default:
   * every cell's traces, following the report's cell picker.
   */
  readonly memristorCell?: number;
  /** ISO time for the footer; default none (reproducible output). */
  readonly generated?: string;
}

/**
 * The HTML report's data (src/plot/reportData.ts) of a co-simulation: summary, metrics and
 * verdict, both engines' waveforms on ngspice's time grid (τ), input and final output images
 * y = f(x(T)) of both engines, the per-cell error map, and for an M-CellNN the memristor
 * traces of every cell (v = V_s·x, i = i_M(w, v), w; from the cellspice run).
 */
export function reportFromCosim(r: CosimResult, o: CosimReportOptions = {}): ReportData {
  const a = r.array;
  const nt = r.t.length;
  const n = r.cellspice.cells;
  const tol = r.verdict.tolerances;
  return {
    title: o.title ?? `Co-simulation of ${a.name}`,
    description: o.description,
    array: {
      name: a.name,
      channels: a.channels,
      inputChannels: a.inputChannels,
      rows: a.rows,
      cols: a.cols,
      template: o.template ?? describeTemplates(a),
      boundary: describeBoundary(a.boundary),
      engine: {
        T: `${formatNumber(r.T)} τ`,
        scales: describeScales(a),
        output:
          a.output.kind === "leaky" ? `leaky, α = ${formatNumber(a.output.alpha)}` : "standard",
        ...(a.memristor
          ? { memristor: `${a.memristor.model.name}, across ${a.memristor.voltage}` }
          : {}),
        ...(r.memristor ? { "memristor switching": describeSwitching(r.memristor.switching) } : {}),
        ...describeEngine(r.cellspice),
        ...describeEngine(r.ngspice),
      },
      ngspiceVersion: String(r.ngspice.info.ngspiceVersion ?? "?"),
      cellspiceVersion: o.cellspiceVersion,
    },
    metrics: {
      overall: {
        maxAbsError: r.overall.maxAbs,
        rmsError: r.overall.rms,
        finalRelError: r.overall.finalRelative,
        worstTime: r.overall.tWorst,
        worstCell: r.overall.worstCell,
        pass: r.verdict.pass,
        tolerances: { maxAbs: tol.maxAbs, rms: tol.rms, finalRel: tol.finalRelative },
      },
      cells: r.cells.map((c) => ({
        cell: c.cell,
        maxAbsError: c.maxAbs,
        rmsError: c.rms,
        finalAbsError: c.finalAbs,
      })),
    },
    t: r.t,
    timeUnit: "tau",
    quantity: { symbol: "x", unit: "", label: "state x" },
    waveforms: { cellspice: r.cellspice.x, ngspice: r.ngspice.x },
    memristor: a.memristor ? memristorTraces(r, o.memristorCell) : undefined,
    input: a.input,
    outputs: [
      { label: "cellspice y(T)", values: finalOutput(a, r.cellspice.x, nt, n) },
      { label: "ngspice y(T)", values: finalOutput(a, r.ngspice.x, nt, n) },
    ],
    errorMap: Float64Array.from(r.cells, (c) => c.maxAbs),
    figures: o.figures,
    generated: o.generated,
  };
}

function memristorTraces(r: CosimResult, cell: number | undefined): ReportData["memristor"] {
  const s = memristorSamples(r.array, r.cellspice);
  if (cell === undefined) return s;
  const n = r.cellspice.cells;
  if (!(Number.isInteger(cell) && cell >= 0 && cell < n))
    throw new RangeError(`memristor cell ${cell} is not in 0…${n - 1}`);
  return { v: column(s.v, n, cell), i: column(s.i, n, cell), w: column(s.w, n, cell), cell };
}

function describeSwitching(s: NonNullable<CosimResult["memristor"]>["switching"]): string {
  const both = s.events.length - s.mismatched.length;
  return `${both} cell(s) switch (w crosses ${formatNumber(s.tolerance.threshold)}) in both engines, ${s.mismatched.length} in one only; max |Δt| = ${formatNumber(s.maxDelta)} τ (tolerance ${formatNumber(s.tolerance.maxDelta)} τ)`;
}

/** y(T) = f(x(T)) from an nt × cells trajectory. */
export function finalOutput(
  a: CellArray,
  x: Float64Array,
  nt: number,
  cells: number,
): Float64Array {
  const y = new Float64Array(cells);
  applyOutputInto(a.output, x.subarray((nt - 1) * cells, nt * cells), y);
  return y;
}
