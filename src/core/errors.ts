/**
 * The error hierarchy of cellspice. Every failure is thrown as one of these, with structured
 * fields that say what failed and where; a failed run is never returned as a result.
 */

/** Base class: `code` is a stable machine-readable identifier, `details` structured context. */
export class CellspiceError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/**
 * Bad input: names the offending field (a dotted path such as `templates.A[0][1]` or
 * `memristor.params.G_m`), what was given and what is valid.
 */
export class ValidationError extends CellspiceError {
  readonly field: string;
  readonly valid: string;

  constructor(
    field: string,
    problem: string,
    valid: string,
    details: Record<string, unknown> = {},
  ) {
    super("invalid-input", `${field}: ${problem}; valid: ${valid}`, { field, valid, ...details });
    this.field = field;
    this.valid = valid;
  }
}

/** Why an ODE solve stopped. */
export type SolverFailure =
  | "step-size-collapse"
  | "non-finite-state"
  | "too-many-steps"
  | "newton-divergence";

/**
 * An ODE solve that could not complete: the time reached, the step size in use and a summary of
 * the state (the worst components) when it failed.
 */
export class SolverError extends CellspiceError {
  readonly reason: SolverFailure;
  readonly t: number;

  constructor(
    reason: SolverFailure,
    message: string,
    details: { t: number; h?: number; method: string; state?: Record<string, unknown> } & Record<
      string,
      unknown
    >,
  ) {
    super(`solver-${reason}`, message, details);
    this.reason = reason;
    this.t = details.t;
  }
}
