import { describe, expect, it } from "vitest";
import { seededRandom } from "../src/core/random.js";
import { formatSpiceNumber } from "../src/core/spiceNumber.js";
import { parseQuantity } from "../src/core/units.js";

describe("formatSpiceNumber(x)", () => {
  it("writes the shortest round-tripping exponent form, never a scale suffix", () => {
    expect(formatSpiceNumber(0)).toBe("0");
    expect(formatSpiceNumber(1e-3)).toBe("1e-3");
    expect(formatSpiceNumber(2.5e6)).toBe("2.5e6");
    expect(formatSpiceNumber(-0.45)).toBe("-4.5e-1");
    const rand = seededRandom(1);
    for (let k = 0; k < 1000; k++) {
      const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
      const s = formatSpiceNumber(x);
      expect(Number(s)).toBe(x);
      expect(s).toMatch(/^-?\d(\.\d+)?(e-?\d+)?$|^0$/);
    }
  });

  it("refuses NaN and infinities", () => {
    expect(() => formatSpiceNumber(Number.NaN)).toThrow(/finite/);
    expect(() => formatSpiceNumber(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
});

describe("parseQuantity(text, dimension, field)", () => {
  it("reads numbers as SI and values with units", async () => {
    expect(await parseQuantity("2.5e-3", "s", "tau")).toBe(2.5e-3);
    expect(await parseQuantity("1 ms", "s", "tau")).toBeCloseTo(1e-3, 15);
    expect(await parseQuantity("10 kohm", "ohm", "R")).toBeCloseTo(1e4, 9);
    expect(await parseQuantity("2 Mohm", "ohm", "R")).toBeCloseTo(2e6, 6);
    expect(await parseQuantity("500 mV", "V", "Vs")).toBeCloseTo(0.5, 15);
  });

  it("refuses a wrong dimension, naming the field", async () => {
    await expect(parseQuantity("3 V", "s", "tau")).rejects.toThrow(
      /tau: cannot read "3 V" as a quantity in s/,
    );
    await expect(parseQuantity("fast", "s", "tau")).rejects.toThrow(/tau/);
  });
});
