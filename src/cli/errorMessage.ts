import { CellspiceError, SolverError, ValidationError } from "../core/errors.js";
import { NgspiceError, NgspiceNotFoundError } from "../spice/errors.js";
import { EXIT, exitCodeOf, FileError } from "./exitCodes.js";
import { InterruptedError } from "./interrupt.js";

/** Which file an error came from, attached where the file was read. */
const sources = new WeakMap<object, string>();

/** Records that `e` was raised while reading `file` (shown in the error message). */
export function attachSource<E>(e: E, file: string): E {
  if (typeof e === "object" && e !== null && !sources.has(e)) sources.set(e, file);
  return e;
}

/**
 * The text printed on stderr for an error: one line saying what failed, then indented
 * structured fields. No stack trace unless `debug` (a stack is always printed for internal
 * errors, which are bugs).
 */
export function describeError(e: unknown, debug: boolean): string {
  const code = exitCodeOf(e);
  const lines: string[] = [];
  const source = typeof e === "object" && e !== null ? sources.get(e) : undefined;
  const where =
    source && !(e instanceof ValidationError && e.field === source) ? ` in ${source}` : "";
  if (e instanceof ValidationError) {
    const suffix = `; valid: ${e.valid}`;
    const problem = e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message;
    lines.push(
      `error: invalid input${where}: ${problem}`,
      `  field: ${e.field}`,
      `  valid: ${e.valid}`,
    );
  } else if (e instanceof InterruptedError) {
    lines.push(`cellspice: ${e.message}; ngspice (if running) was stopped`);
  } else if (e instanceof FileError) {
    lines.push(`error: ${e.message}`);
  } else if (e instanceof NgspiceNotFoundError) {
    lines.push(`error: ngspice is not installed: ${e.message}`);
  } else if (e instanceof SolverError) {
    lines.push(`error: simulation failed (${e.name}, ${e.code}): ${e.message}`);
    lines.push(...fields(e.details, ["t", "h", "method", "reason"]));
  } else if (e instanceof NgspiceError) {
    lines.push(`error: ngspice failed (${e.name}, ${e.code}): ${e.message}`);
    lines.push(
      ...fields(e.details, [
        "line",
        "lineText",
        "time",
        "node",
        "exitCode",
        "version",
        "executable",
      ]),
    );
    const tail = e.details.stderrTail;
    if (typeof tail === "string" && tail.trim()) {
      lines.push(
        "  ngspice stderr (last lines):",
        ...tail
          .trim()
          .split("\n")
          .slice(-8)
          .map((l) => `    ${l}`),
      );
    }
  } else if (e instanceof CellspiceError) {
    lines.push(`error${where}: ${e.name} (${e.code}): ${e.message}`);
  } else if (e instanceof Error && code !== EXIT.internal) {
    lines.push(`error: ${e.message}`);
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    lines.push(`error: internal error (a bug in cellspice, please report it): ${msg}`);
  }
  if ((debug || code === EXIT.internal) && e instanceof Error && e.stack) lines.push(e.stack);
  return `${lines.join("\n")}\n`;
}

function fields(details: Readonly<Record<string, unknown>>, keys: string[]): string[] {
  return keys
    .filter((k) => details[k] !== undefined)
    .map(
      (k) => `  ${k}: ${typeof details[k] === "string" ? details[k] : JSON.stringify(details[k])}`,
    );
}
