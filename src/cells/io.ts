import { ValidationError } from "../core/errors.js";
import { rejectUnknownFields } from "../core/unknownFields.js";
import { createMemristor } from "../devices/registry.js";
import { validateBoundary } from "./boundary.js";
import { classicTemplate } from "./library.js";
import {
  checkCellCount,
  checkPointCount,
  DEFAULT_LIMITS,
  type SizeLimits,
  validateArray,
} from "./limits.js";
import { validateOutput } from "./output.js";
import {
  type CellArray,
  DEFAULT_SCALES,
  type MemristorCoupling,
  type PhysicalScales,
} from "./spec.js";
import { type Template, templateFromNested, templateToNested } from "./template.js";

/**
 * The JSON form of an array ("cellspice-array", version 1), documented in docs/array-format.md.
 * Fields are validated on load; every error names its JSON path and what is valid. The format is
 * versioned, so a field this version does not know is refused (with a did-you-mean), never
 * ignored: a typo must not silently fall back to a default.
 */
export const ARRAY_FORMAT = "cellspice-array";
export const ARRAY_FORMAT_VERSION = 1;

/** Optional simulation settings carried with an array file (used by the CLI). */
export interface SimulationSettings {
  T?: number;
  method?: string;
  dt?: number;
  rtol?: number;
  atol?: number;
  points?: number;
}

export interface ArrayDocument {
  array: CellArray;
  simulation: SimulationSettings;
}

/** The fields of version 1, by object. */
export const ARRAY_FIELDS = {
  root: [
    "format",
    "version",
    "name",
    "channels",
    "inputChannels",
    "rows",
    "cols",
    "templates",
    "classic",
    "classicOptions",
    "boundary",
    "output",
    "input",
    "initialState",
    "scales",
    "memristor",
    "simulation",
  ],
  templates: ["A", "B", "z"],
  scales: ["tau", "Vs", "R"],
  memristor: ["model", "params", "w0", "voltage"],
  simulation: ["T", "method", "dt", "rtol", "atol", "points"],
  classicOptions: ["threshold", "D"],
} as const;

export interface ReadArrayOptions {
  /** Size limits checked before allocating (default DEFAULT_LIMITS, src/cells/limits.ts). */
  limits?: SizeLimits;
}

/** Parses and validates an array file's text; `source` names the file in errors. */
export function parseArrayJson(
  text: string,
  source = "array JSON",
  options: ReadArrayOptions = {},
): ArrayDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(
      source,
      `malformed JSON (${(e as Error).message})`,
      "a JSON object in the cellspice-array format (docs/array-format.md)",
    );
  }
  return arrayFromObject(doc, options);
}

export function arrayFromObject(doc: unknown, options: ReadArrayOptions = {}): ArrayDocument {
  const limits = options.limits ?? DEFAULT_LIMITS;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new ValidationError(
      "(root)",
      "not a JSON object",
      "an object with format, rows, cols, templates, …",
    );
  }
  const d = doc as Record<string, unknown>;
  rejectUnknownFields(d, ARRAY_FIELDS.root);
  if (d.format !== undefined && d.format !== ARRAY_FORMAT) {
    throw new ValidationError(
      "format",
      `got ${JSON.stringify(d.format)}`,
      JSON.stringify(ARRAY_FORMAT),
    );
  }
  if (d.version !== undefined && d.version !== ARRAY_FORMAT_VERSION) {
    throw new ValidationError(
      "version",
      `got ${JSON.stringify(d.version)}`,
      String(ARRAY_FORMAT_VERSION),
    );
  }
  if (d.classicOptions !== undefined) {
    const o = objectField(d.classicOptions, "classicOptions", ARRAY_FIELDS.classicOptions);
    for (const key of ARRAY_FIELDS.classicOptions) {
      if (o[key] !== undefined && !(typeof o[key] === "number" && Number.isFinite(o[key]))) {
        throw new ValidationError(
          `classicOptions.${key}`,
          `got ${describeValue(o[key])}`,
          "a finite number",
        );
      }
    }
  }
  const classic =
    d.classic === undefined
      ? undefined
      : classicTemplate(String(d.classic), (d.classicOptions ?? {}) as object);
  const rows = integer(d.rows, "rows");
  const cols = integer(d.cols, "cols");
  const channels = d.channels === undefined ? 1 : integer(d.channels, "channels");
  const inputChannels =
    d.inputChannels === undefined ? channels : integer(d.inputChannels, "inputChannels");
  // Before any field of C·H·W values is allocated.
  checkCellCount(channels, rows, cols, limits);
  checkCellCount(inputChannels, rows, cols, limits);
  if (d.templates !== undefined) objectField(d.templates, "templates", ARRAY_FIELDS.templates);
  const t = (d.templates ??
    (classic ? { A: classic.A, B: classic.B, z: [classic.z] } : undefined)) as
    | Record<string, unknown>
    | undefined;
  if (!t || typeof t !== "object") {
    throw new ValidationError(
      "templates",
      "missing",
      'an object {"A": …, "B": …, "z": […]} or a "classic" template name',
    );
  }
  const A = template(t.A, "templates.A");
  const B = template(t.B, "templates.B");
  const z = numbers(t.z, "templates.z");
  const cells = channels * rows * cols;
  const input = field(d.input ?? 0, "input", inputChannels, rows, cols);
  const init = d.initialState ?? classic?.initialState ?? "zero";
  if (typeof init === "string" && !INITIAL_STATES.includes(init)) {
    throw new ValidationError("initialState", `got ${JSON.stringify(init)}`, INITIAL_STATE_VALID);
  }
  const x0 =
    init === "zero"
      ? new Float64Array(cells)
      : init === "ones"
        ? new Float64Array(cells).fill(1)
        : init === "input"
          ? inputAsState(input, channels, inputChannels)
          : field(init, "initialState", channels, rows, cols);
  const scales = readScales(d.scales);
  const array: CellArray = {
    name: typeof d.name === "string" ? d.name : (classic?.name ?? "array"),
    channels,
    inputChannels,
    rows,
    cols,
    A,
    B,
    z,
    boundary: readBoundary(d.boundary ?? classic?.boundary ?? { kind: "fixed" }),
    output: readOutput(d.output ?? { kind: "standard" }),
    input,
    x0,
    scales,
    memristor:
      d.memristor === undefined
        ? undefined
        : readMemristor(d.memristor, cells, channels, rows, cols),
  };
  validateArray(array, limits);
  const simulation = readSimulation(d.simulation);
  if (simulation.points !== undefined) {
    checkPointCount(simulation.points, cells, "simulation.points", limits);
  }
  return { array, simulation };
}

const INITIAL_STATES: readonly unknown[] = ["zero", "ones", "input"];
const INITIAL_STATE_VALID =
  '"zero", "ones", "input" (needs inputChannels = channels), a number or a channels×rows×cols field';

/** An object whose keys are all in `known`; names the field otherwise. */
function objectField(
  value: unknown,
  name: string,
  known: readonly string[],
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(
      name,
      `got ${describeValue(value)}`,
      `an object with ${known.join(", ")}`,
    );
  }
  rejectUnknownFields(value as Record<string, unknown>, known, name);
  return value as Record<string, unknown>;
}

function readBoundary(value: unknown) {
  const b = objectField(value, "boundary", ["kind", "y", "u"]);
  if (b.kind !== "fixed") objectField(b, "boundary", ["kind"]);
  return validateBoundary(b);
}

function readOutput(value: unknown) {
  const o = objectField(value, "output", ["kind", "alpha"]);
  if (o.kind === "leaky" && o.alpha === undefined) {
    throw new ValidationError(
      "output.alpha",
      "missing: a leaky output needs its slope",
      "a number in [0, 1), e.g. 0.01 (the paper's training value)",
    );
  }
  if (o.kind !== "leaky") objectField(o, "output", ["kind"]);
  return validateOutput(o);
}

/** A value and its JSON type, for messages: `"a" (a string)`, `null`. */
function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "number")
    return Number.isFinite(v) ? String(v) : `${v} (out of float64's range)`;
  if (typeof v === "string")
    return `${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)} (a string)`;
  return `${JSON.stringify(v)} (a ${typeof v})`;
}

/**
 * Refuses the first leaf of a nested array that is not a finite number, naming its path
 * (`templates.A[1][2]`) and its type. JSON's 1e400 parses to Infinity and is refused here.
 */
function checkNumericLeaves(v: unknown, path: string): void {
  if (Array.isArray(v)) {
    for (const [k, x] of v.entries()) checkNumericLeaves(x, `${path}[${k}]`);
    return;
  }
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new ValidationError(path, `got ${describeValue(v)}`, "a finite number");
  }
}

/** The JSON object of an array (inverse of arrayFromObject). */
export function arrayToObject(
  a: CellArray,
  simulation: SimulationSettings = {},
): Record<string, unknown> {
  const obj: Record<string, unknown> = {
    format: ARRAY_FORMAT,
    version: ARRAY_FORMAT_VERSION,
    name: a.name,
    channels: a.channels,
    inputChannels: a.inputChannels,
    rows: a.rows,
    cols: a.cols,
    templates: { A: templateToNested(a.A), B: templateToNested(a.B), z: [...a.z] },
    boundary: a.boundary,
    output: a.output,
    input: nestField(a.input, a.inputChannels, a.rows, a.cols),
    initialState: nestField(a.x0, a.channels, a.rows, a.cols),
    scales: a.scales,
  };
  if (a.memristor) {
    obj.memristor = {
      model: a.memristor.model.name,
      params: a.memristor.model.params,
      w0: nestField(a.memristor.w0, a.channels, a.rows, a.cols),
      voltage: a.memristor.voltage,
    };
  }
  if (Object.keys(simulation).length > 0) obj.simulation = simulation;
  return obj;
}

function readMemristor(
  value: unknown,
  cells: number,
  channels: number,
  rows: number,
  cols: number,
): MemristorCoupling {
  if (typeof value !== "object" || value === null) {
    throw new ValidationError(
      "memristor",
      "not an object",
      '{"model": name, "params"?: {…}, "w0"?: number, "voltage"?: "x"|"y"}',
    );
  }
  const m = objectField(value, "memristor", ARRAY_FIELDS.memristor);
  if (typeof m.model !== "string") {
    throw new ValidationError(
      "memristor.model",
      `got ${JSON.stringify(m.model)}`,
      "a memristor model name (see `cellspice models`)",
    );
  }
  const params = (m.params ?? {}) as Record<string, number>;
  const model = createMemristor(m.model, params);
  const w0Value = m.w0 ?? 0.1;
  if (typeof w0Value === "number" && !Number.isFinite(w0Value)) {
    throw new ValidationError("memristor.w0", `got ${describeValue(w0Value)}`, "a state in [0, 1]");
  }
  const w0 =
    typeof w0Value === "number"
      ? new Float64Array(cells).fill(w0Value)
      : field(w0Value, "memristor.w0", channels, rows, cols);
  return { model, w0, voltage: (m.voltage ?? "x") as "x" | "y" };
}

function readScales(value: unknown): PhysicalScales {
  if (value === undefined) return DEFAULT_SCALES;
  const s = objectField(value, "scales", ARRAY_FIELDS.scales);
  const out = { ...DEFAULT_SCALES };
  for (const key of ["tau", "Vs", "R"] as const) {
    if (s[key] === undefined) continue;
    if (typeof s[key] !== "number" || !((s[key] as number) > 0 && Number.isFinite(s[key]))) {
      throw new ValidationError(
        `scales.${key}`,
        `got ${JSON.stringify(s[key])}`,
        "a positive number in SI units",
      );
    }
    out[key] = s[key] as number;
  }
  return out;
}

function readSimulation(value: unknown): SimulationSettings {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null) {
    throw new ValidationError(
      "simulation",
      "not an object",
      '{"T": number, "method"?: string, "dt"?: number, …}',
    );
  }
  const s = objectField(value, "simulation", ARRAY_FIELDS.simulation);
  const out: SimulationSettings = {};
  for (const key of ["T", "dt", "rtol", "atol", "points"] as const) {
    if (s[key] === undefined) continue;
    const v = s[key];
    if (typeof v !== "number" || !(v > 0 && Number.isFinite(v))) {
      throw new ValidationError(
        `simulation.${key}`,
        `got ${describeValue(v)}`,
        "a positive finite number",
      );
    }
    if (key === "points" && !Number.isInteger(v)) {
      throw new ValidationError("simulation.points", `got ${v}`, "a positive integer");
    }
    out[key] = v;
  }
  if (s.method !== undefined) out.method = String(s.method);
  return out;
}

function integer(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new ValidationError(field, `got ${JSON.stringify(v)}`, "a positive integer");
  }
  return v;
}

function template(v: unknown, field: string): Template {
  if (v === undefined)
    throw new ValidationError(field, "missing", "a k×k or C_out×C_in×k×k array of numbers, k odd");
  if (!Array.isArray(v)) {
    throw new ValidationError(
      field,
      `got ${describeValue(v)}`,
      "a k×k or C_out×C_in×k×k array of numbers, k odd",
    );
  }
  checkNumericLeaves(v, field);
  return templateFromNested(v, field);
}

function numbers(v: unknown, field: string): Float64Array {
  if (Array.isArray(v)) checkNumericLeaves(v, field);
  const list = typeof v === "number" ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new ValidationError(
      field,
      `got ${JSON.stringify(v)}`,
      "a number or an array of finite numbers, one per channel",
    );
  }
  return Float64Array.from(list);
}

/** A C×H×W field from a number (uniform), an H×W array (C = 1) or a C×H×W array. */
function field(
  v: unknown,
  name: string,
  channels: number,
  rows: number,
  cols: number,
): Float64Array {
  const n = channels * rows * cols;
  if (typeof v === "number" && Number.isFinite(v)) return new Float64Array(n).fill(v);
  if (!Array.isArray(v)) {
    throw new ValidationError(
      name,
      `got ${describeValue(v)}`,
      `a number, or ${channels}×${rows}×${cols} finite numbers (nested [channel][row][col], or [row][col] for one channel)`,
    );
  }
  checkNumericLeaves(v, name);
  const flat = v.flat(2) as unknown[];
  if (flat.length !== n || !flat.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new ValidationError(
      name,
      `has ${flat.length} numbers`,
      `a number, or ${channels}×${rows}×${cols} finite numbers (nested [channel][row][col], or [row][col] for one channel)`,
    );
  }
  return Float64Array.from(flat as number[]);
}

function inputAsState(input: Float64Array, channels: number, inputChannels: number): Float64Array {
  if (channels !== inputChannels) {
    throw new ValidationError(
      "initialState",
      `"input" needs inputChannels = channels, got ${inputChannels} and ${channels}`,
      '"zero", "ones", a number or a field',
    );
  }
  return Float64Array.from(input);
}

function nestField(v: Float64Array, channels: number, rows: number, cols: number): number[][][] {
  return Array.from({ length: channels }, (_, c) =>
    Array.from({ length: rows }, (_, i) =>
      Array.from(v.subarray((c * rows + i) * cols, (c * rows + i + 1) * cols)),
    ),
  );
}
