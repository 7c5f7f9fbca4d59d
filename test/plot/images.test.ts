import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { grayLevel, plotImageGrid } from "../../src/plot/images.js";
import { checkXml, occurrences } from "./xmlCheck.js";

describe("plotImageGrid", () => {
  it("grayLevel(v, 'cnn') follows the CNN convention: black = +1, white = −1", () => {
    expect(grayLevel(1, "cnn", [-1, 1])).toBe(0);
    expect(grayLevel(-1, "cnn", [-1, 1])).toBe(1);
    expect(grayLevel(0, "cnn", [-1, 1])).toBe(0.5);
    expect(grayLevel(3, "cnn", [-1, 1])).toBe(0);
    expect(grayLevel(2, "gray", [0, 4])).toBe(0.5);
  });

  it("plotImageGrid(o) draws every pixel of every image with its label", () => {
    const a = {
      label: "input u",
      rows: 3,
      cols: 4,
      values: [1, -1, 1, -1, 0, 0, 0, 0, -1, -1, -1, 1],
    };
    const b = { label: "y(T) <ng & cs>", rows: 3, cols: 4, values: a.values.map((v) => -v) };
    const svg = plotImageGrid({ images: [a, b], title: "Images" });
    expect(checkXml(svg).errors).toEqual([]);
    expect(occurrences(svg, 'class="pixel"')).toBe(24);
    expect(occurrences(svg, 'class="image"')).toBe(2);
    expect(svg).toContain('fill="#000000"');
    expect(svg).toContain('fill="#ffffff"');
    expect(svg).toContain("y(T) &lt;ng &amp; cs&gt;");
    expect(svg).toContain("black = +1, white = \u22121");
    expect(svg).not.toContain("NaN");
  });

  it("plotImageGrid(o) throws ValidationError for a wrong pixel count", () => {
    expect(() =>
      plotImageGrid({ images: [{ label: "x", rows: 2, cols: 2, values: [1] }] }),
    ).toThrow(ValidationError);
  });
});
