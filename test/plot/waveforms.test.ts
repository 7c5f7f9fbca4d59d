import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { plotWaveforms } from "../../src/plot/waveforms.js";
import { checkXml, occurrences } from "./xmlCheck.js";

const n = 401;
const t = Float64Array.from({ length: n }, (_, k) => (k / (n - 1)) * 5e-3);
const cs = t.map((v) => 1 - Math.exp(-v / 1e-3));
const ng = t.map((v, k) => cs[k] + 3e-5 * Math.sin(v * 2000));

function plot(extra: Partial<Parameters<typeof plotWaveforms>[0]> = {}) {
  return plotWaveforms({
    title: "Cell (0, 1, 2)",
    xLabel: "time t",
    yLabel: "cell voltage v",
    xUnit: "s",
    yUnit: "V",
    series: [
      { label: "cellspice", t, y: cs },
      { label: "ngspice", t, y: ng, style: "dashed", markers: true },
    ],
    difference: { label: "\u0394v", t, y: ng.map((v, k) => v - cs[k]) },
    ...extra,
  });
}

describe("plotWaveforms", () => {
  it("plotWaveforms(o) returns a well-formed SVG with one path per series and a difference path", () => {
    const svg = plot();
    const { errors, counts } = checkXml(svg);
    expect(errors).toEqual([]);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(occurrences(svg, 'class="series"')).toBe(2);
    expect(occurrences(svg, 'class="difference"')).toBe(1);
    expect(counts.get("circle")).toBeGreaterThan(10);
    expect(svg).not.toContain("NaN");
  });

  it("plotWaveforms(o) labels the axes with SI-prefixed units and a legend entry per series", () => {
    const svg = plot();
    expect(svg).toContain(">time t [ms]<");
    expect(svg).toContain(">cell voltage v [V]<");
    expect(svg).toMatch(/>Δv \[µV\]</);
    expect(occurrences(svg, 'class="legend-entry"')).toBe(2);
    expect(svg).toContain(">cellspice<");
    expect(svg).toContain(">ngspice<");
    expect(svg).toContain('stroke-dasharray="6 4"');
    // legible: no text below 11 px
    for (const m of svg.matchAll(/font-size="(\d+(?:\.\d+)?)"/g))
      expect(Number(m[1])).toBeGreaterThanOrEqual(11);
  });

  it("plotWaveforms(o) writes a dimensionless tiny difference with a common power of ten", () => {
    const svg = plot({
      yUnit: "",
      yLabel: "state x",
      difference: { label: "\u0394x", t, y: ng.map((v, k) => v - cs[k]) },
    });
    expect(svg).toContain(">\u0394x [\u00d710\u207b\u2075]<");
  });

  it("plotWaveforms(o) escapes < and & in every label", () => {
    const svg = plot({
      title: "A<B & C",
      xLabel: "t<0>",
      series: [{ label: "x & <y>", t, y: cs }],
    });
    expect(checkXml(svg).errors).toEqual([]);
    expect(svg).toContain("A&lt;B &amp; C");
    expect(svg).toContain("x &amp; &lt;y&gt;");
    expect(svg).not.toContain("<y>");
  });

  it("plotWaveforms(o) leaves a gap at non-finite samples and never writes NaN", () => {
    const y = Float64Array.from(cs);
    y[100] = Number.NaN;
    y[200] = Number.POSITIVE_INFINITY;
    const svg = plot({ series: [{ label: "with gaps", t, y }], difference: undefined });
    expect(svg).not.toMatch(/NaN|Infinity/);
    const d = /class="series"[^>]* d="([^"]+)"/.exec(svg)![1];
    expect(occurrences(d, "M")).toBe(3);
  });

  it("plotWaveforms(o) draws at most a few points per pixel column for long series", () => {
    const N = 200_001;
    const tt = Float64Array.from({ length: N }, (_, k) => k / (N - 1));
    const yy = tt.map((v) => Math.sin(40 * v));
    const svg = plotWaveforms({
      title: "long",
      xLabel: "t",
      yLabel: "x",
      xUnit: "s",
      yUnit: "",
      series: [{ label: "x", t: tt, y: yy }],
    });
    expect(svg.length).toBeLessThan(120_000);
  });

  it("plotWaveforms(o) throws ValidationError for mismatched t and y or no series", () => {
    expect(() => plot({ series: [{ label: "bad", t, y: cs.subarray(1) }] })).toThrow(
      ValidationError,
    );
    expect(() => plot({ series: [] })).toThrow(ValidationError);
  });
});
