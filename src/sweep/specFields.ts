/**
 * Readers of sweep-spec fields: each checks one JSON value and throws a ValidationError naming
 * its dotted field and what is valid. Shared by the spec reader and the job kinds.
 */
import { ValidationError } from "../core/errors.js";
import { didYouMean } from "../core/unknownFields.js";

/** A JSON object (not null, not an array), else a ValidationError naming `field`. */
export function readObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ValidationError(field, `got ${describeValue(value)}`, "a JSON object");
  return value as Record<string, unknown>;
}

/** A finite number in [min, max] (`integer`: a whole number; exclusive ends where asked). */
export function readNumber(
  value: unknown,
  field: string,
  range: {
    min: number;
    max: number;
    integer?: boolean;
    minExclusive?: boolean;
    maxExclusive?: boolean;
  },
): number {
  const { min, max, integer, minExclusive, maxExclusive } = range;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    (maxExclusive ? value < max : value <= max) &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const lo = minExclusive ? "(" : "[";
    const hi = maxExclusive ? ")" : "]";
    const what = integer ? "an integer" : "a finite number";
    throw new ValidationError(
      field,
      `got ${describeValue(value)}`,
      `${what} in ${lo}${min}, ${max}${hi}`,
    );
  }
  return value as number;
}

/**
 * A non-empty list of distinct items read by `item` (a grid axis). A bare item stands for a
 * one-element list. An empty list is refused: the grid would have no points.
 */
export function readAxis<T>(
  value: unknown,
  field: string,
  item: (v: unknown, field: string) => T,
): T[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0)
    throw new ValidationError(field, "empty list: the grid has no points", "a non-empty list");
  const out = list.map((v, i) => item(v, `${field}[${i}]`));
  const seen = new Set<string>();
  out.forEach((v, i) => {
    const text = JSON.stringify(v);
    if (seen.has(text))
      throw new ValidationError(`${field}[${i}]`, `${text} is listed twice`, "distinct values");
    seen.add(text);
  });
  return out;
}

/** A one-of-`names` string, with a did-you-mean. */
export function readName(value: unknown, field: string, names: readonly string[]): string {
  if (typeof value === "string" && names.includes(value)) return value;
  const near = typeof value === "string" ? didYouMean(value, names) : undefined;
  throw new ValidationError(
    field,
    `got ${describeValue(value)}${near === undefined ? "" : ` (did you mean ${near}?)`}`,
    `one of ${names.join(", ")}`,
  );
}

/** A value as short text for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return `a value of type ${typeof value}`;
}
