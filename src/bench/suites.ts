import type { CellArray, PhysicalScales } from "../cells/spec.js";
import { createMemristor } from "../devices/registry.js";
import type { MemristorModel } from "../devices/types.js";
import { simulateNgspice } from "../engines/ngspice.js";
import { simulateTypescript } from "../engines/typescript.js";
import type { SolverMethod, SolveStats } from "../solvers/types.js";
import { benchArray } from "./arrays.js";
import { type BenchEnvironment, loadAverage, machinePeaks } from "./environment.js";
import { maxAbsError, type Timing, timeRepeated } from "./measure.js";
import type { BenchRow } from "./row.js";

/** Final-state accuracy that counts as "matched" (max |x(T) − x_ref(T)|). */
export const MATCHED_ERROR = 1e-4;

export const SUITES = ["scaling", "multichannel", "memristor", "stiff", "netlist"] as const;
export type SuiteName = (typeof SUITES)[number];

export interface BenchOptions {
  /** The big sweep (minutes, ngspice up to 48×48) instead of the quick one (< 2 min). */
  full: boolean;
  suites: readonly SuiteName[];
  /** Largest side ngspice is run at (default 24 quick, 48 full; 0 skips ngspice). */
  ngspiceMax?: number;
  env: BenchEnvironment;
  /** Stamped on every row (the run's start time). */
  runId: string;
  onRow(row: BenchRow): void;
  log(text: string): void;
}

/** One cellspice solver setting. */
interface SolverCase {
  method: SolverMethod;
  rtol?: number;
  dt?: number;
}

const ladder = (rtols: number[], method: SolverMethod = "dopri5"): SolverCase[] =>
  rtols.map((rtol) => ({ method, rtol }));

export async function runBenchmarks(o: BenchOptions): Promise<void> {
  for (const suite of o.suites) {
    o.log(`— ${suite}`);
    if (suite === "scaling") await scalingSuite(o);
    else if (suite === "multichannel") await multichannelSuite(o);
    else if (suite === "memristor") await memristorSuite(o);
    else if (suite === "stiff") await stiffSuite(o);
    else await netlistSuite(o);
  }
}

/** Report times shared by both engines: 100 intervals over [0, T], as ngspice's default. */
function reportTimes(T: number, points = 100): Float64Array {
  return Float64Array.from({ length: points + 1 }, (_, k) => (k === points ? T : (T * k) / points));
}

/** The final state (x then w) of a cellspice run of `array`. */
function runCellspice(array: CellArray, T: number, s: SolverCase, points = 100) {
  const tEval = reportTimes(T, points);
  const tr = simulateTypescript(array, {
    T,
    method: s.method,
    rtol: s.rtol,
    atol: s.rtol === undefined ? undefined : s.rtol * 1e-2,
    dt: s.dt,
    tEval,
  });
  const n = tr.cells;
  const k = tr.t.length - 1;
  return {
    x: tr.x.slice(k * n, (k + 1) * n),
    w: tr.w?.slice(k * n, (k + 1) * n),
    stats: (tr.info as { stats: SolveStats }).stats,
  };
}

/** Warm-up and repeats scaled to the case's cost: long cases are timed once. */
async function timeCase<T>(
  task: () => T | Promise<T>,
  slowMs = 3000,
): Promise<{ timing: Timing; result: T }> {
  const start = performance.now();
  await task();
  const first = performance.now() - start;
  if (first > slowMs)
    return timeRepeated(task, { warmups: 0, minRepeats: 1, maxRepeats: 1, minTotalMs: 0 });
  return timeRepeated(task, { warmups: 1, minRepeats: 5, maxRepeats: 30, minTotalMs: 300 });
}

function baseRow(
  o: BenchOptions,
  suite: string,
  array: CellArray,
  T: number,
): Omit<
  BenchRow,
  "engine" | "solver" | "wallMs" | "wallMsMin" | "repeats" | "warmups" | "error" | "reference"
> {
  const dim = array.channels * array.rows * array.cols * (array.memristor ? 2 : 1);
  return {
    runId: o.runId,
    suite,
    rows: array.rows,
    cols: array.cols,
    channels: array.channels,
    dim,
    T,
    load: 0,
    env: o.env,
    date: "",
  };
}

async function cellspiceRow(
  o: BenchOptions,
  suite: string,
  array: CellArray,
  T: number,
  s: SolverCase,
  ref: { x: Float64Array; w?: Float64Array; label: string },
  extra?: (r: { stats: SolveStats; wallMs: number }) => Record<string, number | string>,
): Promise<BenchRow> {
  const { timing, result } = await timeCase(() => runCellspice(array, T, s));
  const row: BenchRow = {
    ...baseRow(o, suite, array, T),
    engine: "cellspice",
    solver: s.method,
    rtol: s.rtol,
    atol: s.rtol === undefined ? undefined : s.rtol * 1e-2,
    dt: s.dt,
    steps: result.stats.steps,
    rejectedSteps: result.stats.rejectedSteps,
    rhsEvaluations: result.stats.rhsEvaluations,
    jacobianEvaluations: result.stats.jacobianEvaluations || undefined,
    linearSolves: result.stats.linearSolves || undefined,
    wallMs: timing.medianMs,
    wallMsMin: timing.minMs,
    repeats: timing.repeats,
    warmups: timing.warmups,
    error: maxAbsError(result.x, ref.x),
    errorW: ref.w && result.w ? maxAbsError(result.w, ref.w) : undefined,
    reference: ref.label,
    extra: extra?.({ stats: result.stats, wallMs: timing.medianMs }),
    load: loadAverage(),
    date: new Date().toISOString(),
  };
  emit(o, row);
  return row;
}

function emit(o: BenchOptions, row: BenchRow): void {
  const setting =
    row.maxStep !== undefined
      ? `maxStep ${row.maxStep}`
      : row.rtol !== undefined
        ? `rtol ${row.rtol}`
        : `dt ${Number(row.dt?.toPrecision(4))}`;
  o.log(
    `  ${row.engine.padEnd(9)} ${row.solver.padEnd(8)} ${row.channels}×${row.rows}×${row.cols} ${setting.padEnd(15)} ` +
      `${row.wallMs.toFixed(row.wallMs < 10 ? 3 : 1).padStart(9)} ms  err ${row.error.toExponential(1)}` +
      (row.errorW !== undefined ? ` (w ${row.errorW.toExponential(1)})` : "") +
      (row.steps !== undefined ? `  steps ${row.steps}` : ""),
  );
  o.onRow(row);
}

/** Single channel, growing arrays, cellspice against ngspice at matched accuracy. */
async function scalingSuite(o: BenchOptions): Promise<void> {
  const T = 1;
  const sizes = o.full ? [8, 16, 24, 32, 48, 64, 96, 128] : [8, 16, 24, 32, 48];
  const ngspiceMax = o.ngspiceMax ?? (o.full ? 48 : 24);
  const solvers: SolverCase[] = [
    ...ladder([1e-3, 1e-4, 1e-5, 3e-6, 1e-6, 1e-7]),
    { method: "rk4", dt: 0.25 },
    { method: "rk4", dt: 0.1 },
    { method: "rk4", dt: 1 / 12 },
    { method: "rk4", dt: 1 / 15 },
    { method: "rk4", dt: 0.05 },
    { method: "euler", dt: 0.01 },
  ];
  const maxSteps = [1e-1, 3e-2, 2e-2, 1e-2, 3e-3, 1e-3, 3e-4];
  for (const n of sizes) {
    const array = benchArray({ seed: 1, channels: 1, rows: n, cols: n });
    const refCase: SolverCase = { method: "odex", rtol: 1e-12 };
    const ref = { ...runCellspice(array, T, refCase), label: "odex rtol 1e-12 atol 1e-14" };
    for (const s of solvers) await cellspiceRow(o, "scaling", array, T, s, ref);
    if (n > ngspiceMax) continue;
    for (const maxStep of maxSteps) {
      const row = await ngspiceRow(o, array, T, maxStep, ref);
      if (row.error <= MATCHED_ERROR) break;
    }
  }
}

async function ngspiceRow(
  o: BenchOptions,
  array: CellArray,
  T: number,
  maxStep: number,
  ref: { x: Float64Array; label: string },
  form: NetlistForm = { templateForm: "vccs", inputForm: "sources" },
  suite = "scaling",
): Promise<BenchRow> {
  let processMs = 0;
  const task = async () => {
    const tr = await simulateNgspice(array, {
      T,
      points: 100,
      maxStep,
      timeoutMs: 600_000,
      ...form,
    });
    processMs = tr.wallTimeMs;
    return tr;
  };
  // ngspice has no JIT to warm up: the first run is timed too; repeats only when runs are short.
  const start = performance.now();
  const first = await task();
  const firstMs = performance.now() - start;
  const firstProcessMs = processMs;
  const { timing, result } =
    firstMs > 2000
      ? { timing: { medianMs: firstMs, minMs: firstMs, repeats: 1, warmups: 0 }, result: first }
      : await timeRepeated(task, { warmups: 0, minRepeats: 3, maxRepeats: 5, minTotalMs: 0 });
  const n = result.cells;
  const k = result.t.length - 1;
  const row: BenchRow = {
    ...baseRow(o, suite, array, T),
    engine: "ngspice",
    solver: suite === "netlist" ? `${form.templateForm}/${form.inputForm}` : "tran",
    maxStep,
    wallMs: timing.medianMs,
    wallMsMin: timing.minMs,
    repeats: timing.repeats,
    warmups: 0,
    error: maxAbsError(result.x.subarray(k * n, (k + 1) * n), ref.x),
    reference: ref.label,
    extra: {
      ngspiceVersion: String(result.info.ngspiceVersion),
      points: result.t.length,
      processMs: firstMs > 2000 ? firstProcessMs : processMs,
    },
    load: loadAverage(),
    date: new Date().toISOString(),
  };
  emit(o, row);
  return row;
}

/** A trained-layer-sized array: 28×28 (and larger), many channels, full 3×3 templates. */
async function multichannelSuite(o: BenchOptions): Promise<void> {
  const T = 1;
  const shapes: [number, number][] = o.full
    ? [
        [32, 28],
        [64, 28],
        [128, 28],
      ]
    : [[32, 28]];
  const solvers: SolverCase[] = [
    { method: "euler", dt: 0.01 },
    { method: "rk4", dt: 0.5 },
    { method: "rk4", dt: 0.25 },
    { method: "rk4", dt: 0.1 },
    { method: "rk4", dt: 0.05 },
    ...ladder([1e-3, 1e-4, 1e-5]),
  ];
  const peaks = machinePeaks(o.env);
  for (const [channels, n] of shapes) {
    const array = benchArray({ seed: 2, channels, rows: n, cols: n });
    const ref = {
      ...runCellspice(array, T, { method: "dopri5", rtol: 1e-9 }),
      label: "dopri5 rtol 1e-9 atol 1e-11",
    };
    const cells = channels * n * n;
    const refScale = ref.x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    // FLOP per cell update: 9·C multiply-adds of A ⋆ f(x), plus f and −x + (B⋆u + z) (≈ 6).
    const flopPerUpdate = 18 * channels + 6;
    for (const s of solvers) {
      await cellspiceRow(o, "multichannel", array, T, s, ref, ({ stats, wallMs }) => {
        const updates = (stats.rhsEvaluations * cells) / (wallMs / 1000);
        const gflops = (updates * flopPerUpdate) / 1e9;
        return {
          stateScale: refScale,
          cellUpdatesPerSecond: updates,
          stencilGflops: gflops,
          fractionOfVectorPeak: gflops / peaks.vectorPeak,
          fractionOfScalarPeak: gflops / peaks.scalarPeak,
        };
      });
    }
  }
}

/** M-CellNN in the switching regime: implicit against explicit at equal accuracy. */
async function memristorSuite(o: BenchOptions): Promise<void> {
  const T = 1;
  const sizes = o.full ? [4, 8, 12, 16] : [4, 8];
  const model = createMemristor("strachan-taox-smooth");
  const scales = { tau: 1e-3, Vs: 0.5, R: 100 };
  const solvers: SolverCase[] = [
    ...ladder([1e-4, 1e-5, 1e-6]),
    ...ladder([1e-4, 1e-5, 1e-6], "implicit"),
  ];
  for (const n of sizes) {
    // Strong feedback (scaleA 1.5) drives cells to |x| ≈ 1.5, i.e. 0.75 V across the memristor:
    // most memristors switch ON within the transient.
    const { array, ref } = memristorCase(n, T, { model, w0: 0.1, scales }, 1.5);
    for (const s of solvers) {
      // Dense LU of the 2·H·W Jacobian, refactored at every step-size change: beyond these sizes
      // one implicit solve takes minutes (docs/performance.md).
      if (s.method === "implicit" && n > (o.full ? 12 : 8)) continue;
      await cellspiceRow(o, "memristor", array, T, s, ref, () => ({
        switched: countSwitched(ref.w),
      }));
    }
  }
}

/** A single-channel n×n M-CellNN benchmark array (seed 3) and its DOPRI5 rtol 1e-11 reference. */
function memristorCase(
  n: number,
  T: number,
  memristor: { model: MemristorModel; w0: number; scales: PhysicalScales },
  scaleA?: number,
) {
  const array = benchArray({ seed: 3, channels: 1, rows: n, cols: n, scaleA, memristor });
  const r = runCellspice(array, T, { method: "dopri5", rtol: 1e-11 });
  return { array, ref: { x: r.x, w: r.w, label: "dopri5 rtol 1e-11 atol 1e-13" } };
}

/** Memristors whose reference state ended above 0.3 (switched ON from w₀ = 0.1). */
function countSwitched(w: Float64Array | undefined): number {
  return w ? w.filter((v) => v > 0.3).length : 0;
}

/**
 * M-CellNN arrays whose memristors dominate their cells: R = 10 MΩ against G(w = 0.1) ≈ 2.5 mS,
 * so the cell's fastest eigenvalue is about −R·G ≈ −25,000/τ and explicit solvers are limited
 * by stability, not accuracy (test/cells/mcellnn.test.ts). Implicit against explicit at equal
 * accuracy.
 */
async function stiffSuite(o: BenchOptions): Promise<void> {
  const T = 1;
  const sizes = o.full ? [4, 8, 12] : [4, 8];
  const model = createMemristor("strachan-taox-smooth");
  const scales = { tau: 1e-3, Vs: 0.5, R: 1e7 };
  const solvers: SolverCase[] = [
    ...ladder([1e-4, 1e-6]),
    ...ladder([1e-4, 1e-6, 1e-8], "implicit"),
  ];
  for (const n of sizes) {
    const { array, ref } = memristorCase(n, T, { model, w0: 0.1, scales });
    const stateScale = Math.max(...Array.from(ref.x, Math.abs));
    for (const s of solvers)
      await cellspiceRow(o, "stiff", array, T, s, ref, () => ({ stateScale }));
  }
}

interface NetlistForm {
  templateForm: "vccs" | "behavioral";
  inputForm: "sources" | "folded";
}

/**
 * Which netlist form ngspice solves faster (issue 3): template currents as one VCCS per
 * coefficient or one behavioural source per cell, inputs as voltage sources with VCCS or folded
 * into one current source per cell. Same array, same accuracy setting (maxStep 1e-2 τ).
 */
async function netlistSuite(o: BenchOptions): Promise<void> {
  const T = 1;
  const sizes = o.full ? [8, 16, 24, 32] : [8, 16, 24];
  const forms: NetlistForm[] = [
    { templateForm: "vccs", inputForm: "sources" },
    { templateForm: "behavioral", inputForm: "sources" },
    { templateForm: "vccs", inputForm: "folded" },
    { templateForm: "behavioral", inputForm: "folded" },
  ];
  for (const n of sizes) {
    const array = benchArray({ seed: 1, channels: 1, rows: n, cols: n });
    const ref = {
      ...runCellspice(array, T, { method: "odex", rtol: 1e-12 }),
      label: "odex rtol 1e-12 atol 1e-14",
    };
    for (const form of forms) await ngspiceRow(o, array, T, 1e-2, ref, form, "netlist");
  }
}
