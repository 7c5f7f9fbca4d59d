/**
 * What ngspice's output says about a run. ngspice reports most failures as text (often with exit
 * code 0), so cellspice reads stdout and stderr line by line against a small table of the
 * messages ngspice 39 prints, and turns the first failure found into a typed error.
 *
 * Messages seen with ngspice 39 (batch mode), which the table covers:
 *   Error on line 4 or its substitute:\n  q1 x\ncould not find a valid modelname
 *   Error: unknown subckt: x1 x 0 nosuch
 *   PTerror: syntax error, parsing stopped at …      (a bad B-source expression)
 *   Error: circuit not parsed.
 *   doAnalyses: TRAN:  Timestep too small; time = 0.999708, timestep = 8.48752e-15: trouble with node "x"
 *   doAnalyses: TRAN:  Timestep too small; initial timepoint: cause unrecorded.
 *   doAnalyses: OP:  Timestep too small; cause unrecorded.
 *   Error: -2 out of range for sqrt                  (a domain error in a B source)
 *   Warning: singular matrix:  check node x          (exit code 0, results still written)
 *   run simulation(s) aborted
 *   Error: no data saved for Transient analysis; analysis not run   (only unknown .save vectors)
 */
import {
  ConvergenceError,
  NetlistSyntaxError,
  type NgspiceError,
  NgspiceFailedError,
  SingularMatrixError,
} from "./errors.js";

export type DiagnosticKind = "syntax" | "convergence" | "singular" | "error" | "warning";

/** One recognised message: its kind, the matched line and the captured fields. */
export interface Diagnostic {
  kind: DiagnosticKind;
  rule: string;
  line: string;
  match: RegExpExecArray;
  /** The lines that follow the matched one (ngspice prints some messages over three lines). */
  next: readonly string[];
}

export interface MessageRule {
  rule: string;
  kind: DiagnosticKind;
  pattern: RegExp;
}

/** The table, most specific first; a line is classified by the first rule it matches. */
export const NGSPICE_MESSAGE_RULES: readonly MessageRule[] = [
  { rule: "error-on-line", kind: "syntax", pattern: /^Error on line (\d+)/ },
  { rule: "unknown-subckt", kind: "syntax", pattern: /^Error: unknown subckt: (.*)$/ },
  { rule: "expression-syntax", kind: "syntax", pattern: /^PTerror: (.*)$/ },
  { rule: "not-parsed", kind: "syntax", pattern: /^Error: circuit not parsed/ },
  { rule: "no-circuit", kind: "syntax", pattern: /^Error: there aren't any circuits loaded/ },
  // `.save` of vectors that do not exist: ngspice then aborts the analysis ("run simulation(s)
  // aborted"), which must not read as a convergence failure.
  { rule: "no-data-saved", kind: "syntax", pattern: /no data saved for (\w+) analysis/i },
  {
    rule: "timestep-too-small",
    kind: "convergence",
    pattern:
      /Timestep too small; time = ([-+0-9.eE]+), timestep = ([-+0-9.eE]+)(?:: trouble with node "([^"]+)")?/,
  },
  {
    rule: "initial-timepoint",
    kind: "convergence",
    pattern: /Timestep too small; initial timepoint/,
  },
  { rule: "op-failed", kind: "convergence", pattern: /doAnalyses: (\w+):\s+Timestep too small/ },
  { rule: "solution-failed", kind: "convergence", pattern: /^(DC|Transient) solution failed/ },
  { rule: "iteration-limit", kind: "convergence", pattern: /[Ii]teration limit reached/ },
  { rule: "no-convergence", kind: "convergence", pattern: /[Nn]o convergence/ },
  { rule: "aborted", kind: "convergence", pattern: /run simulation\(s\) aborted/ },
  { rule: "domain-error", kind: "error", pattern: /Error: (\S+) out of range for (\w+)/ },
  { rule: "singular-matrix", kind: "singular", pattern: /singular matrix:\s+check node (\S+)/ },
  // Harmless notes printed as errors/warnings, recognised so that they classify as nothing.
  { rule: "no-resource-info", kind: "warning", pattern: /^Note: no resource usage information/ },
  { rule: "gmin-stepping", kind: "warning", pattern: /gmin|source stepping|Supplies reduced/ },
  { rule: "warning", kind: "warning", pattern: /^\s*Warning:?\s*(.*)$/i },
  { rule: "error", kind: "error", pattern: /^\s*Error\b:?\s*(.*)$/i },
];

/** Classifies every line of ngspice's stdout and stderr against NGSPICE_MESSAGE_RULES. */
export function diagnose(stdout: string, stderr: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const text of [stderr, stdout]) {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, k) => {
      for (const r of NGSPICE_MESSAGE_RULES) {
        const match = r.pattern.exec(line);
        if (match) {
          found.push({ kind: r.kind, rule: r.rule, line, match, next: lines.slice(k + 1, k + 3) });
          break;
        }
      }
    });
  }
  return found;
}

/** The warnings worth showing a user: ngspice's "Warning:" lines, without gmin-stepping noise. */
export function warningsOf(diagnostics: readonly Diagnostic[]): string[] {
  const lines = diagnostics.filter((d) => d.rule === "warning").map((d) => d.line.trim());
  return [...new Set(lines)];
}

/**
 * The error that the output shows, or undefined when it shows none. Priority: netlist syntax,
 * then singular matrix (the usual root cause of a following convergence failure), then
 * convergence, then any other error line or a non-zero exit code.
 */
export function failureOf(
  diagnostics: readonly Diagnostic[],
  exitCode: number,
  netlist: string,
  details: Record<string, unknown>,
): NgspiceError | undefined {
  const syntax = diagnostics.filter((d) => d.kind === "syntax");
  if (syntax.length > 0) return syntaxError(syntax, netlist, details);

  const singular = diagnostics.filter((d) => d.kind === "singular");
  if (singular.length > 0) {
    const nodes = [...new Set(singular.map((d) => d.match[1]))];
    const aborted = diagnostics.some((d) => d.kind === "convergence");
    return new SingularMatrixError(nodes, { ...details, exitCode, aborted });
  }

  const convergence = diagnostics.filter((d) => d.kind === "convergence");
  if (convergence.length > 0) return convergenceError(convergence, diagnostics, details);

  const errors = diagnostics.filter((d) => d.kind === "error");
  if (errors.length > 0 || exitCode !== 0) {
    const what = errors.length > 0 ? errors[0].line.trim() : "no message recognised";
    return new NgspiceFailedError(`ngspice failed (exit code ${exitCode}): ${what}`, {
      ...details,
      exitCode,
      errors: errors.map((d) => d.line.trim()),
    });
  }
  return undefined;
}

function syntaxError(
  syntax: readonly Diagnostic[],
  netlist: string,
  details: Record<string, unknown>,
): NetlistSyntaxError {
  const lines = netlist.split(/\r?\n/);
  const onLine = syntax.find((d) => d.rule === "error-on-line");
  if (onLine) {
    // "Error on line N or its substitute:" / "  <the line as ngspice rewrote it>" / "<message>"
    const n = Number(onLine.match[1]);
    const echoed = (onLine.next[0] ?? "").trim();
    const message = [
      onLine.next[1]?.trim(),
      ...syntax.filter((d) => d.rule === "expression-syntax").map((d) => d.line.trim()),
    ]
      .filter(Boolean)
      .join("; ");
    const line = locate(lines, echoed, n);
    return new NetlistSyntaxError(
      message || onLine.line.trim(),
      line,
      line === undefined ? echoed : lines[line - 1],
      details,
    );
  }
  const first = syntax.find((d) => d.rule !== "not-parsed" && d.rule !== "no-circuit") ?? syntax[0];
  if (first.rule === "no-data-saved") {
    return new NetlistSyntaxError(
      `${first.line.trim()}: no vector of the netlist's .save lines exists (check their node ` +
        "names; ngspice saves nothing and runs no analysis)",
      undefined,
      undefined,
      details,
    );
  }
  const subject = first.rule === "unknown-subckt" ? first.match[1].trim() : "";
  const line = subject === "" ? undefined : locate(lines, subject, undefined);
  return new NetlistSyntaxError(
    first.line.trim(),
    line,
    line === undefined ? undefined : lines[line - 1],
    details,
  );
}

/**
 * The 1-based netlist line that ngspice echoed (lower-cased and re-spaced by ngspice): line
 * `hint` when its element name matches, else the first line after the title with that name.
 */
function locate(
  lines: readonly string[],
  echoed: string,
  hint: number | undefined,
): number | undefined {
  const nameOf = (s: string) => s.trim().toLowerCase().split(/\s+/)[0] ?? "";
  const name = nameOf(echoed);
  const inRange = hint !== undefined && hint >= 1 && hint <= lines.length;
  if (name === "") return inRange ? hint : undefined;
  if (inRange && nameOf(lines[hint - 1]) === name) return hint;
  const k = lines.findIndex((l, i) => i > 0 && nameOf(l) === name);
  return k >= 0 ? k + 1 : undefined;
}

function convergenceError(
  convergence: readonly Diagnostic[],
  all: readonly Diagnostic[],
  details: Record<string, unknown>,
): ConvergenceError {
  const causes = all.filter((d) => d.rule === "domain-error").map((d) => d.match[0]);
  const extra = { ...details, causes: [...new Set(causes)] };
  const step = convergence.find((d) => d.rule === "timestep-too-small");
  if (step) {
    return new ConvergenceError(
      step.line.trim(),
      {
        time: Number(step.match[1]),
        timestep: Number(step.match[2]),
        node: step.match[3],
        analysis: "tran",
      },
      extra,
    );
  }
  const initial = convergence.find((d) => d.rule === "initial-timepoint");
  if (initial)
    return new ConvergenceError(initial.line.trim(), { time: 0, analysis: "tran" }, extra);
  const op = convergence.find((d) => d.rule === "op-failed");
  if (op) {
    return new ConvergenceError(op.line.trim(), { analysis: op.match[1].toLowerCase() }, extra);
  }
  const first = convergence.find((d) => d.rule !== "aborted") ?? convergence[0];
  return new ConvergenceError(first.line.trim(), {}, extra);
}
