/**
 * The waveform files of `cellspice simulate` and `cellspice memristor`, read back by
 * `cellspice plot`. Both carry a time column t and named signal columns:
 *
 *   array runs      t [τ], x_<c>_<i>_<j> for every cell, then w_<c>_<i>_<j> for an M-CellNN
 *   memristor drive t [s], v [V], i [A], w
 *
 * CSV: a header line `t,name,…`, then one line per time (numbers in shortest round-trip form).
 * JSON: {"format": "cellspice-waveforms", "version": 1, "kind", "engine", "timeUnit", "t": […],
 * "signals": {name: […]}, …metadata}.
 */

import type { CellArray } from "../cells/spec.js";
import { ValidationError } from "../core/errors.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";
import { nodeName } from "../spice/netlist/nodeNames.js";

export const WAVEFORM_FORMAT = "cellspice-waveforms";

export interface WaveformTable {
  kind: "array" | "memristor-drive";
  engine: string;
  timeUnit: "tau" | "s";
  t: Float64Array;
  /** Signal columns by name, in file order, each as long as t. */
  signals: Map<string, Float64Array>;
  /** Extra JSON fields (array shape, engine info, drive). */
  meta: Record<string, unknown>;
}

/** The table of an array trajectory: x per cell, then w per cell. */
export function arrayTable(array: CellArray, tr: ArrayTrajectory): WaveformTable {
  const signals = new Map<string, Float64Array>();
  const nt = tr.t.length;
  const names: string[] = [];
  for (let c = 0; c < array.channels; c++)
    for (let i = 0; i < array.rows; i++)
      for (let j = 0; j < array.cols; j++) names.push(`${c}_${i}_${j}`);
  const add = (prefix: "x" | "w", data: Float64Array) =>
    names.forEach((suffix, p) => {
      const col = new Float64Array(nt);
      for (let k = 0; k < nt; k++) col[k] = data[k * tr.cells + p];
      signals.set(`${prefix}_${suffix}`, col);
    });
  add("x", tr.x);
  if (tr.w) add("w", tr.w);
  return {
    kind: "array",
    engine: tr.engine,
    timeUnit: "tau",
    t: tr.t,
    signals,
    meta: {
      array: {
        name: array.name,
        channels: array.channels,
        rows: array.rows,
        cols: array.cols,
        scales: array.scales,
      },
      info: tr.info,
      wallTimeMs: tr.wallTimeMs,
    },
  };
}

/** The state column name of flat cell p of an array shape. */
export function stateColumn(
  shape: { rows: number; cols: number },
  p: number,
  prefix: "x" | "w" = "x",
): string {
  const plane = shape.rows * shape.cols;
  const c = Math.floor(p / plane);
  return nodeName(prefix, c, Math.floor((p - c * plane) / shape.cols), p % shape.cols);
}

export function toCsv(table: WaveformTable): string {
  const names = [...table.signals.keys()];
  const cols = names.map((n) => table.signals.get(n)!);
  const lines = [["t", ...names].join(",")];
  for (let k = 0; k < table.t.length; k++) {
    let line = String(table.t[k]);
    for (const c of cols) line += `,${c[k]}`;
    lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}

export function toJson(table: WaveformTable): string {
  const signals: Record<string, number[]> = {};
  for (const [name, v] of table.signals) signals[name] = Array.from(v);
  return `${JSON.stringify({
    format: WAVEFORM_FORMAT,
    version: 1,
    kind: table.kind,
    engine: table.engine,
    timeUnit: table.timeUnit,
    ...table.meta,
    t: Array.from(table.t),
    signals,
  })}\n`;
}

/** Reads a CSV or JSON waveform file (decided by its first non-blank character). */
export function parseWaveformFile(text: string, source: string): WaveformTable {
  const body = text.trimStart();
  return body.startsWith("{") ? parseJson(body, source) : parseCsv(body, source);
}

function parseCsv(text: string, source: string): WaveformTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = (lines[0] ?? "").split(",").map((s) => s.trim());
  if (header[0] !== "t" || header.length < 2) {
    throw new ValidationError(
      `${source} header`,
      `starts ${JSON.stringify(header.slice(0, 3).join(","))}`,
      'a CSV header "t,<signal>,…" as written by cellspice simulate',
    );
  }
  const nt = lines.length - 1;
  const t = new Float64Array(nt);
  const cols = header.slice(1).map(() => new Float64Array(nt));
  for (let k = 0; k < nt; k++) {
    const cells = lines[k + 1].split(",");
    if (cells.length !== header.length) {
      throw new ValidationError(
        `${source} line ${k + 2}`,
        `has ${cells.length} fields`,
        `${header.length} fields like the header`,
      );
    }
    for (let q = 0; q < cells.length; q++) {
      const v = Number(cells[q]);
      if (cells[q].trim() === "" || Number.isNaN(v)) {
        throw new ValidationError(
          `${source} line ${k + 2}, column ${header[q]}`,
          `got ${JSON.stringify(cells[q])}`,
          "a number",
        );
      }
      if (q === 0) t[k] = v;
      else cols[q - 1][k] = v;
    }
  }
  const signals = new Map(header.slice(1).map((name, q) => [name, cols[q]] as const));
  const drive = signals.has("v") && signals.has("i");
  return {
    kind: drive ? "memristor-drive" : "array",
    engine: "unknown",
    timeUnit: drive ? "s" : "tau",
    t,
    signals,
    meta: {},
  };
}

function parseJson(text: string, source: string): WaveformTable {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ValidationError(
      source,
      `malformed JSON (${(e as Error).message})`,
      `a ${WAVEFORM_FORMAT} JSON file`,
    );
  }
  if (doc.format !== WAVEFORM_FORMAT) {
    throw new ValidationError(
      `${source}: format`,
      `got ${JSON.stringify(doc.format)}`,
      JSON.stringify(WAVEFORM_FORMAT),
    );
  }
  const t = numbers(doc.t, `${source}: t`);
  const raw = doc.signals;
  if (typeof raw !== "object" || raw === null) {
    throw new ValidationError(
      `${source}: signals`,
      "missing",
      "an object of name → array of numbers",
    );
  }
  const signals = new Map<string, Float64Array>();
  for (const [name, v] of Object.entries(raw)) {
    const col = numbers(v, `${source}: signals.${name}`);
    if (col.length !== t.length) {
      throw new ValidationError(
        `${source}: signals.${name}`,
        `has ${col.length} values`,
        `one per time (${t.length})`,
      );
    }
    signals.set(name, col);
  }
  const { format: _f, version: _v, kind, engine, timeUnit, t: _t, signals: _s, ...meta } = doc;
  return {
    kind: kind === "memristor-drive" ? "memristor-drive" : "array",
    engine: typeof engine === "string" ? engine : "unknown",
    timeUnit: timeUnit === "s" ? "s" : "tau",
    t,
    signals,
    meta,
  };
}

function numbers(v: unknown, field: string): Float64Array {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number" || x === null)) {
    throw new ValidationError(field, "not an array of numbers", "an array of numbers");
  }
  return Float64Array.from(v, (x) => (x === null ? Number.NaN : (x as number)));
}
