import { expect } from "vitest";
import { ValidationError } from "../../src/core/errors.js";

/** The ValidationError that `f` throws (the test fails if it throws nothing or something else). */
export function validationErrorOf(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError");
}
