import { ValidationError } from "../core/errors.js";
import type { MemristorModel } from "../devices/types.js";
import type { Boundary } from "./boundary.js";
import type { OutputFunction } from "./output.js";
import type { Template } from "./template.js";

/**
 * The physical scales that turn a normalised array into a circuit (DESIGN.md 2.3):
 * τ seconds per unit of cell time, V_s volts per unit of state x, R ohms of the cell resistor.
 * Then C = τ/R, a coefficient a becomes a transconductance a/R, the bias z a current z·V_s/R.
 */
export interface PhysicalScales {
  /** τ = R·C [s] */
  readonly tau: number;
  /** V_s [V] per unit of x */
  readonly Vs: number;
  /** R [Ω] */
  readonly R: number;
}

/**
 * [choice] Default scales: τ = 1 ms, V_s = 0.5 V, R = 100 Ω (C = 10 µF). With these a cell at
 * |x| = 1 puts 0.5 V across its memristor, inside the TaOx ON-switching range (DESIGN.md 2.1), so
 * the memristor visibly changes the dynamics without dominating them; docs/equations.md shows
 * how to sweep them.
 */
export const DEFAULT_SCALES: PhysicalScales = { tau: 1e-3, Vs: 0.5, R: 100 };

/** A memristor in parallel with each cell's capacitor (M-CellNN, DESIGN.md 2). */
export interface MemristorCoupling {
  readonly model: MemristorModel;
  /** Initial memristor state w(0), one per cell (C·H·W). */
  readonly w0: Float64Array;
  /** Which node the memristor sees: the state x (across the capacitor, the default) or y. */
  readonly voltage: "x" | "y";
}

/**
 * A CellNN array (DESIGN.md 1): C channels of H×W cells,
 *   dx/dt = −x + A ⋆ f(x) + B ⋆ u + z
 * with an optional memristor per cell (M-CellNN). Fields are C×H×W row-major Float64Arrays.
 */
export interface CellArray {
  readonly name: string;
  readonly channels: number;
  readonly inputChannels: number;
  readonly rows: number;
  readonly cols: number;
  /** Feedback template, C×C×k×k. */
  readonly A: Template;
  /** Control template, C×C_in×k×k. */
  readonly B: Template;
  /** Bias, one per channel. */
  readonly z: Float64Array;
  readonly boundary: Boundary;
  readonly output: OutputFunction;
  /** Input u, C_in×H×W, constant during a transient. */
  readonly input: Float64Array;
  /** Initial state x(0), C×H×W. */
  readonly x0: Float64Array;
  readonly scales: PhysicalScales;
  readonly memristor?: MemristorCoupling;
}

/** Number of cells C·H·W. */
export function cellCount(a: CellArray): number {
  return a.channels * a.rows * a.cols;
}

/** Flat index of cell (c, i, j). */
export function cellIndex(a: CellArray, c: number, i: number, j: number): number {
  return (c * a.rows + i) * a.cols + j;
}

/**
 * Checks that every part of an array agrees with its shape; throws ValidationError naming the
 * first field that does not.
 */
export function validateCellArray(a: CellArray): CellArray {
  const positiveInt = (field: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) {
      throw new ValidationError(field, `got ${v}`, "a positive integer");
    }
  };
  positiveInt("channels", a.channels);
  positiveInt("inputChannels", a.inputChannels);
  positiveInt("rows", a.rows);
  positiveInt("cols", a.cols);
  const n = a.channels * a.rows * a.cols;
  for (const [field, t, cin] of [
    ["templates.A", a.A, a.channels],
    ["templates.B", a.B, a.inputChannels],
  ] as const) {
    if (t.size % 2 !== 1 || t.size < 1) {
      throw new ValidationError(
        field,
        `template size ${t.size} is even`,
        "an odd size k (1, 3, 5, …)",
      );
    }
    if (t.outChannels !== a.channels || t.inChannels !== cin) {
      throw new ValidationError(
        field,
        `has ${t.outChannels}×${t.inChannels} channels`,
        `${a.channels}×${cin} (channels × ${field.endsWith("A") ? "channels" : "inputChannels"})`,
      );
    }
    if (t.data.length !== t.outChannels * t.inChannels * t.size * t.size) {
      throw new ValidationError(
        field,
        "data length does not match its shape",
        "C_out·C_in·k² numbers",
      );
    }
    assertFinite(`${field}`, t.data);
  }
  if (a.z.length !== a.channels) {
    throw new ValidationError(
      "templates.z",
      `has ${a.z.length} entries`,
      `one bias per channel (${a.channels})`,
    );
  }
  assertFinite("templates.z", a.z);
  if (a.input.length !== a.inputChannels * a.rows * a.cols) {
    throw new ValidationError(
      "input",
      `has ${a.input.length} values`,
      `inputChannels×rows×cols = ${a.inputChannels * a.rows * a.cols}`,
    );
  }
  assertFinite("input", a.input);
  if (a.x0.length !== n) {
    throw new ValidationError(
      "initialState",
      `has ${a.x0.length} values`,
      `channels×rows×cols = ${n}`,
    );
  }
  assertFinite("initialState", a.x0);
  for (const key of ["tau", "Vs", "R"] as const) {
    const v = a.scales[key];
    if (!(Number.isFinite(v) && v > 0)) {
      throw new ValidationError(`scales.${key}`, `got ${v}`, "a positive finite number (SI units)");
    }
  }
  if (a.memristor) {
    const m = a.memristor;
    if (m.w0.length !== n) {
      throw new ValidationError("memristor.w0", `has ${m.w0.length} values`, `one per cell (${n})`);
    }
    for (let k = 0; k < n; k++) {
      if (!(m.w0[k] >= m.model.wMin && m.w0[k] <= m.model.wMax)) {
        throw new ValidationError(
          `memristor.w0[${k}]`,
          `got ${m.w0[k]}`,
          `a state in [${m.model.wMin}, ${m.model.wMax}]`,
        );
      }
    }
    if (m.voltage !== "x" && m.voltage !== "y") {
      throw new ValidationError(
        "memristor.voltage",
        `got ${JSON.stringify(m.voltage)}`,
        '"x" or "y"',
      );
    }
  }
  return a;
}

/** Throws ValidationError `field[k]` for the first non-finite value of v. */
export function assertFinite(field: string, v: Float64Array): void {
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k])) {
      throw new ValidationError(`${field}[${k}]`, `got ${v[k]}`, "a finite number");
    }
  }
}
