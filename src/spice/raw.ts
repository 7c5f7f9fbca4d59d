/**
 * Reader of ngspice raw files (the `-r` output), binary or ascii, one or more plots per file.
 *
 * Layout (ngspice manual, "Raw file format"): per plot a text header of `Key: value` lines
 * (Title, Date, Plotname, Flags, No. Variables, No. Points), a `Variables:` block with one
 * `index name type` line per vector, then `Binary:` followed by points × variables
 * little-endian float64 values, or `Values:` followed by one text line per value (the first of
 * each point prefixed by the point index). Only real data is read.
 *
 * A killed run leaves `No. Points: 0` in the header, so for binary data a declared count of 0
 * means "count the points from the data length"; an incomplete last row is truncation. Every
 * inconsistency throws a RawFileError naming the file, the byte (and line) offset and the
 * problem: the parser never returns partial or guessed values.
 */
import { readFile } from "node:fs/promises";
import { MissingVectorError, RawFileError } from "./errors.js";

/** One vector of a plot: its normalised name (lower case) and its ngspice type. */
export interface RawVariable {
  readonly name: string;
  readonly type: string;
}

/** The canonical spelling of a vector name: trimmed and lower case (SPICE is case-blind). */
export function normalizeVectorName(name: string): string {
  return name.trim().toLowerCase();
}

/** The names under which `name` may be stored: `x` ↔ `v(x)`, `i(v1)` ↔ `v1#branch`. */
function aliases(name: string): string[] {
  const n = normalizeVectorName(name);
  const v = /^v\((.+)\)$/.exec(n);
  if (v) return [n, v[1]];
  const i = /^i\((.+)\)$/.exec(n);
  if (i) return [n, `${i[1]}#branch`];
  const branch = /^(.+)#branch$/.exec(n);
  if (branch) return [n, `i(${branch[1]})`];
  return [n, `v(${n})`];
}

/** One analysis of a raw file (e.g. "Operating Point", "Transient Analysis"). */
export class RawPlot {
  constructor(
    readonly title: string,
    readonly date: string,
    readonly plotname: string,
    readonly flags: readonly string[],
    readonly variables: readonly RawVariable[],
    /** Points read from the data (for binary, counted from its length). */
    readonly points: number,
    /** The header's `No. Points` (0 after a killed run). */
    readonly declaredPoints: number,
    /** Vectors by normalised name, in file order. */
    readonly data: ReadonlyMap<string, Float64Array>,
  ) {}

  /** The independent variable (first vector): time for a transient, the sweep for a DC. */
  get scale(): Float64Array | undefined {
    const first = this.variables[0];
    return first && this.data.get(first.name);
  }

  /** The time vector, when the plot has one. */
  get time(): Float64Array | undefined {
    const t = this.variables.find((v) => v.type === "time");
    return t && this.data.get(t.name);
  }

  /** The vector called `name`, accepting `x` for `v(x)` and `i(v1)` for `v1#branch`. */
  find(name: string): Float64Array | undefined {
    for (const alias of aliases(name)) {
      const d = this.data.get(alias);
      if (d) return d;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** Like `find`, but a missing vector throws a MissingVectorError listing what exists. */
  vector(name: string): Float64Array {
    const d = this.find(name);
    if (!d) throw new MissingVectorError([name], [...this.data.keys()], this.plotname);
    return d;
  }
}

export interface RawFile {
  readonly file: string;
  readonly format: "binary" | "ascii";
  readonly plots: readonly RawPlot[];
}

/** Reads and parses the raw file at `path`. */
export async function readRawFile(path: string): Promise<RawFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new RawFileError(path, undefined, `cannot be read: ${(e as Error).message}`);
  }
  return parseRaw(bytes, path);
}

/** Parses the bytes of a raw file; `file` is only used in error messages. */
export function parseRaw(bytes: Uint8Array, file = "<raw buffer>"): RawFile {
  const cursor = new Cursor(bytes, file);
  const plots: RawPlot[] = [];
  let format: "binary" | "ascii" | undefined;
  cursor.skipBlankLines();
  if (cursor.atEnd()) throw cursor.error("the file is empty (no plot header)");
  while (!cursor.atEnd()) {
    const header = readHeader(cursor, plots.length + 1);
    format ??= header.format;
    const data =
      header.format === "binary"
        ? readBinaryData(cursor, header, plots.length + 1)
        : readAsciiData(cursor, header, plots.length + 1);
    const vectors = new Map<string, Float64Array>();
    header.variables.forEach((v, k) => {
      vectors.set(v.name, data.columns[k]);
    });
    plots.push(
      new RawPlot(
        header.title,
        header.date,
        header.plotname,
        header.flags,
        header.variables,
        data.points,
        header.declaredPoints,
        vectors,
      ),
    );
    cursor.skipBlankLines();
  }
  return { file, format: format!, plots };
}

interface Header {
  title: string;
  date: string;
  plotname: string;
  flags: string[];
  variables: RawVariable[];
  declaredPoints: number;
  format: "binary" | "ascii";
}

/** A read position in the file, counting lines for the text parts. */
class Cursor {
  pos = 0;
  line = 1;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** The next line without its end-of-line, or undefined at end of file or before a bare tail. */
  readLine(): string | undefined {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) return undefined;
    let text = Buffer.from(this.bytes.subarray(this.pos, end)).toString("latin1");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    this.pos = end + 1;
    this.line += 1;
    return text;
  }

  skipBlankLines(): void {
    for (;;) {
      const { pos, line } = this;
      const text = this.readLine();
      if (text === undefined || text.trim() !== "") {
        this.pos = pos;
        this.line = line;
        // A tail of only whitespace without a final newline is also blank.
        if (text === undefined && this.restIsBlank()) this.pos = this.bytes.length;
        return;
      }
    }
  }

  private restIsBlank(): boolean {
    return this.bytes.subarray(this.pos).every((b) => b === 0x20 || b === 0x09 || b === 0x0d);
  }

  error(problem: string, at: { byte: number; line?: number } = this.here()): RawFileError {
    return new RawFileError(this.file, at, problem);
  }

  here(): { byte: number; line: number } {
    return { byte: this.pos, line: this.line };
  }
}

function readHeader(cursor: Cursor, plotNo: number): Header {
  const start = cursor.here();
  const fields = new Map<string, string>();
  let variables: RawVariable[] | undefined;
  for (;;) {
    const at = cursor.here();
    const text = cursor.readLine();
    if (text === undefined) {
      throw cursor.error(`plot ${plotNo}: header ends before "Binary:" or "Values:" (truncated)`);
    }
    if (text.trim() === "") continue;
    const m = /^([^:]+):\s*(.*)$/.exec(text);
    if (!m) throw cursor.error(`plot ${plotNo}: "${clip(text)}" is not a header line`, at);
    const key = m[1].trim().toLowerCase();
    const value = m[2].trim();
    if (key === "variables") {
      variables = readVariables(cursor, fields, value, plotNo, at);
    } else if (key === "binary" || key === "values") {
      const h = checkHeader(cursor, fields, variables, plotNo, start);
      return { ...h, format: key === "binary" ? "binary" : "ascii" };
    } else {
      fields.set(key, value);
    }
  }
}

function readVariables(
  cursor: Cursor,
  fields: Map<string, string>,
  sameLine: string,
  plotNo: number,
  at: { byte: number; line: number },
): RawVariable[] {
  const n = count(fields.get("no. variables"));
  if (n === undefined || n < 1) {
    throw cursor.error(
      `plot ${plotNo}: "No. Variables" missing or invalid before "Variables:"`,
      at,
    );
  }
  const variables: RawVariable[] = [];
  let pending: string | undefined = sameLine === "" ? undefined : sameLine;
  for (let k = 0; k < n; k++) {
    const lineAt = cursor.here();
    const text = pending ?? cursor.readLine();
    pending = undefined;
    if (text === undefined) {
      throw cursor.error(`plot ${plotNo}: variable list ends after ${k} of ${n} (truncated)`);
    }
    const parts = text.trim().split(/\s+/);
    if (parts.length < 3 || Number(parts[0]) !== k) {
      throw cursor.error(
        `plot ${plotNo}: "${clip(text)}" is not variable ${k} ("index name type")`,
        lineAt,
      );
    }
    const name = normalizeVectorName(parts[1]);
    const earlier = variables.findIndex((v) => v.name === name);
    if (earlier >= 0) {
      throw cursor.error(
        `plot ${plotNo}: variable ${k} "${clip(parts[1])}" has the name of variable ${earlier}: ` +
          "one of the two columns would be lost",
        lineAt,
      );
    }
    variables.push({ name, type: parts[2].toLowerCase() });
  }
  return variables;
}

function checkHeader(
  cursor: Cursor,
  fields: Map<string, string>,
  variables: RawVariable[] | undefined,
  plotNo: number,
  start: { byte: number; line: number },
): Omit<Header, "format"> {
  for (const key of ["title", "plotname", "flags", "no. variables", "no. points"]) {
    if (!fields.has(key)) throw cursor.error(`plot ${plotNo}: header has no "${key}" line`, start);
  }
  if (!variables) throw cursor.error(`plot ${plotNo}: header has no "Variables:" block`, start);
  const declaredPoints = count(fields.get("no. points"));
  if (declaredPoints === undefined) {
    throw cursor.error(`plot ${plotNo}: "No. Points: ${fields.get("no. points")}" is invalid`);
  }
  const flags = fields.get("flags")!.toLowerCase().split(/\s+/).filter(Boolean);
  if (flags.includes("complex")) {
    throw cursor.error(`plot ${plotNo}: complex data (AC analysis) is not supported`, start);
  }
  if (!flags.includes("real")) {
    throw cursor.error(`plot ${plotNo}: flags "${flags.join(" ")}" are not "real"`, start);
  }
  return {
    title: fields.get("title")!,
    date: fields.get("date") ?? "",
    plotname: fields.get("plotname")!,
    flags,
    variables,
    declaredPoints,
  };
}

interface Columns {
  points: number;
  columns: Float64Array[];
}

function readBinaryData(cursor: Cursor, header: Header, plotNo: number): Columns {
  const nVars = header.variables.length;
  const rowBytes = 8 * nVars;
  const start = cursor.pos;
  const available = cursor.bytes.length - start;
  let points = header.declaredPoints;
  if (points === 0) {
    // A killed or unfinished run: the header was never updated, count from the length.
    points = Math.floor(available / rowBytes);
    if (available % rowBytes !== 0) {
      throw cursor.error(
        `plot ${plotNo}: ${available} data bytes is not a multiple of the ${rowBytes}-byte row ` +
          `(${nVars} float64 values): the last row is incomplete (truncated)`,
        { byte: start + points * rowBytes },
      );
    }
  } else if (available < points * rowBytes) {
    const whole = Math.floor(available / rowBytes);
    throw cursor.error(
      `plot ${plotNo}: header says ${points} points of ${rowBytes} bytes, the file holds ` +
        `${available} data bytes (${whole} whole points): truncated`,
      { byte: start + whole * rowBytes },
    );
  }
  const view = new DataView(
    cursor.bytes.buffer,
    cursor.bytes.byteOffset + start,
    points * rowBytes,
  );
  const columns = header.variables.map(() => new Float64Array(points));
  for (let p = 0; p < points; p++) {
    for (let k = 0; k < nVars; k++) columns[k][p] = view.getFloat64(p * rowBytes + 8 * k, true);
  }
  cursor.pos = start + points * rowBytes;
  if (!cursor.atEnd() && !startsWithTitle(cursor)) {
    throw cursor.error(
      `plot ${plotNo}: ${cursor.bytes.length - cursor.pos} bytes after its ${points} points ` +
        `are not another plot (point count mismatch or corrupted file)`,
    );
  }
  return { points, columns };
}

function startsWithTitle(cursor: Cursor): boolean {
  const head = Buffer.from(cursor.bytes.subarray(cursor.pos, cursor.pos + 6)).toString("latin1");
  return head === "Title:";
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SPECIAL = /^[-+]?(nan|inf|infinity)$/i;

/** Parses one printed value; ngspice writes `%.15e`, and nan/inf as C's printf spells them. */
function parseValue(token: string): number | undefined {
  if (NUMBER.test(token)) return Number(token);
  if (SPECIAL.test(token)) {
    if (/nan/i.test(token)) return Number.NaN;
    return token.startsWith("-") ? -Infinity : Infinity;
  }
  return undefined;
}

function readAsciiData(cursor: Cursor, header: Header, plotNo: number): Columns {
  const nVars = header.variables.length;
  const values: number[][] = header.variables.map(() => []);
  let points = 0;
  for (;;) {
    cursor.skipBlankLines();
    if (cursor.atEnd() || startsWithTitle(cursor)) break;
    const at = cursor.here();
    const first = cursor.readLine() ?? readTail(cursor);
    const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(first);
    if (!m || Number(m[1]) !== points) {
      throw cursor.error(
        `plot ${plotNo}: "${clip(first)}" should start point ${points} ("index value")`,
        at,
      );
    }
    pushValue(cursor, values[0], m[2], plotNo, points, header.variables[0].name, at);
    for (let k = 1; k < nVars; k++) {
      const lineAt = cursor.here();
      const text = cursor.atEnd() ? undefined : (cursor.readLine() ?? readTail(cursor));
      if (text === undefined) {
        throw cursor.error(
          `plot ${plotNo}: point ${points} has ${k} of ${nVars} values: the file is truncated`,
        );
      }
      const token = text.trim();
      if (token === "" || /\s/.test(token)) {
        throw cursor.error(
          `plot ${plotNo}: point ${points}: "${clip(text)}" is not one value of ` +
            `${header.variables[k].name}`,
          lineAt,
        );
      }
      pushValue(cursor, values[k], token, plotNo, points, header.variables[k].name, lineAt);
    }
    points += 1;
  }
  if (header.declaredPoints !== 0 && header.declaredPoints !== points) {
    throw cursor.error(
      `plot ${plotNo}: header says ${header.declaredPoints} points, the file holds ${points}`,
    );
  }
  return { points, columns: values.map((v) => Float64Array.from(v)) };
}

/** The last line of a file that does not end with a newline. */
function readTail(cursor: Cursor): string {
  const text = Buffer.from(cursor.bytes.subarray(cursor.pos)).toString("latin1");
  cursor.pos = cursor.bytes.length;
  return text;
}

function pushValue(
  cursor: Cursor,
  column: number[],
  token: string,
  plotNo: number,
  point: number,
  name: string,
  at: { byte: number; line: number },
): void {
  const x = parseValue(token);
  if (x === undefined) {
    throw cursor.error(
      `plot ${plotNo}: point ${point}: "${clip(token)}" is not a number (value of ${name})`,
      at,
    );
  }
  column.push(x);
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

function clip(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 60 ? `${printable.slice(0, 57)}...` : printable;
}
