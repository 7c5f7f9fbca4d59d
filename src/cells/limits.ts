/**
 * What cellspice accepts as an array, beyond its shape (validateCellArray): the sizes it will
 * allocate and the values that double-precision SPICE represents faithfully. Checked by the
 * array file reader (src/cells/io.ts) and by every library entry point that builds an array
 * (src/trained/unetExport.ts), before anything large is allocated. docs/array-format.md lists
 * them; a size limit is raised with the option named in its error.
 */
import { ValidationError } from "../core/errors.js";
import { assertFinite, type CellArray, validateCellArray } from "./spec.js";

/** Size limits: cells, report points, and their product (values held in memory). */
export interface SizeLimits {
  /** Cells C·H·W. */
  readonly maxCells: number;
  /** Report points (`points`, `simulation.points`), also ngspice's T / max-step. */
  readonly maxPoints: number;
  /** Values of a waveform table, cells × (points + 1): 8 bytes each. */
  readonly maxValues: number;
}

/**
 * [choice] 250 000 cells (a 500×500 image; the 2000×2000 that exhausted memory is 16 times
 * more), 1 000 000 points, 10^8 values (800 MB of float64).
 */
export const DEFAULT_LIMITS: SizeLimits = {
  maxCells: 250_000,
  maxPoints: 1_000_000,
  maxValues: 100_000_000,
};

/** The command-line option that raises each limit. */
export const LIMIT_OPTIONS: Record<keyof SizeLimits, string> = {
  maxCells: "--max-cells",
  maxPoints: "--max-points",
  maxValues: "--max-values",
};

function raise(limit: keyof SizeLimits, value: number, unit: string): string {
  return `at most ${value} ${unit} (raise it with ${LIMIT_OPTIONS[limit]} N, or limits.${limit} in the library)`;
}

/** Refuses C·H·W above the limit; call before allocating any field. */
export function checkCellCount(
  channels: number,
  rows: number,
  cols: number,
  limits: SizeLimits = DEFAULT_LIMITS,
  prefix = "",
): void {
  const cells = channels * rows * cols;
  if (cells > limits.maxCells) {
    throw new ValidationError(
      `${prefix}rows`,
      `channels×rows×cols = ${channels}×${rows}×${cols} = ${cells} cells is too large`,
      raise("maxCells", limits.maxCells, "cells"),
      { limit: limits.maxCells, cells },
    );
  }
}

/** Refuses a point count above the limit, or a waveform table of cells × (points + 1) values. */
export function checkPointCount(
  points: number,
  cells: number,
  field: string,
  limits: SizeLimits = DEFAULT_LIMITS,
  what = `${points} points`,
): void {
  if (points > limits.maxPoints) {
    throw new ValidationError(
      field,
      `${what} is too many`,
      raise("maxPoints", limits.maxPoints, "points"),
      { limit: limits.maxPoints },
    );
  }
  const values = cells * (points + 1);
  if (values > limits.maxValues) {
    throw new ValidationError(
      field,
      `${what} × ${cells} signals = ${values} values (${(values * 8e-9).toFixed(1)} GB) is too many`,
      `${raise("maxValues", limits.maxValues, "values")}, or fewer points`,
      { limit: limits.maxValues },
    );
  }
}

/**
 * [choice] The values SPICE simulates faithfully in double precision. A template coefficient a
 * becomes a conductance a/R beside the cell's 1/R: at |a| ≤ 10^6 the circuit matrix keeps 10 of
 * float64's 16 digits, more than ngspice's reltol (1e-3 by default, 1e-6 for an M-CellNN) needs,
 * and the currents stay far below ngspice's 1e90 overflow. States are resolved only above
 * ngspice's voltage floor vntol = 1 µV and current floor abstol = 1 pA, so a unit of x must be
 * at least 1000 times each: V_s ≥ 1 mV and V_s/R ≥ 1 nA.
 */
export const VALUE_RANGES = {
  /** |A|, |B|, |z|, |u|, |x(0)| (normalised). */
  maxMagnitude: 1e6,
  tau: { min: 1e-12, max: 1e6 },
  Vs: { min: 1e-3, max: 1e3 },
  R: { min: 1e-3, max: 1e12 },
  /** V_s / R [A]. */
  minUnitCurrent: 1e-9,
} as const;

/**
 * validateCellArray (shape, finiteness, memristor states) plus the size and value limits. The
 * one validator of arrays: the file format and the library entry points both call it.
 */
export function validateArray(a: CellArray, limits: SizeLimits = DEFAULT_LIMITS): CellArray {
  checkCellCount(a.channels, a.rows, a.cols, limits);
  validateCellArray(a);
  for (const [field, v, shape] of [
    ["templates.A", a.A.data, [a.A.outChannels, a.A.inChannels, a.A.size, a.A.size]],
    ["templates.B", a.B.data, [a.B.outChannels, a.B.inChannels, a.B.size, a.B.size]],
    ["templates.z", a.z, [a.channels]],
    ["input", a.input, [a.inputChannels, a.rows, a.cols]],
    ["initialState", a.x0, [a.channels, a.rows, a.cols]],
  ] as const) {
    checkMagnitudes(field, v, shape);
  }
  for (const key of ["tau", "Vs", "R"] as const) {
    const { min, max } = VALUE_RANGES[key];
    // (validateCellArray has checked that each is a positive finite number.)
    const v = a.scales[key];
    if (!(v >= min && v <= max)) {
      throw new ValidationError(
        `scales.${key}`,
        `got ${v}`,
        `a number in [${min}, ${max}] (SI units; the range SPICE resolves faithfully)`,
      );
    }
  }
  const unit = a.scales.Vs / a.scales.R;
  if (!(unit >= VALUE_RANGES.minUnitCurrent)) {
    throw new ValidationError(
      "scales.R",
      `V_s/R = ${unit} A, below ngspice's current resolution`,
      `V_s/R ≥ ${VALUE_RANGES.minUnitCurrent} A (1000 × ngspice's abstol)`,
    );
  }
  return a;
}

/**
 * `a` with another input of the same shape, checked as validateArray checks an input (length,
 * finiteness, magnitude; the same errors): for a batch of inputs to one validated array, whose
 * templates and states need no second look. Everything else is shared with `a`.
 */
export function withInput(a: CellArray, input: Float64Array): CellArray {
  const shape = [a.inputChannels, a.rows, a.cols];
  if (input.length !== a.inputChannels * a.rows * a.cols)
    throw new ValidationError(
      "input",
      `has ${input.length} values`,
      `inputChannels×rows×cols = ${a.inputChannels * a.rows * a.cols}`,
    );
  // One pass over a good input (NaN and ±∞ fail `<=` too); the named checks find a bad one.
  const m = VALUE_RANGES.maxMagnitude;
  let good = true;
  for (let k = 0; k < input.length; k++) if (!(Math.abs(input[k]) <= m)) good = false;
  if (!good) {
    assertFinite("input", input);
    checkMagnitudes("input", input, shape);
  }
  return { ...a, input };
}

/** Every |v| within VALUE_RANGES.maxMagnitude, else an error naming the element of `field`. */
function checkMagnitudes(field: string, v: Float64Array, shape: readonly number[]): void {
  const m = VALUE_RANGES.maxMagnitude;
  const one = (n: number) => n === 1;
  // One-channel templates and fields are written k×k / H×W: name the element that way.
  const dims =
    shape.length === 4 && one(shape[0]) && one(shape[1])
      ? shape.slice(2)
      : shape.length === 3 && one(shape[0])
        ? shape.slice(1)
        : shape;
  for (let k = 0; k < v.length; k++) {
    if (Math.abs(v[k]) > m) {
      throw new ValidationError(
        `${field}${nestedIndex(k, dims)}`,
        `got ${v[k]}, beyond what SPICE simulates faithfully in double precision`,
        `a magnitude of at most ${m}`,
      );
    }
  }
}

/** `[i][j]…` of flat row-major index `k` in an array of shape `dims`. */
function nestedIndex(k: number, dims: readonly number[]): string {
  const parts: number[] = [];
  let rest = k;
  for (let d = dims.length - 1; d >= 0; d--) {
    parts.unshift(rest % dims[d]);
    rest = Math.floor(rest / dims[d]);
  }
  return parts.map((p) => `[${p}]`).join("");
}
