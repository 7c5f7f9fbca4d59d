import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { classifierAgreement } from "../../src/metrics/index.js";

describe("classifierAgreement", () => {
  it("classifierAgreement(logits, classes, 3) counts argmax hits overall and per class", () => {
    const logits = [
      [3, 1, 0], // → 0, class 0 ✓
      [0, 2, 1], // → 1, class 0 ✗
      [0, 0, 5], // → 2, class 2 ✓
      [1, 1, 0], // tie → first (0), class 1 ✗
    ].flat();
    const a = classifierAgreement(logits, [0, 0, 2, 1], 3);
    expect([a.n, a.agree, a.fraction]).toEqual([4, 2, 0.5]);
    expect(Array.from(a.labels)).toEqual([0, 1, 2, 0]);
    expect(a.perClass.map((c) => [c.class, c.n, c.agree, c.fraction])).toEqual([
      [0, 2, 1, 0.5],
      [1, 1, 0, 0],
      [2, 1, 1, 1],
    ]);
  });

  it("classifierAgreement gives NaN for a class without samples", () => {
    const a = classifierAgreement([1, 0], [0], 2);
    expect(a.perClass[1].n).toBe(0);
    expect(a.perClass[1].fraction).toBeNaN();
  });

  it("classifierAgreement names a class out of range, logits that do not fit and non-finite logits", () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).field;
      }
      return "no error";
    };
    expect(field(() => classifierAgreement([1, 0], [2], 2))).toBe("agreement.classes[0]");
    expect(field(() => classifierAgreement([1, 0, 0], [1], 2))).toBe("agreement.logits");
    expect(field(() => classifierAgreement([1, Number.NaN], [1], 2))).toBe("agreement.logits[1]");
  });
});
