import type { Samples } from "./data.js";
import type { TimeUnit } from "./svgText.js";

/**
 * Everything the co-simulation HTML report shows (`renderReport`). Cells are numbered in the
 * array's flat order, cell (c, i, j) = (c·rows + i)·cols + j (as `cellIndex` in src/cells).
 * Waveform matrices are row-major nt × cells: the value of cell m at time t[k] is
 * `w[k·cells + m]` (the layout of the solvers' `Recorder.states`).
 */
export interface ReportData {
  readonly title: string;
  /** A paragraph under the title (plain text; escaped). */
  readonly description?: string;
  readonly array: ArraySummary;
  readonly metrics: ReportMetrics;
  /** The common time grid of both engines (length nt), in `timeUnit`. */
  readonly t: Samples;
  /** "s" (physical seconds, shown with SI prefixes) or "tau" (cell time τ = R·C). */
  readonly timeUnit: TimeUnit;
  /** The compared quantity, e.g. { symbol: "x", unit: "", label: "state x" } (normalised) or
   * { symbol: "v", unit: "V", label: "cell voltage v" }; default { symbol: "x", unit: "" }. The
   * label (default: the symbol) titles the waveform axis. */
  readonly quantity?: { readonly symbol: string; readonly unit: string; readonly label?: string };
  /** nt × cells waveforms of each engine on the grid `t`. */
  readonly waveforms: { readonly cellspice: Samples; readonly ngspice: Samples };
  readonly memristor?: MemristorTraces;
  /** Input image(s) of the array: C_in×rows×cols values (each input channel shown). */
  readonly input?: Samples;
  /** Output images, e.g. { label: "ngspice y(T)", values: C×rows×cols } — typically the final
   * outputs y = f(x(T)) of both engines and the expected output. Each channel is shown. */
  readonly outputs?: ReadonlyArray<{ readonly label: string; readonly values: Samples }>;
  /** Per-cell error (cells values); default: max over t of |ngspice − cellspice| per cell. */
  readonly errorMap?: Samples;
  /** Extra static figures, e.g. from plotWaveforms or plotIvLoop. */
  readonly figures?: ReadonlyArray<{
    readonly title: string;
    readonly svg: string;
    readonly caption?: string;
  }>;
  /** Generation time shown in the footer (ISO string); default: none (keeps output reproducible). */
  readonly generated?: string;
}

/** What was simulated, shown as a table at the top of the report. */
export interface ArraySummary {
  readonly name: string;
  readonly channels: number;
  /** Input channels C_in (default: channels). */
  readonly inputChannels?: number;
  readonly rows: number;
  readonly cols: number;
  /** Template name or a short description, e.g. "EDGE" or "A: 3×3, B: 3×3, z = −1". */
  readonly template: string;
  /** "fixed", "zero-flux", "periodic" (free text). */
  readonly boundary: string;
  /** Settings of both engines as label → value, e.g. { "cellspice solver": "dopri5, rtol 1e-8",
   * "ngspice .tran": "tstep 1e-3 tmax 1e-3", "T": "5 τ" }. */
  readonly engine: Readonly<Record<string, string>>;
  readonly ngspiceVersion: string;
  readonly cellspiceVersion?: string;
}

export interface ReportMetrics {
  readonly overall: ReportOverallMetrics;
  /** Per-cell metrics for any subset of cells; the report lists the worst ones. */
  readonly cells: readonly ReportCellMetrics[];
}

export interface ReportOverallMetrics {
  /** max over cells and t of |ngspice − cellspice|. */
  readonly maxAbsError: number;
  /** Root mean square of ngspice − cellspice over cells and t. */
  readonly rmsError: number;
  /** ‖x_ng(T) − x_cs(T)‖₂ / ‖x_cs(T)‖₂ at the final time. */
  readonly finalRelError: number;
  /** Time (in timeUnit) and cell of the largest |difference|. */
  readonly worstTime: number;
  readonly worstCell: number;
  readonly pass: boolean;
  /** The tolerances the verdict was taken against (those given are shown). */
  readonly tolerances: {
    readonly maxAbs?: number;
    readonly rms?: number;
    readonly finalRel?: number;
  };
}

export interface ReportCellMetrics {
  /** Flat cell index (c·rows + i)·cols + j. */
  readonly cell: number;
  readonly maxAbsError: number;
  readonly rmsError: number;
  /** |ngspice − cellspice| at the final time. */
  readonly finalAbsError: number;
}

/**
 * Memristor traces: either one device (`cell` set, each array of length nt) or every cell
 * (`cell` undefined, nt × cells like the waveforms); the per-cell form follows the cell picker.
 * v [V], i [A], w ∈ (0, 1], sampled on the report's grid t, from the cellspice run.
 */
export interface MemristorTraces {
  readonly v: Samples;
  readonly i: Samples;
  readonly w: Samples;
  readonly cell?: number;
}
