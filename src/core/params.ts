/**
 * Parameter declarations (STYLE.md principle 5): each parameter is declared once, with its
 * symbol, unit, valid range, default and description; validation, defaults, documentation and
 * the SPICE emitters all read the same declaration.
 */
import { ValidationError } from "./errors.js";

/** One declared parameter. Ranges are closed unless `minExclusive` / `maxExclusive` is set. */
export interface ParamSpec {
  /** Symbol as written in the source paper, ASCII (e.g. `G_m`, `sigma_off`). */
  readonly name: string;
  /** SI unit, ASCII (`S`, `V`, `1/s`, `V^-1/2`; empty string for dimensionless). */
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  readonly default: number;
  readonly description: string;
}

/** An ordered parameter table; names must be distinct ignoring case (SPICE is case-blind). */
export type ParamTable = readonly ParamSpec[];

/** The valid range of a parameter as text, e.g. `(0, 1] S`. */
export function describeRange(spec: ParamSpec): string {
  const lo = spec.minExclusive ? "(" : "[";
  const hi = spec.maxExclusive ? ")" : "]";
  const unit = spec.unit === "" ? "" : ` ${spec.unit}`;
  return `a finite number in ${lo}${formatValue(spec.min)}, ${formatValue(spec.max)}${hi}${unit}`;
}

/** A number as short text: exponent form (`7.2e-6`, `1e12`) outside [1e-3, 1e4). */
export function formatValue(x: number): string {
  const ax = Math.abs(x);
  if (x === 0 || (ax >= 1e-3 && ax < 1e4)) return String(x);
  return x.toExponential().replace("e+", "e");
}

/** Whether `value` is a finite number inside the declared range of `spec`. */
export function inRange(spec: ParamSpec, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (spec.minExclusive ? !(value > spec.min) : !(value >= spec.min)) return false;
  if (spec.maxExclusive ? !(value < spec.max) : !(value <= spec.max)) return false;
  return true;
}

/** Throws a ValidationError naming `field` unless `value` is valid for `spec`. */
export function validateParam(spec: ParamSpec, value: unknown, field: string): number {
  if (typeof value !== "number" || !inRange(spec, value)) {
    throw new ValidationError(field, `got ${formatGiven(value)}`, describeRange(spec), {
      given: value,
      param: spec.name,
    });
  }
  return value;
}

/**
 * Checks a table itself: every default inside its range, names distinct ignoring case. Throws
 * a plain Error (a programming mistake, not user input).
 */
export function checkParamTable(table: ParamTable, label: string): void {
  const seen = new Map<string, string>();
  for (const spec of table) {
    const key = spec.name.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      throw new Error(`${label}: parameters ${other} and ${spec.name} collide ignoring case`);
    }
    seen.set(key, spec.name);
    if (!inRange(spec, spec.default)) {
      throw new Error(`${label}: default of ${spec.name} is outside ${describeRange(spec)}`);
    }
  }
}

/** The defaults of a table, by name. */
export function paramDefaults(table: ParamTable): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of table) out[spec.name] = spec.default;
  return out;
}

/**
 * Defaults overlaid with `overrides`, every value validated. `prefix` is the dotted path of the
 * parameter object in error messages (e.g. `memristor.params` gives `memristor.params.G_m`).
 * An unknown name is refused with the list of valid names; a name that differs from a declared
 * one only in case is refused too (it would collide in SPICE).
 */
export function resolveParams(
  table: ParamTable,
  overrides: Readonly<Record<string, unknown>> | undefined,
  prefix: string,
): Record<string, number> {
  const out = paramDefaults(table);
  if (overrides === undefined) return out;
  if (overrides === null || typeof overrides !== "object" || Array.isArray(overrides)) {
    throw new ValidationError(prefix, `got ${formatGiven(overrides)}`, "an object of parameters");
  }
  for (const [name, value] of Object.entries(overrides)) {
    const spec = table.find((s) => s.name === name);
    const field = `${prefix}.${name}`;
    if (spec === undefined) {
      const near = table.find((s) => s.name.toLowerCase() === name.toLowerCase());
      const problem =
        near === undefined ? "unknown parameter" : `unknown parameter (did you mean ${near.name}?)`;
      throw new ValidationError(field, problem, `one of ${table.map((s) => s.name).join(", ")}`);
    }
    out[name] = validateParam(spec, value, field);
  }
  return out;
}

function formatGiven(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a value of type ${typeof value}`;
}

/** A Markdown table of a parameter table (name, unit, default, range, description) for docs. */
export function paramTableMarkdown(table: ParamTable): string {
  const rows = table.map((s) => {
    const lo = s.minExclusive ? "(" : "[";
    const hi = s.maxExclusive ? ")" : "]";
    const unit = s.unit === "" ? "–" : s.unit;
    const range = `${lo}${formatValue(s.min)}, ${formatValue(s.max)}${hi}`;
    const text = s.description.replaceAll("|", "\\|");
    return `| \`${s.name}\` | ${unit} | ${formatValue(s.default)} | ${range} | ${text} |`;
  });
  return [
    "| name | unit | default | valid range | description |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
