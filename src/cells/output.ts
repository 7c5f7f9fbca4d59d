import { ValidationError } from "../core/errors.js";

/**
 * Output functions y = f(x) of a cell (DESIGN.md 1):
 *   standard  f(x) = ½(|x + 1| − |x − 1|)           (Chua–Yang piecewise-linear saturation)
 *   leaky     f_α(x) = α·x + (1 − α)·clamp(x, −1, 1)  (the paper author's training choice, α = 0.01)
 */
export type OutputFunction = { kind: "standard" } | { kind: "leaky"; alpha: number };

export const STANDARD_OUTPUT: OutputFunction = { kind: "standard" };

/** The leaky slope α of an output function (0 for the standard one). */
export function outputSlopeOutside(output: OutputFunction): number {
  return output.kind === "leaky" ? output.alpha : 0;
}

/** f(x) for one value. */
export function applyOutput(output: OutputFunction, x: number): number {
  const alpha = outputSlopeOutside(output);
  const clamped = x > 1 ? 1 : x < -1 ? -1 : x;
  return alpha * x + (1 - alpha) * clamped;
}

/** df/dx for one value (1 inside [−1, 1], α outside; the kink takes the inner slope). */
export function outputDerivative(output: OutputFunction, x: number): number {
  return x >= -1 && x <= 1 ? 1 : outputSlopeOutside(output);
}

/** y[k] = f(x[k]) for a whole array, in place into `y`. */
export function applyOutputInto(output: OutputFunction, x: Float64Array, y: Float64Array): void {
  const alpha = outputSlopeOutside(output);
  const beta = 1 - alpha;
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    y[k] = alpha * v + beta * (v > 1 ? 1 : v < -1 ? -1 : v);
  }
}

/** Checks an output function read from user input. */
export function validateOutput(value: unknown, field = "output"): OutputFunction {
  const o = value as { kind?: unknown; alpha?: unknown } | undefined;
  if (o?.kind === "standard") return STANDARD_OUTPUT;
  if (o?.kind === "leaky") {
    const alpha = o.alpha ?? 0.01;
    if (typeof alpha !== "number" || !(alpha >= 0 && alpha < 1)) {
      throw new ValidationError(`${field}.alpha`, `got ${String(alpha)}`, "a number in [0, 1)");
    }
    return { kind: "leaky", alpha };
  }
  throw new ValidationError(
    `${field}.kind`,
    `got ${JSON.stringify(o?.kind)}`,
    '"standard" or "leaky" (with alpha in [0, 1))',
  );
}
