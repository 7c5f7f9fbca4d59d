import { svgDocument } from "../plot/svgDocument.js";
import { el, escapeXml, formatNumber, num } from "../plot/svgText.js";
import { AXIS_COLOR, FONT_SIZE, GRID_COLOR, paletteColor } from "../plot/theme.js";

/** One series of a metric against a swept parameter: points with a 95 % band. */
export interface BandSeries {
  readonly label: string;
  readonly points: readonly { x: number; mean: number; lo: number; hi: number }[];
}

/** What every plot here has: titles, an optional dashed reference, its size. */
interface PlotFrame {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Reference value drawn as a dashed line (e.g. the ideal's agreement). */
  readonly reference?: { value: number; label: string };
  readonly width?: number;
  readonly height?: number;
}

export interface BandPlotOptions extends PlotFrame {
  readonly series: readonly BandSeries[];
  readonly logX?: boolean;
}

/** Round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

type Margins = { left: number; right: number; top: number; bottom: number };

/** Horizontal grid lines and their labels at round values of [y0, y1]. */
function yGrid(y0: number, y1: number, sy: (y: number) => number, m: Margins, W: number) {
  return niceTicks(y0, y1).flatMap((t) => [
    el("line", { x1: m.left, x2: W - m.right, y1: num(sy(t)), y2: num(sy(t)), stroke: GRID_COLOR }),
    el(
      "text",
      { x: m.left - 6, y: num(sy(t) + 4), "text-anchor": "end", "font-size": FONT_SIZE.tick },
      escapeXml(formatNumber(t)),
    ),
  ]);
}

/** A dashed reference line across the plot with its label at the right. */
function referenceLine(
  ref: { value: number; label: string },
  sy: (y: number) => number,
  m: Margins,
  W: number,
) {
  const y = num(sy(ref.value));
  return [
    el("line", {
      x1: m.left,
      x2: W - m.right,
      y1: y,
      y2: y,
      stroke: AXIS_COLOR,
      "stroke-dasharray": "5 4",
    }),
    el(
      "text",
      {
        x: W - m.right - 4,
        y: num(sy(ref.value) - 5),
        "text-anchor": "end",
        "font-size": FONT_SIZE.tick,
      },
      escapeXml(ref.label),
    ),
  ];
}

/** A series' legend entry, the i-th line above the plot. */
function legendEntry(label: string, i: number, m: Margins) {
  return el(
    "text",
    { x: m.left, y: 40 + 15 * i, "font-size": FONT_SIZE.legend, fill: paletteColor(i) },
    escapeXml(`\u25cf ${label}`),
  );
}

/** The title above, the x label below and the y label rotated at the left. */
function axisTitles(
  title: string,
  xLabel: string,
  yLabel: string,
  m: Margins,
  W: number,
  H: number,
) {
  const yMid = (m.top + H - m.bottom) / 2;
  return [
    el(
      "text",
      { x: W / 2, y: 20, "text-anchor": "middle", "font-size": FONT_SIZE.title },
      escapeXml(title),
    ),
    el(
      "text",
      {
        x: (m.left + W - m.right) / 2,
        y: H - 10,
        "text-anchor": "middle",
        "font-size": FONT_SIZE.label,
      },
      escapeXml(xLabel),
    ),
    el(
      "text",
      {
        x: 14,
        y: yMid,
        "text-anchor": "middle",
        "font-size": FONT_SIZE.label,
        transform: `rotate(-90 14 ${num(yMid)})`,
      },
      escapeXml(yLabel),
    ),
  ];
}

/**
 * A metric against a swept parameter: each series' means joined by a line, its 95 % interval
 * as a shaded band, an optional dashed reference. Plain SVG text (no DOM, testable as a string).
 */
export function plotBands(o: BandPlotOptions): string {
  const W = o.width ?? 460;
  const H = o.height ?? 300;
  const m = { left: 62, right: 16, top: 40 + 15 * o.series.length, bottom: 48 };
  const all = o.series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.lo, p.hi, p.mean]).filter(Number.isFinite);
  if (o.reference) ys.push(o.reference.value);
  const logX = o.logX === true && xs.every((x) => x > 0);
  const tx = (x: number) => (logX ? Math.log10(x) : x);
  let [x0, x1] = [Math.min(...xs.map(tx)), Math.max(...xs.map(tx))];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  let [y0, y1] = [Math.min(0, ...ys), Math.max(...ys)];
  if (!(y1 > y0)) y1 = y0 + 1;
  y1 += 0.05 * (y1 - y0);
  const sx = (x: number) => m.left + ((tx(x) - x0) / (x1 - x0)) * (W - m.left - m.right);
  const sy = (y: number) => H - m.bottom - ((y - y0) / (y1 - y0)) * (H - m.top - m.bottom);
  const parts: string[] = yGrid(y0, y1, sy, m, W);
  const xTicks = [...new Set(xs)].sort((a, b) => a - b);
  for (const t of xTicks)
    parts.push(
      el(
        "text",
        {
          x: num(sx(t)),
          y: H - m.bottom + 16,
          "text-anchor": "middle",
          "font-size": FONT_SIZE.tick,
        },
        escapeXml(formatNumber(t)),
      ),
    );
  parts.push(
    el("line", {
      x1: m.left,
      x2: W - m.right,
      y1: H - m.bottom,
      y2: H - m.bottom,
      stroke: AXIS_COLOR,
    }),
  );
  parts.push(
    el("line", { x1: m.left, x2: m.left, y1: m.top, y2: H - m.bottom, stroke: AXIS_COLOR }),
  );
  if (o.reference) parts.push(...referenceLine(o.reference, sy, m, W));
  o.series.forEach((s, i) => {
    const color = paletteColor(i);
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const banded = pts.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
    if (banded.length > 0) {
      const upper = banded.map((p) => `${num(sx(p.x))},${num(sy(p.hi))}`);
      const lower = banded.map((p) => `${num(sx(p.x))},${num(sy(p.lo))}`).reverse();
      if (banded.length === 1)
        parts.push(
          el("line", {
            x1: num(sx(banded[0].x)),
            x2: num(sx(banded[0].x)),
            y1: num(sy(banded[0].lo)),
            y2: num(sy(banded[0].hi)),
            stroke: color,
            "stroke-width": 6,
            "stroke-opacity": 0.25,
          }),
        );
      else
        parts.push(
          el("polygon", {
            points: [...upper, ...lower].join(" "),
            fill: color,
            "fill-opacity": 0.18,
          }),
        );
    }
    parts.push(
      el("polyline", {
        points: pts.map((p) => `${num(sx(p.x))},${num(sy(p.mean))}`).join(" "),
        fill: "none",
        stroke: color,
        "stroke-width": 2,
      }),
    );
    for (const p of pts)
      parts.push(el("circle", { cx: num(sx(p.x)), cy: num(sy(p.mean)), r: 3, fill: color }));
    parts.push(legendEntry(s.label, i, m));
  });
  parts.push(...axisTitles(o.title, o.xLabel + (logX ? " (log scale)" : ""), o.yLabel, m, W, H));
  return svgDocument(W, H, o.title, parts.join(""));
}

/** One series of a metric over named categories (e.g. layers), with 95 % intervals. */
export interface CategorySeries {
  readonly label: string;
  readonly points: readonly { category: string; mean: number; lo: number; hi: number }[];
}

export interface CategoryPlotOptions extends PlotFrame {
  /** The categories in the order they are drawn, left to right. */
  readonly categories: readonly string[];
  readonly series: readonly CategorySeries[];
}

/**
 * A metric per category: each series' mean as a dot with its 95 % interval as a whisker, the
 * series side by side within a category, the category names slanted under the axis. Plain SVG.
 */
export function plotCategories(o: CategoryPlotOptions): string {
  const W = o.width ?? Math.max(460, 80 + 56 * o.categories.length);
  const H = o.height ?? 320;
  const m = { left: 62, right: 16, top: 40 + 15 * o.series.length, bottom: 84 };
  const ys = o.series
    .flatMap((s) => s.points.flatMap((p) => [p.lo, p.hi, p.mean]))
    .filter(Number.isFinite);
  if (o.reference) ys.push(o.reference.value);
  let [y0, y1] = [Math.min(0, ...ys), Math.max(0, ...ys)];
  if (!(y1 > y0)) y1 = y0 + 1;
  y1 += 0.05 * (y1 - y0);
  const band = (W - m.left - m.right) / Math.max(1, o.categories.length);
  const sx = (category: string, series: number) =>
    m.left +
    band * (o.categories.indexOf(category) + 0.5) +
    (series - (o.series.length - 1) / 2) * Math.min(12, band / (2 * o.series.length));
  const sy = (y: number) => H - m.bottom - ((y - y0) / (y1 - y0)) * (H - m.top - m.bottom);
  const parts: string[] = yGrid(y0, y1, sy, m, W);
  o.categories.forEach((c, i) => {
    const x = num(m.left + band * (i + 0.5));
    const y = H - m.bottom + 14;
    parts.push(
      el(
        "text",
        {
          x,
          y,
          "text-anchor": "end",
          "font-size": FONT_SIZE.tick,
          transform: `rotate(-35 ${x} ${y})`,
        },
        escapeXml(c),
      ),
    );
  });
  parts.push(
    el("line", {
      x1: m.left,
      x2: W - m.right,
      y1: num(sy(y0)),
      y2: num(sy(y0)),
      stroke: AXIS_COLOR,
    }),
    el("line", { x1: m.left, x2: m.left, y1: m.top, y2: H - m.bottom, stroke: AXIS_COLOR }),
  );
  if (o.reference) parts.push(...referenceLine(o.reference, sy, m, W));
  o.series.forEach((s, i) => {
    const color = paletteColor(i);
    for (const p of s.points) {
      const x = num(sx(p.category, i));
      if (Number.isFinite(p.lo) && Number.isFinite(p.hi))
        parts.push(
          el("line", {
            x1: x,
            x2: x,
            y1: num(sy(p.lo)),
            y2: num(sy(p.hi)),
            stroke: color,
            "stroke-width": 2,
          }),
        );
      parts.push(el("circle", { cx: x, cy: num(sy(p.mean)), r: 3.5, fill: color }));
    }
    parts.push(legendEntry(s.label, i, m));
  });
  parts.push(...axisTitles(o.title, o.xLabel, o.yLabel, m, W, H));
  return svgDocument(W, H, o.title, parts.join(""));
}
