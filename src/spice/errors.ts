/**
 * Why an ngspice run failed, as typed errors with structured fields. ngspice exits 0 after many
 * failures (DESIGN.md §3), so most of these are raised from what cellspice finds in ngspice's
 * output and raw file, not from its exit code. docs/ngspice.md says what each means for a user.
 */
import { CellspiceError } from "../core/errors.js";

/** Base class of every failure of an ngspice run; `details` holds the tail of ngspice's stderr. */
export class NgspiceError extends CellspiceError {}

/** The ngspice executable could not be started. */
export class NgspiceNotFoundError extends NgspiceError {
  readonly executable: string;

  constructor(executable: string, cause: string) {
    super(
      "ngspice-not-found",
      `cannot run ngspice as "${executable}" (${cause}). Install it: ` +
        "`sudo apt-get install ngspice` on Debian/Ubuntu, `brew install ngspice` on macOS, " +
        "or set CELLSPICE_NGSPICE=/path/to/ngspice",
      { executable, cause },
    );
    this.executable = executable;
  }
}

/** ngspice rejected the netlist; `line` is the 1-based netlist line when it could be found. */
export class NetlistSyntaxError extends NgspiceError {
  readonly ngspiceMessage: string;
  readonly line: number | undefined;
  readonly lineText: string | undefined;

  constructor(ngspiceMessage: string, line?: number, lineText?: string, details = {}) {
    const where = line === undefined ? "" : ` at netlist line ${line}`;
    const text = lineText === undefined ? "" : ` (${lineText.trim()})`;
    super("netlist-syntax", `ngspice rejected the netlist${where}${text}: ${ngspiceMessage}`, {
      ngspiceMessage,
      line,
      lineText,
      ...details,
    });
    this.ngspiceMessage = ngspiceMessage;
    this.line = line;
    this.lineText = lineText;
  }
}

/**
 * The analysis stopped: time step too small, no DC or transient convergence. `time` is the
 * simulation time reached (0 when the initial point failed, undefined for a failed `.op`).
 */
export class ConvergenceError extends NgspiceError {
  readonly time: number | undefined;
  readonly node: string | undefined;

  constructor(
    ngspiceMessage: string,
    fields: { time?: number; timestep?: number; node?: string; analysis?: string },
    details = {},
  ) {
    const at = fields.time === undefined ? "" : ` at t = ${fields.time} s`;
    const node = fields.node === undefined ? "" : ` (trouble with node ${fields.node})`;
    super("ngspice-convergence", `ngspice did not converge${at}${node}: ${ngspiceMessage}`, {
      ngspiceMessage,
      ...fields,
      ...details,
    });
    this.time = fields.time;
    this.node = fields.node;
  }
}

/**
 * ngspice reported a singular matrix: some node has no DC path to ground (or a loop of voltage
 * sources). ngspice usually exits 0 after this warning, with results that cannot be trusted.
 */
export class SingularMatrixError extends NgspiceError {
  readonly nodes: readonly string[];

  constructor(nodes: string[], details = {}) {
    super(
      "ngspice-singular-matrix",
      `ngspice reported a singular matrix (check node ${nodes.join(", ")}): a node without a DC ` +
        "path to ground, e.g. a capacitor-only node, or a loop of voltage sources",
      { nodes, ...details },
    );
    this.nodes = nodes;
  }
}

/** The run took longer than its time limit; its process group was killed. */
export class SpiceTimeoutError extends NgspiceError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, details = {}) {
    super("ngspice-timeout", `ngspice ran longer than ${timeoutMs} ms and was killed`, {
      timeoutMs,
      ...details,
    });
    this.timeoutMs = timeoutMs;
  }
}

/** ngspice wrote a file larger than its bound (`maxRawBytes`) and was stopped by SIGXFSZ. */
export class RawTooLargeError extends NgspiceError {
  constructor(
    readonly maxBytes: number,
    details = {},
  ) {
    super(
      "ngspice-raw-too-large",
      `ngspice's raw file grew past ${maxBytes} bytes and ngspice was stopped: fewer cells, a ` +
        "shorter T or a larger --max-step make it smaller",
      { maxBytes, ...details },
    );
  }
}

/** The caller's AbortSignal fired; the process group was killed. */
export class SpiceAbortedError extends NgspiceError {
  constructor(reason: unknown, details = {}) {
    super("ngspice-aborted", `ngspice run aborted by the caller: ${String(reason)}`, {
      reason,
      ...details,
    });
  }
}

/** ngspice was ended by a signal that cellspice did not send (out of memory, a user's kill). */
export class SpiceKilledError extends NgspiceError {
  readonly signal: string;

  constructor(signal: string, details = {}) {
    super("ngspice-killed", `ngspice was killed by signal ${signal}`, { signal, ...details });
    this.signal = signal;
  }
}

/** ngspice failed (non-zero exit or an error line) in a way no rule of the table recognises. */
export class NgspiceFailedError extends NgspiceError {
  constructor(message: string, details = {}) {
    super("ngspice-failed", message, details);
  }
}

/** Where in a raw file a problem was found: byte offset, and line for the text parts. */
export interface RawFileLocation {
  byte: number;
  line?: number;
}

/** A raw file that is missing, truncated or corrupted. */
export class RawFileError extends NgspiceError {
  readonly file: string;
  readonly byte: number | undefined;
  readonly line: number | undefined;
  readonly problem: string;

  constructor(file: string, where: RawFileLocation | undefined, problem: string) {
    const at =
      where === undefined
        ? ""
        : where.line === undefined
          ? ` at byte ${where.byte}`
          : ` at line ${where.line} (byte ${where.byte})`;
    super("raw-file", `raw file ${file}${at}: ${problem}`, {
      file,
      byte: where?.byte,
      line: where?.line,
      problem,
    });
    this.file = file;
    this.byte = where?.byte;
    this.line = where?.line;
    this.problem = problem;
  }
}

/** Vectors the caller expected are absent (ngspice silently drops `.save` of unknown names). */
export class MissingVectorError extends NgspiceError {
  readonly missing: readonly string[];

  constructor(missing: string[], available: string[], plotname: string) {
    super(
      "ngspice-missing-vector",
      `${missing.join(", ")} not in the "${plotname}" results (ngspice silently drops .save of ` +
        `unknown vectors); available: ${available.join(", ")}`,
      { missing, available, plotname },
    );
    this.missing = missing;
  }
}

/** The results do not end at the expected stop time (usually: they end before it). */
export class IncompleteRunError extends NgspiceError {
  readonly tEnd: number | undefined;
  readonly tstop: number;

  constructor(tEnd: number | undefined, tstop: number, details = {}) {
    super(
      "ngspice-incomplete",
      `ngspice results end at t = ${tEnd ?? "(no points)"} s, not at tstop = ${tstop} s`,
      { tEnd, tstop, ...details },
    );
    this.tEnd = tEnd;
    this.tstop = tstop;
  }
}

/**
 * The results hold a value that no circuit produces: NaN, ±Infinity, or a magnitude of 1e90 or
 * more (ngspice silently returns 1e99 for exp() of arguments above about 228).
 */
export class InvalidResultError extends NgspiceError {
  readonly vector: string;
  readonly time: number | undefined;
  readonly value: number;

  constructor(vector: string, time: number | undefined, value: number, details = {}) {
    const at = time === undefined ? "" : ` at t = ${time} s`;
    super(
      "ngspice-invalid-result",
      `${vector} = ${value}${at}: not a physical value (NaN, infinite, or ngspice's silent ` +
        "1e99 overflow of exp())",
      { vector, time, value, ...details },
    );
    this.vector = vector;
    this.time = time;
    this.value = value;
  }
}
