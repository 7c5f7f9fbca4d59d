import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  PROFILE_TABLE_BEGIN,
  PROFILE_TABLE_END,
  profileTableMarkdown,
} from "../../src/hardware/index.js";
import { niceTicks, plotBands, plotCategories } from "../../src/report/hardwarePlots.js";
import { layerPlots, pointsMarkdown } from "../../src/report/hardwareReport.js";
import {
  describePoint,
  type HardwareRow,
  numericPoint,
  perImageRmse,
  summarisePoints,
  tQuantile975,
  wilson,
} from "../../src/report/hardwareStats.js";

function row(
  axis: string,
  value: number,
  seed: number,
  images: number[],
  labels: number[],
): HardwareRow {
  return {
    key: `${axis}=${value},seed=${seed}`,
    axis,
    value,
    mismatchSeed: seed,
    ideal: axis === "ideal",
    n: labels.length,
    classes: [0, 1],
    labels,
    idealLabels: [0, 1],
    images,
    pixelRmse: 0,
    agreement: 0,
    timing: { faithfulS: 1, forwards: 2, msPerForward: 500 },
  };
}

describe("hardware sweep statistics and plots", () => {
  it("wilson(k, n) is the 95 % Wilson score interval; tQuantile975 the Student-t quantile", () => {
    const w = wilson(8, 10);
    // Closed form: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964.
    expect(w.lo).toBeCloseTo(0.4902, 4);
    expect(w.hi).toBeCloseTo(0.9433, 4);
    expect(tQuantile975(2)).toBe(4.303);
    expect(tQuantile975(1000)).toBeCloseTo(1.962, 3);
  });

  it("summarisePoints pools seeds and images: per-image RMSE and agreement counts", () => {
    const ideal = row("ideal", 0, 1, [0, 0, 1, 1], [0, 1]);
    const a = row("mismatch.sigma", 0.01, 1, [0.1, 0.1, 1, 1], [0, 1]); // image 0 off by 0.1
    const b = row("mismatch.sigma", 0.01, 2, [0, 0, 0.8, 0.8], [0, 0]); // image 1 off by 0.2, relabelled
    expect(perImageRmse(a, ideal)).toEqual([0.1, 0]);
    const { points } = summarisePoints([ideal, a, b]);
    expect(points).toHaveLength(1);
    const p = points[0];
    expect(p.samples).toBe(4);
    expect(p.rmse.mean).toBeCloseTo((0.1 + 0 + 0 + 0.2) / 4, 12);
    expect(p.agreement.agree).toBe(3);
    expect(p.sameLabel.fraction).toBe(0.75);
    const sd = Math.sqrt((0.025 ** 2 + 0.075 ** 2 + 0.075 ** 2 + 0.125 ** 2) / 3);
    expect(p.rmse.hi - p.rmse.mean).toBeCloseTo((3.182 * sd) / 2, 12);
  });

  it("a row that keeps some images carries each sample's RMSE; without it, it is refused", () => {
    const ideal = { ...row("ideal", 0, 1, [0, 0], [0, 1]), gridSamples: [0] };
    const kept = {
      ...row("mismatch.sigma", 0.01, 1, [0.1, 0.1], [0, 1]),
      gridSamples: [0],
      imageRmse: [0.1, 0.3],
    };
    expect(perImageRmse(kept, ideal)).toEqual([0.1, 0.3]);
    expect(summarisePoints([ideal, kept]).points[0].rmse.mean).toBeCloseTo(0.2, 12);
    const { imageRmse: _, ...without } = kept;
    expect(() => perImageRmse(without, ideal)).toThrow(/keeps only some images/);
  });

  it("a σ map of one parameter is a numeric axis of its own; other non-numbers have no value", () => {
    expect(numericPoint("memristor.sigma", { G_m: 0.1 })).toEqual({
      axis: "memristor.sigma.G_m",
      value: 0.1,
    });
    expect(numericPoint("memristor.sigma", { G_m: 0.1, a: 0.2 }).value).toBeNaN();
    expect(numericPoint("quantisation.bits", 6)).toEqual({ axis: "quantisation.bits", value: 6 });
    const ideal = row("ideal", 0, 1, [0, 0, 1, 1], [0, 1]);
    const d2d = { ...row("memristor.sigma", 0, 1, [0.1, 0.1, 1, 1], [0, 1]), value: { G_m: 0.1 } };
    const { points } = summarisePoints([ideal, d2d]);
    expect(points[0]).toMatchObject({ axis: "memristor.sigma.G_m", value: 0.1, samples: 2 });
  });

  it("plotBands draws each series' band, line and points as SVG", () => {
    const svg = plotBands({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: [
        {
          label: "s",
          points: [
            { x: 1, mean: 1, lo: 0.5, hi: 1.5 },
            { x: 2, mean: 2, lo: 1.5, hi: 2.5 },
          ],
        },
      ],
      reference: { value: 1.2, label: "ref" },
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<polygon/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain("stroke-dasharray");
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it("describePoint writes a grid point's settings and finds the one layer it puts on the circuit", () => {
    expect(describePoint("mismatch.sigma", 0.05)).toEqual({
      text: "0.05",
      layer: null,
      condition: "mismatch.sigma=0.05",
    });
    expect(describePoint("memristor.sigma", { G_m: 0.1 }).text).toBe("0.1");
    const point = { "layers.analog": ["down1.block"], "mismatch.sigma": 0.05 };
    expect(describePoint("layers.analog+mismatch.sigma", point)).toEqual({
      text: "layers.analog=down1.block, mismatch.sigma=0.05",
      layer: "down1.block",
      condition: "mismatch.sigma=0.05",
    });
    const grid = "layers.analog+settling.T_hw";
    expect(describePoint(grid, { "layers.analog": "cellular", "settling.T_hw": 0.5 }).layer).toBe(
      "all",
    );
    expect(describePoint("layers.analog", ["up1.block1"]).layer).toBe("up1.block1");
    // Two layers at once: not a one-layer point.
    expect(describePoint(grid, { "layers.analog": ["a", "b"], "settling.T_hw": 2 })).toEqual({
      text: "layers.analog=a+b, settling.T_hw=2",
      layer: null,
      condition: "settling.T_hw=2",
    });
    // A σ map of several parameters is one axis's value, not a grid point.
    expect(describePoint("memristor.sigma", { G_m: 0.1, a: 0.2 }).text).toBe(
      'memristor.sigma={"G_m":0.1,"a":0.2}',
    );
  });

  it("a per-layer sweep gives one dot per layer: RMSE and the labels changed, with intervals", () => {
    const ideal = row("ideal", 0, 1, [0, 0, 1, 1], [0, 1]);
    const axis = "layers.analog+mismatch.sigma";
    const at = (layer: string | string[], images: number[], labels: number[]) => ({
      ...row(axis, 0, 1, images, labels),
      value: { "layers.analog": layer, "mismatch.sigma": 0.05 },
    });
    const rows = [
      ideal,
      at(["a"], [0.1, 0.1, 1, 1], [0, 1]),
      at(["b"], [0.3, 0.3, 1, 1], [1, 1]),
      at("cellular", [0.3, 0.3, 0.9, 0.9], [1, 1]),
    ];
    const { points } = summarisePoints(rows);
    expect(points.map((p) => p.layer)).toEqual(["a", "b", "all"]);
    expect(points[1].sameLabel.fraction).toBe(0.5);
    const plots = layerPlots(points);
    if (plots === null) throw new Error("no per-layer plots");
    for (const svg of [plots.rmse, plots.changed]) {
      expect(svg.match(/<circle/g)).toHaveLength(3);
      for (const name of ["a", "b", "all"]) expect(svg).toContain(`>${name}</text>`);
      expect(svg).toContain("mismatch.sigma=0.05");
    }
    // The table names the point, not NaN.
    expect(pointsMarkdown(points)).toContain("layers.analog=a, mismatch.sigma=0.05");
    expect(pointsMarkdown(points)).not.toContain("NaN");
    // Sweeps without one-layer points have no such plots.
    expect(
      layerPlots(
        summarisePoints([ideal, row("mismatch.sigma", 0.01, 1, [0, 0, 1, 1], [0, 1])]).points,
      ),
    ).toBeNull();
  });

  it("plotCategories puts each category's dot at its place, whisker spanning its interval", () => {
    const svg = plotCategories({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      categories: ["p", "q"],
      series: [{ label: "s", points: [{ category: "q", mean: 1, lo: 0.5, hi: 1.5 }] }],
    });
    const dot = svg.match(/<circle cx="([\d.]+)" cy="([\d.]+)"/);
    if (!dot) throw new Error("no dot");
    // Width 460, margins 62 and 16: category q's band is the right half, its centre at 3/4.
    expect(Number(dot[1])).toBeCloseTo(62 + (460 - 78) * 0.75, 1);
    const whisker = svg.match(
      /<line x1="([\d.]+)" x2="\1" y1="([\d.]+)" y2="([\d.]+)" stroke="[^"]+" stroke-width="2"/,
    );
    if (!whisker) throw new Error("no whisker");
    // The dot lies halfway between the whisker's ends (the mean halfway between lo and hi).
    expect(Number(dot[2])).toBeCloseTo((Number(whisker[2]) + Number(whisker[3])) / 2, 1);
  });

  it("docs/hardware.md holds the profile table generated from the declaration", () => {
    const doc = readFileSync("docs/hardware.md", "utf8");
    const start = doc.indexOf(PROFILE_TABLE_BEGIN);
    const end = doc.indexOf(PROFILE_TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(doc.slice(start + PROFILE_TABLE_BEGIN.length, end).trim()).toBe(profileTableMarkdown());
  });
});
