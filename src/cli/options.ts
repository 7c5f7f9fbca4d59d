/** Parsers of option values; a bad value is a usage error (exit 2) naming the option. */
import { InvalidArgumentError } from "commander";
import { ValidationError } from "../core/errors.js";
import { type Dimension, parseQuantity } from "../core/units.js";
import { UsageError } from "./exitCodes.js";

/** A finite number > 0 (e.g. T in τ, tolerances). */
export function positiveNumber(value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || !(x > 0)) {
    throw new InvalidArgumentError("expected a positive number, e.g. 5 or 1e-3");
  }
  return x;
}

/** A finite number (any sign). */
export function finiteNumber(value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x))
    throw new InvalidArgumentError("expected a finite number");
  return x;
}

/** An integer ≥ 1. */
export function positiveInteger(value: string): number {
  const x = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !(x >= 1))
    throw new InvalidArgumentError("expected a positive integer");
  return x;
}

/** An integer ≥ 0 (a cell index). */
export function nonNegativeInteger(value: string): number {
  if (!/^\s*\d+\s*$/.test(value)) throw new InvalidArgumentError("expected a non-negative integer");
  return Number(value);
}

/** A comma-separated list of non-negative integers, e.g. "0,5,12". */
export function integerList(value: string): number[] {
  const parts = value.split(",").map((s) => s.trim());
  if (parts.some((s) => !/^\d+$/.test(s))) {
    throw new InvalidArgumentError("expected comma-separated cell indices, e.g. 0,5,12");
  }
  return parts.map(Number);
}

/** name=value pairs, repeatable: collects into an object of numbers. */
export function paramPair(
  value: string,
  previous: Record<string, number> = {},
): Record<string, number> {
  const m = /^\s*([A-Za-z_][\w]*)\s*=\s*(\S+)\s*$/.exec(value);
  if (!m || !Number.isFinite(Number(m[2]))) {
    throw new InvalidArgumentError("expected name=value with a number, e.g. B_on=2e-4");
  }
  return { ...previous, [m[1]]: Number(m[2]) };
}

/**
 * A positive physical quantity typed with or without its unit ("1 ms", "200 mV", "0.45", "10
 * kohm"; a bare number is in SI units), read by core/units (mathjs, loaded on first use). A
 * value that cannot be read is a usage error naming the option.
 */
export async function positiveQuantity(
  text: string,
  dimension: Dimension,
  option: string,
): Promise<number> {
  let value: number;
  try {
    value = await parseQuantity(text, dimension, option);
  } catch (e) {
    throw new UsageError(e instanceof ValidationError ? `${e.message}` : String(e));
  }
  if (!(value > 0))
    throw new UsageError(`${option}: got ${text}; valid: a positive quantity in ${dimension}`);
  return value;
}
