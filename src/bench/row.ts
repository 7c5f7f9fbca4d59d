import type { BenchEnvironment } from "./environment.js";

/**
 * One benchmark case as one JSON line of bench/results/*.jsonl. Times are wall-clock
 * milliseconds: the median of `repeats` timed runs after `warmups` untimed ones.
 */
export interface BenchRow {
  /** The start time of the bench run that produced the row (rows of one run share it). */
  runId: string;
  /** The group: "scaling" (single channel vs ngspice), "multichannel", "memristor". */
  suite: string;
  engine: "cellspice" | "ngspice";
  /** cellspice: the solver method; ngspice: "tran". */
  solver: string;
  rows: number;
  cols: number;
  channels: number;
  /** State variables (C·H·W, doubled for an M-CellNN). */
  dim: number;
  /** Transient length [τ]. */
  T: number;
  rtol?: number;
  atol?: number;
  dt?: number;
  /** ngspice's largest internal step [τ]. */
  maxStep?: number;
  steps?: number;
  rejectedSteps?: number;
  rhsEvaluations?: number;
  jacobianEvaluations?: number;
  linearSolves?: number;
  wallMs: number;
  wallMsMin: number;
  repeats: number;
  warmups: number;
  /** max |x(T) − x_ref(T)| over all cells. */
  error: number;
  /** M-CellNN: max |w(T) − w_ref(T)|. */
  errorW?: number;
  /** How the reference was computed. */
  reference: string;
  /** 1-minute load average when the case finished (the machine is shared). */
  load: number;
  /** Case-specific figures (cell updates per second, FLOP rate, …). */
  extra?: Record<string, number | string>;
  env: BenchEnvironment;
  date: string;
}
