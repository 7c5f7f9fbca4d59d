import { describe, expect, it } from "vitest";
import { axisScaling, powerOfTen } from "../../src/plot/axis.js";
import { pixelDecimate } from "../../src/plot/decimate.js";
import { escapeXml, formatNumber, formatSI, formatTime, num } from "../../src/plot/svgText.js";
import { checkXml } from "./xmlCheck.js";

describe("svgText", () => {
  it("escapeXml(s) escapes & < > \" ' so that user strings cannot inject markup", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&#39;");
    expect(checkXml(`<t a="${escapeXml('x"<&')}">${escapeXml("</t><script>")}</t>`).errors).toEqual(
      [],
    );
  });

  it("num(v) rounds to 0.01 px and refuses NaN and infinities", () => {
    expect(num(1.23456)).toBe("1.23");
    expect(num(-0.001)).toBe("0");
    expect(() => num(Number.NaN)).toThrow(RangeError);
    expect(() => num(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("formatSI(v, unit) writes SI prefixes with the micro sign and a unicode minus", () => {
    expect(formatSI(1.5e-3, "A")).toBe("1.5 mA");
    expect(formatSI(-2.2e-6, "A")).toBe("\u22122.2 \u00b5A");
    expect(formatSI(0, "V")).toBe("0 V");
    expect(formatSI(470e3, "\u03a9")).toBe("470 k\u03a9");
  });

  it("formatNumber(v) uses exponent form outside [1e-3, 1e4)", () => {
    expect(formatNumber(3.6512e-4)).toBe("3.65e\u22124");
    expect(formatNumber(0.125)).toBe("0.125");
    expect(formatNumber(12345)).toBe("1.23e+4");
  });

  it("formatTime(t, unit) writes seconds with prefixes or cell time in τ", () => {
    expect(formatTime(2.5e-3, "s")).toBe("2.5 ms");
    expect(formatTime(1.5, "tau")).toBe("1.5 \u03c4");
  });

  it("axisScaling(domain, unit) picks an SI prefix, or a common power of ten when dimensionless", () => {
    expect(axisScaling([0, 5e-3], "s")).toEqual({ factor: 1e-3, unit: "ms" });
    expect(axisScaling([-2e-6, 3e-6], "A")).toEqual({ factor: 1e-6, unit: "\u00b5A" });
    expect(axisScaling([-4e-5, 4e-5], "")).toEqual({
      factor: 1e-5,
      unit: `\u00d7${powerOfTen(-5)}`,
    });
    expect(axisScaling([-1.5, 1.5], "")).toEqual({ factor: 1, unit: "" });
    expect(axisScaling([0, 5], "\u03c4")).toEqual({ factor: 1, unit: "\u03c4" });
  });

  it("pixelDecimate(n, y, column) keeps each column's extremes and every non-finite sample", () => {
    const y = [0, 5, -3, 1, 2, Number.NaN, 4, 4, 4];
    const keep = pixelDecimate(y.length, y, (k) => (k < 5 ? 0 : 1));
    expect(keep).toEqual([0, 1, 2, 4, 5, 6, 8]);
  });
});
