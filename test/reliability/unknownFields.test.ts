import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { didYouMean, editDistance, rejectUnknownFields } from "../../src/core/unknownFields.js";

describe("unknown fields", () => {
  it("editDistance(a, b) counts insertions, deletions, substitutions and transpositions", () => {
    expect(editDistance("tau", "tau")).toBe(0);
    expect(editDistance("tua", "tau")).toBe(1);
    expect(editDistance("temlpates", "templates")).toBe(1);
    expect(editDistance("Y", "y")).toBe(0);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("didYouMean(name, candidates) suggests only a close name", () => {
    expect(didYouMean("temlpates", ["templates", "input"])).toBe("templates");
    expect(didYouMean("tua", ["tau", "Vs", "R"])).toBe("tau");
    expect(didYouMean("Y", ["kind", "y", "u"])).toBe("y");
    expect(didYouMean("colour", ["rows", "cols"])).toBeUndefined();
  });

  it("rejectUnknownFields(obj, known, path) names path.key, the suggestion and the known list", () => {
    expect(() => rejectUnknownFields({ tau: 1, R: 2 }, ["tau", "Vs", "R"], "scales")).not.toThrow();
    let error: unknown;
    try {
      rejectUnknownFields({ tua: 1 }, ["tau", "Vs", "R"], "scales");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.field).toBe("scales.tua");
    expect(v.message).toContain('did you mean "tau"?');
    expect(v.valid).toBe('the fields "tau", "Vs", "R"');
    expect(() => rejectUnknownFields({ zzz: 1 }, ["rows"])).toThrow(
      /^zzz: unknown field "zzz"; valid/,
    );
  });
});
