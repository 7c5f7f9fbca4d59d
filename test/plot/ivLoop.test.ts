import { describe, expect, it } from "vitest";
import { plotIvLoop } from "../../src/plot/ivLoop.js";
import { checkXml, occurrences } from "./xmlCheck.js";

// A pinched hysteresis loop: v = 0.45 sin(2π·3t), conductance following the state w.
const n = 600;
const t = Float64Array.from({ length: n }, (_, k) => k / (n - 1) / 3);
const v = t.map((s) => 0.45 * Math.sin(2 * Math.PI * 3 * s));
const w = t.map((s) => 0.1 + 0.4 * Math.sin(Math.PI * 3 * s) ** 2);
const i = v.map((vv, k) => (1e-5 + 2e-3 * w[k]) * vv);

describe("plotIvLoop", () => {
  it("plotIvLoop(o) coloured by time: well-formed, SI current unit, time bar and w(t) panel", () => {
    const svg = plotIvLoop({ title: "TaOx device", v, i, t, w });
    expect(checkXml(svg).errors).toEqual([]);
    expect(svg).toContain(">current i [\u00b5A]<");
    expect(svg).toContain(">voltage v [mV]<");
    expect(svg).toContain(">memristor state w<");
    expect(svg).toContain(">time t [ms]<");
    expect(occurrences(svg, 'class="iv-segment"')).toBeGreaterThan(20);
    expect(occurrences(svg, 'class="time-bar"')).toBe(1);
    expect(occurrences(svg, 'class="w-trace"')).toBe(1);
    expect(svg).not.toContain("NaN");
  });

  it("plotIvLoop(o) with arrows and a log |i| axis marks direction and labels decades", () => {
    const svg = plotIvLoop({
      title: "log",
      v,
      i,
      t,
      mode: "arrows",
      yScale: "log",
      timeUnit: "tau",
    });
    expect(checkXml(svg).errors).toEqual([]);
    expect(svg).toContain(">|i| [A]<");
    expect(svg).toMatch(/>1 µA<|>10 µA<|>100 µA</);
    expect(occurrences(svg, 'class="arrow"')).toBeGreaterThanOrEqual(6);
    expect(occurrences(svg, 'class="iv-loop"')).toBe(1);
    expect(svg).not.toContain("NaN");
  });
});
