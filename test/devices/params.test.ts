import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import {
  checkParamTable,
  describeRange,
  inRange,
  type ParamTable,
  paramDefaults,
  resolveParams,
} from "../../src/core/params.js";

const TABLE: ParamTable = [
  { name: "G_m", unit: "S", min: 0, max: 1, minExclusive: true, default: 0.025, description: "g" },
  { name: "a", unit: "S", min: 0, max: 1, default: 7.2e-6, description: "a" },
  { name: "n", unit: "", min: 1, max: 10, maxExclusive: true, default: 2, description: "n" },
];

function catchError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError");
}

describe("core/params", () => {
  it("describeRange(spec) writes the interval with its openness and unit", () => {
    expect(describeRange(TABLE[0])).toBe("a finite number in (0, 1] S");
    expect(describeRange(TABLE[2])).toBe("a finite number in [1, 10)");
  });

  it("inRange(spec, x) honours exclusive ends and refuses NaN and infinities", () => {
    expect(inRange(TABLE[0], 0)).toBe(false);
    expect(inRange(TABLE[0], 1)).toBe(true);
    expect(inRange(TABLE[1], 0)).toBe(true);
    expect(inRange(TABLE[2], 10)).toBe(false);
    expect(inRange(TABLE[1], Number.NaN)).toBe(false);
    expect(inRange(TABLE[1], Number.POSITIVE_INFINITY)).toBe(false);
  });

  it("resolveParams(table) returns the defaults; overrides replace them", () => {
    expect(resolveParams(TABLE, undefined, "p")).toEqual(paramDefaults(TABLE));
    expect(resolveParams(TABLE, { a: 1e-5 }, "p")).toEqual({ G_m: 0.025, a: 1e-5, n: 2 });
  });

  it("resolveParams refuses an out-of-range value, naming the field and the valid range", () => {
    const e = catchError(() => resolveParams(TABLE, { G_m: -1 }, "memristor.params"));
    expect(e.field).toBe("memristor.params.G_m");
    expect(e.valid).toBe("a finite number in (0, 1] S");
    expect(e.message).toContain("got -1");
  });

  it("resolveParams refuses non-numbers and unknown names, listing the valid names", () => {
    const e1 = catchError(() => resolveParams(TABLE, { a: "7e-6" }, "p"));
    expect(e1.field).toBe("p.a");
    const e2 = catchError(() => resolveParams(TABLE, { A: 1 }, "p"));
    expect(e2.field).toBe("p.A");
    expect(e2.message).toContain("did you mean a?");
    expect(e2.valid).toBe("one of G_m, a, n");
  });

  it("checkParamTable(table) rejects names that collide ignoring case and bad defaults", () => {
    expect(() => checkParamTable(TABLE, "T")).not.toThrow();
    const clash: ParamTable = [...TABLE, { ...TABLE[1], name: "A" }];
    expect(() => checkParamTable(clash, "T")).toThrow(/collide ignoring case/);
    const bad: ParamTable = [{ ...TABLE[0], default: 2 }];
    expect(() => checkParamTable(bad, "T")).toThrow(/default of G_m/);
  });
});
