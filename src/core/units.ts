import { ValidationError } from "./errors.js";

/**
 * Physical quantities typed by people ("1 ms", "10 kohm", "500 mV", "2.5e-3") → SI numbers, via
 * mathjs's unit parser. mathjs takes about a second to import, so it is loaded on first use.
 * Here `M` means mega and `m` milli, as in SI; SPICE text, which reads both as milli, is never
 * parsed with this (netlists are written by formatSpiceNumber).
 */
export type Dimension = "s" | "V" | "ohm" | "A" | "F" | "S" | "Hz";

type MathJs = typeof import("mathjs");
let math: MathJs | undefined;

async function mathjs(): Promise<MathJs> {
  math ??= await import("mathjs");
  return math;
}

/** Parses `text` as a quantity of the given dimension; a plain number is taken as SI already. */
export async function parseQuantity(
  text: string,
  dimension: Dimension,
  field: string,
): Promise<number> {
  const trimmed = text.trim();
  const plain = Number(trimmed);
  if (trimmed !== "" && Number.isFinite(plain)) return plain;
  const m = await mathjs();
  const unitName = dimension === "ohm" ? "ohm" : dimension;
  try {
    const q = m.unit(trimmed.replace(/Ω/g, "ohm"));
    if (!q.equalBase(m.unit(unitName))) throw new Error("wrong dimension");
    const value = q.toNumber(unitName);
    if (!Number.isFinite(value)) throw new Error("not finite");
    return value;
  } catch {
    throw new ValidationError(
      field,
      `cannot read ${JSON.stringify(text)} as a quantity in ${unitName}`,
      `a number in SI units or a value with a unit, e.g. "1 m${unitName}", "2.5e-3 ${unitName}"`,
    );
  }
}
