import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { renderReport } from "../../src/plot/report.js";
import type { ReportData } from "../../src/plot/reportData.js";
import { syntheticReport } from "./fixtures/syntheticReport.js";
import { checkXml } from "./xmlCheck.js";

function embeddedData(html: string) {
  const m = /<script type="application\/json" id="cellspice-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]);
}

/** The page without its <script> elements (whose code mentions NaN and builds <svg> strings). */
function markup(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, "");
}

function decodeTraces(tr: { q: string; lo: string; step: string }, P: number): Float64Array {
  const buf = (b: string) => {
    const u = Buffer.from(b, "base64");
    return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength);
  };
  const q = new Int16Array(buf(tr.q));
  const lo = new Float64Array(buf(tr.lo));
  const st = new Float64Array(buf(tr.step));
  return Float64Array.from(q, (v, k) =>
    v === -32768 ? Number.NaN : lo[Math.floor(k / P)] + (v + 32767) * st[Math.floor(k / P)],
  );
}

describe("renderReport", () => {
  const data = syntheticReport(8, 8, 2, 201);
  const html = renderReport(data);

  it("renderReport(data) is one self-contained HTML page: no external scripts, styles or URLs", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(/<script[^>]+src=/.test(html)).toBe(false);
    expect(/<link\b/.test(html)).toBe(false);
    expect(/@import|url\((?!#)/.test(html)).toBe(false);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"]));
    expect(markup(html).includes("NaN")).toBe(false);
  });

  it("renderReport(data) embeds well-formed SVGs: 3 heat maps per channel and the image grid", () => {
    const svgs = [...markup(html).matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    expect(svgs.length).toBe(3 * 2 + 1);
    for (const s of svgs) expect(checkXml(s).errors).toEqual([]);
    expect(html.match(/class="cell"/g)?.length).toBe(3 * 2 * 8 * 8);
  });

  it("renderReport(data) shows the verdict, the tolerances and the worst cells", () => {
    expect(html.includes('class="verdict pass"')).toBe(true);
    expect(html.includes("≤ 0.001")).toBe(true);
    expect(html.match(/<tr data-cell=/g)?.length).toBe(10);
    const fail = renderReport({
      ...data,
      metrics: {
        ...data.metrics,
        overall: { ...data.metrics.overall, pass: false, tolerances: { maxAbs: 1e-6 } },
      },
    });
    expect(fail.includes('class="verdict fail"')).toBe(true);
    expect(fail.includes('<span class="bad">✗</span>')).toBe(true);
  });

  it("renderReport(data) escapes every user string, in HTML and in the embedded JSON", () => {
    const evil = "</script><script>alert(1)</script> & <b>";
    const h = renderReport({
      ...data,
      title: evil,
      description: evil,
      array: { ...data.array, name: evil, engine: { [evil]: evil } },
      quantity: { symbol: "x", unit: "", label: evil },
    });
    expect(h.includes("<script>alert(1)")).toBe(false);
    expect(h.includes("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;")).toBe(
      true,
    );
    expect(embeddedData(h).quantity.label).toBe(evil);
  });

  it("renderReport(data) keeps the largest difference of each display bin when it decimates", () => {
    const d = syntheticReport(2, 2, 1, 5001);
    const cells = 4;
    const ng = Float64Array.from(d.waveforms.ngspice as Float64Array);
    ng[3333 * cells + 2] += 0.05; // a one-sample spike in cell 2
    const h = renderReport(
      { ...d, waveforms: { cellspice: d.waveforms.cellspice, ngspice: ng } },
      { maxPointsPerCell: 300 },
    );
    const j = embeddedData(h);
    expect(j.t.length).toBe(300);
    const diff = decodeTraces(j.diff, 300);
    const cell2 = diff.subarray(2 * 300, 3 * 300);
    expect(Math.max(...cell2)).toBeCloseTo(0.05, 3);
    expect(h.includes("Decimated for display to 300 points")).toBe(true);
  });

  it("renderReport(data) draws a single memristor statically and adds extra figures", () => {
    const nt = data.t.length;
    const cells = 2 * 8 * 8;
    const pick = (a: ArrayLike<number>) =>
      Float64Array.from({ length: nt }, (_, k) => a[k * cells + 9]);
    const m = data.memristor!;
    const h = renderReport({
      ...data,
      memristor: { v: pick(m.v), i: pick(m.i), w: pick(m.w), cell: 9 },
      figures: [
        {
          title: "Extra <fig>",
          svg: '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
          caption: "c & d",
        },
      ],
    });
    const page = markup(h);
    expect(page.includes("Memristor of cell (0, 1, 1)")).toBe(true);
    expect(page.includes('class="iv-segment"')).toBe(true);
    expect(page.includes("<h3>Extra &lt;fig&gt;</h3>")).toBe(true);
    expect(page.includes("c &amp; d")).toBe(true);
    expect(embeddedData(h).mem).toBeUndefined();
  });

  it("renderReport(data) stays under 5 MB for a 32×32 array with per-cell memristor traces", () => {
    const big = renderReport(syntheticReport(32, 32, 1, 1001));
    expect(big.length).toBeLessThan(5e6);
  });

  it("renderReport(data) throws ValidationError when the waveforms do not match nt × cells", () => {
    const bad: ReportData = {
      ...data,
      waveforms: { cellspice: new Float64Array(10), ngspice: data.waveforms.ngspice },
    };
    expect(() => renderReport(bad)).toThrow(ValidationError);
  });
});
