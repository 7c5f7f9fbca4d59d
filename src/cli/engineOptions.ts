/**
 * Options shared by the commands that run an engine, with their units, and how they combine
 * with the `simulation` settings carried in an array file (command line first, then the file,
 * then the defaults).
 */
import { type Command, Option } from "commander";
import type { SimulationSettings } from "../cells/io.js";
import { checkPointCount, DEFAULT_LIMITS, type SizeLimits } from "../cells/limits.js";
import { type CellArray, cellCount } from "../cells/spec.js";
import type { SystemPrecision } from "../cells/system.js";
import { ValidationError } from "../core/errors.js";
import type { NgspiceRunOptions } from "../engines/ngspice.js";
import type { TypescriptRunOptions } from "../engines/typescript.js";
import type { SolverMethod } from "../solvers/types.js";
import { SOLVER_METHODS } from "../solvers/validate.js";
import { UsageError } from "./exitCodes.js";
import { positiveInteger, positiveNumber } from "./options.js";

/** Transient length when neither the command line nor the array file gives one (the paper's T). */
export const DEFAULT_T = 1;

export interface TransientFlags {
  T?: number;
  points?: number;
  maxCells?: number;
  maxPoints?: number;
  maxValues?: number;
}

export interface NgspiceFlags extends TransientFlags {
  maxStep?: number;
  templateForm?: "vccs" | "behavioral";
  inputForm?: "sources" | "folded";
  timeout?: number;
}

export interface SolverFlags extends TransientFlags {
  method?: SolverMethod;
  dt?: number;
  rtol?: number;
  atol?: number;
  precision?: SystemPrecision;
}

export function addTransientOptions(cmd: Command): Command {
  return cmd
    .option(
      "--T <tau>",
      `transient length in units of τ = R·C (default: the file's simulation.T, else ${DEFAULT_T})`,
      positiveNumber,
    )
    .option(
      "--points <n>",
      "report points over [0, T] (default: the file's simulation.points, else 100)",
      positiveInteger,
    )
    .option(
      "--max-cells <n>",
      `refuse arrays of more cells C·H·W (default ${DEFAULT_LIMITS.maxCells})`,
      positiveInteger,
    )
    .option(
      "--max-points <n>",
      `refuse more report points, or more ngspice steps T / max-step (default ${DEFAULT_LIMITS.maxPoints})`,
      positiveInteger,
    )
    .option(
      "--max-values <n>",
      `refuse waveform tables of more values, cells × (points + 1) (default ${DEFAULT_LIMITS.maxValues})`,
      positiveInteger,
    );
}

/** The size limits of docs/array-format.md, raised by --max-cells, --max-points, --max-values. */
export function sizeLimits(flags: TransientFlags): SizeLimits {
  return {
    maxCells: flags.maxCells ?? DEFAULT_LIMITS.maxCells,
    maxPoints: flags.maxPoints ?? DEFAULT_LIMITS.maxPoints,
    maxValues: flags.maxValues ?? DEFAULT_LIMITS.maxValues,
  };
}

/**
 * Refuses, before anything is allocated, a run whose waveforms exceed the size limits: the
 * report points of cellspice's solver, and ngspice's steps (at least T / max-step, each a row
 * of the raw file and of the comparison).
 */
export function checkRunSize(
  array: CellArray,
  flags: NgspiceFlags & SolverFlags,
  file: SimulationSettings,
  engines: { typescript: boolean; ngspice: boolean },
): void {
  const limits = sizeLimits(flags);
  const cells = cellCount(array) + (array.memristor ? cellCount(array) : 0);
  const points = flags.points ?? file.points ?? 100;
  const source =
    flags.points !== undefined
      ? "--points"
      : file.points !== undefined
        ? "simulation.points"
        : "points";
  if (engines.typescript) checkPointCount(points, cells, source, limits);
  if (engines.ngspice) {
    const T = transientLength(flags, file);
    const maxStep = flags.maxStep ?? 1e-3;
    const steps = Math.ceil(T / maxStep);
    if (steps > points) {
      checkPointCount(
        steps,
        cells,
        flags.maxStep === undefined ? "--T" : "--max-step",
        limits,
        `T / max-step = ${T} / ${maxStep} = ${steps} ngspice steps`,
      );
    } else checkPointCount(points, cells, source, limits);
  }
}

export function addNgspiceOptions(cmd: Command): Command {
  return cmd
    .option(
      "--max-step <tau>",
      "ngspice's largest internal time step in units of τ; sets its accuracy (default 1e-3; 3e-3 for a layer of a model directory)",
      positiveNumber,
    )
    .addOption(
      new Option(
        "--template-form <form>",
        "template currents: one VCCS per coefficient, or one behavioural source per cell",
      )
        .choices(["vccs", "behavioral"])
        .default("vccs"),
    )
    .addOption(
      new Option(
        "--input-form <form>",
        "inputs u: voltage sources with VCCS, or B⋆u + z folded into one current per cell (default: sources; folded for a model's layer)",
      ).choices(["sources", "folded"]),
      // No commander default: an array run's "sources" comes from the ngspice engine, a model
      // layer's "folded" from LAYER_DEFAULTS (src/cli/commands/cosimLayer.ts); a default here
      // would override the latter.
    )
    .option("--timeout <s>", "kill ngspice after this many seconds (default 120)", positiveNumber);
}

export function addSolverOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--method <name>",
        "cellspice solver (default: dopri5; implicit for memristor-dominated M-CellNN arrays, R·G_ON > 100)",
      ).choices([...SOLVER_METHODS]),
    )
    .option(
      "--dt <tau>",
      "step of the fixed-step methods (euler, rk4) in units of τ",
      positiveNumber,
    )
    .option(
      "--rtol <r>",
      "relative tolerance of the adaptive methods (default 1e-8; implicit 1e-6)",
      positiveNumber,
    )
    .option(
      "--atol <a>",
      "absolute tolerance of the adaptive methods, in units of x (default 1e-10; implicit 1e-8)",
      positiveNumber,
    )
    .addOption(
      new Option(
        "--precision <p>",
        "arithmetic of A ⋆ f(x): float64 (default) or float32 (f32x4 WebAssembly SIMD, 3×3 A; the rest stays float64)",
      ).choices(["float64", "float32"]),
    );
}

/** T from the command line, else the file, else DEFAULT_T. */
export function transientLength(flags: TransientFlags, file: SimulationSettings): number {
  return flags.T ?? file.T ?? DEFAULT_T;
}

export function ngspiceOptions(flags: NgspiceFlags, file: SimulationSettings): NgspiceRunOptions {
  return {
    T: transientLength(flags, file),
    points: flags.points ?? file.points,
    maxStep: flags.maxStep,
    templateForm: flags.templateForm,
    inputForm: flags.inputForm,
    timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000,
  };
}

export function solverOptions(
  flags: SolverFlags,
  file: SimulationSettings,
): Omit<TypescriptRunOptions, "tEval"> {
  const method =
    flags.method ?? (file.method === undefined ? undefined : solverMethod(file.method));
  const dt = flags.dt ?? file.dt;
  const fixed = method === "euler" || method === "rk4";
  if (fixed && dt === undefined && flags.method !== undefined) {
    throw new UsageError(
      `--method ${method} is a fixed-step method: give its step with --dt <tau>, e.g. --dt 0.01`,
    );
  }
  if (fixed && dt === undefined) {
    throw new ValidationError(
      "dt",
      `method ${method} needs a step`,
      "--dt <tau> (or simulation.dt in the array file), e.g. 0.01",
    );
  }
  return {
    T: transientLength(flags, file),
    method,
    dt: fixed ? dt : undefined,
    rtol: flags.rtol ?? file.rtol,
    atol: flags.atol ?? file.atol,
    points: flags.points ?? file.points,
    precision: flags.precision,
  };
}

function solverMethod(name: string): SolverMethod {
  if (!(SOLVER_METHODS as readonly string[]).includes(name)) {
    throw new ValidationError(
      "simulation.method",
      `got ${JSON.stringify(name)}`,
      `one of ${SOLVER_METHODS.join(", ")}`,
    );
  }
  return name as SolverMethod;
}
