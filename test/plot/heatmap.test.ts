import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { colorScale } from "../../src/plot/colorScale.js";
import { plotHeatmap } from "../../src/plot/heatmap.js";
import { checkXml, occurrences } from "./xmlCheck.js";

const rows = 6;
const cols = 9;
const field = Float64Array.from({ length: rows * cols }, (_, k) => Math.sin(k) * 1.3 + 0.4);

describe("plotHeatmap", () => {
  it("plotHeatmap(o) draws rows×cols cell rects with tooltips and a colour bar", () => {
    const svg = plotHeatmap({
      title: "x(T)",
      rows,
      cols,
      values: field,
      kind: "diverging",
      label: "x",
      channel: 2,
    });
    expect(checkXml(svg).errors).toEqual([]);
    expect(occurrences(svg, 'class="cell"')).toBe(rows * cols);
    expect(occurrences(svg, 'class="colorbar"')).toBe(1);
    expect(svg).toContain("<linearGradient");
    expect(svg).toContain("<title>(2, 0, 0) x = ");
    expect(svg).toContain(`<title>(2, ${rows - 1}, ${cols - 1}) x = `);
    expect(svg).toContain(`data-cell="${2 * rows * cols + cols + 1}"`);
    expect(svg).toContain(">column j<");
    expect(svg).toContain(">row i<");
    expect(svg).not.toContain("NaN");
  });

  it("colorScale(values, diverging) is symmetric around 0 with white at 0 and red for positive", () => {
    const s = colorScale([field], { kind: "diverging" });
    const m = Math.max(...Array.from(field, Math.abs));
    expect(s.domain).toEqual([-m, m]);
    expect(s.t(0)).toBe(0.5);
    const [r, , b] = s.color(m).match(/\d+/g)!.map(Number);
    expect(r).toBeGreaterThan(b);
    const svg = plotHeatmap({
      title: "x",
      rows,
      cols,
      values: field,
      kind: "diverging",
      label: "x",
    });
    const ticks = [...svg.matchAll(/class="colorbar".*$/gs)][0][0];
    expect(ticks).toContain(">0.0<");
    expect(ticks).toContain(`>${(-1.5).toFixed(1).replace("-", "\u2212")}<`);
  });

  it("plotHeatmap(o) with a log sequential scale labels decades and survives zeros and NaN", () => {
    const err = Float64Array.from({ length: rows * cols }, (_, k) => 10 ** (-7 + (k % 5)));
    err[3] = 0;
    err[4] = Number.NaN;
    const svg = plotHeatmap({
      title: "Per-cell error",
      rows,
      cols,
      values: err,
      kind: "sequential",
      log: true,
      label: "max |\u0394x|",
    });
    expect(checkXml(svg).errors).toEqual([]);
    expect(svg).not.toContain("NaN");
    expect(svg).toContain("non-finite");
    expect(svg).toContain(">100 n<");
    expect(svg).toContain(">max |\u0394x|<");
    const s = colorScale([err], { kind: "sequential", log: true });
    expect(s.domain).toEqual([1e-7, 1e-3]);
  });

  it("plotHeatmap(o) escapes the title and label", () => {
    const svg = plotHeatmap({
      title: "<b>&",
      rows: 1,
      cols: 2,
      values: [1, 2],
      kind: "sequential",
      label: "a<b",
    });
    expect(checkXml(svg).errors).toEqual([]);
    expect(svg).toContain("&lt;b&gt;&amp;");
    expect(svg).toContain("a&lt;b");
  });

  it("plotHeatmap(o) throws ValidationError when values do not match rows×cols", () => {
    expect(() =>
      plotHeatmap({
        title: "x",
        rows: 2,
        cols: 2,
        values: [1, 2, 3],
        kind: "diverging",
        label: "x",
      }),
    ).toThrow(ValidationError);
  });
});
