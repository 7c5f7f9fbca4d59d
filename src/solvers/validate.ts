import { ValidationError } from "../core/errors.js";
import type { LinearSolverKind, OdeSystem, SolveOptions, SolverMethod } from "./types.js";

export const SOLVER_METHODS: readonly SolverMethod[] = [
  "euler",
  "rk4",
  "dopri5",
  "odex",
  "implicit",
];

/** Default tolerances of the adaptive methods. */
export const DEFAULT_RTOL = 1e-6;
export const DEFAULT_ATOL = 1e-9;
export const DEFAULT_MAX_STEPS = 1_000_000;

/** SolveOptions after validation, with defaults filled in. */
export interface ResolvedOptions {
  method: SolverMethod;
  t0: number;
  t1: number;
  y0: Float64Array;
  /** The requested report times, or null for the method's default. */
  tEval: Float64Array | null;
  /** Fixed-step methods only (validated there). */
  dt: number | undefined;
  rtol: number;
  atol: number;
  /** Initial step, or undefined to estimate it. */
  h0: number | undefined;
  hMax: number;
  hMin: number;
  maxSteps: number;
  linearSolver: LinearSolverKind;
}

const isFiniteNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

function positive(name: string, x: unknown, valid = "a finite number > 0"): number {
  if (!isFiniteNumber(x) || !(x > 0)) throw new ValidationError(name, `got ${String(x)}`, valid);
  return x;
}

/**
 * Checks `options` against `system` and fills in defaults. Every problem is a ValidationError
 * naming the option (`t0`, `tEval[3]`, `y0[2]`, …) and what is valid.
 */
export function resolveOptions(system: OdeSystem, options: SolveOptions): ResolvedOptions {
  const dim = system.dim;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new ValidationError("system.dim", `got ${String(dim)}`, "an integer ≥ 1");
  }
  if (!SOLVER_METHODS.includes(options.method)) {
    throw new ValidationError(
      "method",
      `unknown method ${JSON.stringify(options.method)}`,
      SOLVER_METHODS.join(" | "),
    );
  }
  const { t0, t1 } = options;
  if (!isFiniteNumber(t0) || t0 < 0) {
    throw new ValidationError("t0", `got ${String(t0)}`, "a finite time ≥ 0");
  }
  if (!isFiniteNumber(t1) || !(t1 > t0)) {
    throw new ValidationError("t1", `got ${String(t1)} with t0 = ${t0}`, "a finite time > t0");
  }
  const y0 = options.y0;
  if (!(y0 instanceof Float64Array)) {
    throw new ValidationError("y0", "not a Float64Array", `a Float64Array of length ${dim}`);
  }
  if (y0.length !== dim) {
    throw new ValidationError("y0", `length ${y0.length}`, `length system.dim = ${dim}`);
  }
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(y0[i])) throw new ValidationError(`y0[${i}]`, `got ${y0[i]}`, "finite");
  }

  let tEval: Float64Array | null = null;
  if (options.tEval !== undefined) {
    const te = options.tEval;
    if (te.length < 1) throw new ValidationError("tEval", "empty", "at least one time");
    tEval = new Float64Array(te.length);
    for (let k = 0; k < te.length; k++) {
      const tk = te[k];
      if (!isFiniteNumber(tk) || tk < t0 || tk > t1) {
        throw new ValidationError(
          `tEval[${k}]`,
          `got ${String(tk)}`,
          `a time in [t0, t1] = [${t0}, ${t1}]`,
        );
      }
      if (k > 0 && !(tk > tEval[k - 1])) {
        throw new ValidationError(
          `tEval[${k}]`,
          `${tk} does not exceed tEval[${k - 1}] = ${tEval[k - 1]}`,
          "strictly increasing times",
        );
      }
      tEval[k] = tk;
    }
  }

  const dt = options.dt === undefined ? undefined : positive("dt", options.dt);
  const rtol = options.rtol === undefined ? DEFAULT_RTOL : positive("rtol", options.rtol);
  if (rtol >= 1) throw new ValidationError("rtol", `got ${rtol}`, "a number in (0, 1)");
  const atol = options.atol ?? DEFAULT_ATOL;
  if (!isFiniteNumber(atol) || atol < 0) {
    throw new ValidationError("atol", `got ${String(atol)}`, "a finite number ≥ 0");
  }
  const h0 = options.h0 === undefined ? undefined : positive("h0", options.h0);
  const hMax = options.hMax === undefined ? t1 - t0 : positive("hMax", options.hMax);
  const hMin = options.hMin ?? 0;
  if (!isFiniteNumber(hMin) || hMin < 0 || hMin > hMax) {
    throw new ValidationError("hMin", `got ${String(hMin)}`, `a number in [0, hMax = ${hMax}]`);
  }
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new ValidationError("maxSteps", `got ${String(maxSteps)}`, "an integer ≥ 1");
  }
  const linearSolver = options.linearSolver ?? "auto";
  if (!["auto", "dense", "gmres"].includes(linearSolver)) {
    throw new ValidationError(
      "linearSolver",
      `got ${JSON.stringify(linearSolver)}`,
      "auto | dense | gmres",
    );
  }
  return {
    method: options.method,
    t0,
    t1,
    y0,
    tEval,
    dt,
    rtol,
    atol,
    h0,
    hMax,
    hMin,
    maxSteps,
    linearSolver,
  };
}
