import { CellspiceError, SolverError, ValidationError } from "../core/errors.js";
import { NgspiceError, NgspiceNotFoundError } from "../spice/errors.js";
import { TopologyError } from "../spice/netlist/topology.js";
import { InterruptedError } from "./interrupt.js";

/** The CLI's exit codes (docs/cli.md). */
export const EXIT = {
  /** Success (and, for `cosim` and `demo`, every verdict passed). */
  ok: 0,
  /** A co-simulation verdict failed. */
  verdictFailed: 1,
  /** Wrong arguments or options: usage help is printed on stderr. */
  usage: 2,
  /** Invalid input: an array, image or waveform file, or an option value, that is not valid. */
  invalidInput: 3,
  /** A simulation failed: a solver error or an ngspice failure. */
  simulationFailed: 4,
  /** ngspice is not installed (or `$CELLSPICE_NGSPICE` does not name it). */
  ngspiceMissing: 5,
  /** Interrupted by SIGINT (Ctrl-C): 128 + 2. ngspice was killed, temporary files removed. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
  /** Stopped by SIGHUP (the terminal was closed): 128 + 1. */
  hangup: 129,
  /** A bug in cellspice: an error no rule above covers. */
  internal: 70,
} as const;

/** A command-line mistake found after parsing (e.g. an output path equal to the input). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A file that cannot be read or written (missing, a directory, no permission). */
export class FileError extends Error {
  override name = "FileError";

  constructor(
    readonly path: string,
    readonly action: "read" | "write",
    readonly reason: string,
  ) {
    super(`cannot ${action} ${path}: ${reason}`);
  }
}

/** The exit code of an error thrown by a command. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof InterruptedError) return e.exitCode;
  if (e instanceof UsageError) return EXIT.usage;
  if (e instanceof ValidationError || e instanceof TopologyError || e instanceof FileError)
    return EXIT.invalidInput;
  if (e instanceof NgspiceNotFoundError) return EXIT.ngspiceMissing;
  if (e instanceof SolverError || e instanceof NgspiceError) return EXIT.simulationFailed;
  if (e instanceof CellspiceError) return EXIT.simulationFailed;
  return EXIT.internal;
}
