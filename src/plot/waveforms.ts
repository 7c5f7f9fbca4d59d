import { line, scaleLinear } from "d3";
import { ValidationError } from "../core/errors.js";
import { axisScaling, linearAxis } from "./axis.js";
import { checkPaired, finiteExtent, padDomain, type Samples } from "./data.js";
import { pixelDecimate } from "./decimate.js";
import { legend } from "./legend.js";
import { svgDocument } from "./svgDocument.js";
import { axisTitle, el, escapeXml } from "./svgText.js";
import { AXIS_COLOR, DASH, FONT_SIZE, paletteColor } from "./theme.js";

/** One waveform: samples y(t) drawn as a line. */
export interface WaveformSeries {
  readonly label: string;
  readonly t: Samples;
  readonly y: Samples;
  /** "solid" (default) or "dashed" (e.g. ngspice over cellspice). */
  readonly style?: "solid" | "dashed";
  /** Open circles at about 24 evenly spaced samples, so the series reads in black and white. */
  readonly markers?: boolean;
  /** Any CSS colour; default: the Okabe–Ito palette in order. */
  readonly color?: string;
}

export interface WaveformPlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Unit of t: "s" gets SI prefixes (ms, µs), "τ" or others are written as given. */
  readonly xUnit: string;
  /** Unit of y ("" for the normalised state x). */
  readonly yUnit: string;
  readonly series: readonly WaveformSeries[];
  /** A lower panel on the same time axis with its own y-axis, e.g. ngspice − cellspice. */
  readonly difference?: { readonly label: string; readonly t: Samples; readonly y: Samples };
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 78, right: 24, bottom: 52 };
const DIFF_HEIGHT = 120;
const PANEL_GAP = 18;

/**
 * Transient waveforms of chosen cells, one path per series (class "series"), with an optional
 * difference panel below sharing the time axis. Returns a standalone SVG string.
 */
export function plotWaveforms(o: WaveformPlotOptions): string {
  if (o.series.length === 0) throw new ValidationError("series", "empty", "at least one series");
  o.series.forEach((s, k) => {
    checkPaired(`series[${k}]`, s.t, s.y);
  });
  if (o.difference) checkPaired("difference", o.difference.t, o.difference.y);

  const width = o.width ?? 720;
  const plotW = width - MARGIN.left - MARGIN.right;
  const colors = o.series.map((s, k) => s.color ?? paletteColor(k));
  const leg = legend(
    o.series.map((s, k) => ({
      label: s.label,
      color: colors[k],
      dashed: s.style === "dashed",
      marker: s.markers,
    })),
    MARGIN.left,
    36,
    plotW,
  );
  const top = 36 + leg.height + 10;
  const mainH = o.height ?? 300;
  const diffTop = top + mainH + PANEL_GAP;
  const height = (o.difference ? diffTop + DIFF_HEIGHT : top + mainH) + MARGIN.bottom;

  const tExt = finiteExtent([
    ...o.series.map((s) => s.t),
    ...(o.difference ? [o.difference.t] : []),
  ]);
  const yExt = finiteExtent(o.series.map((s) => s.y));
  if (!tExt || !yExt) throw new ValidationError("series", "no finite samples", "finite t and y");
  const x = scaleLinear()
    .domain(tExt[0] === tExt[1] ? padDomain(tExt) : tExt)
    .range([MARGIN.left, MARGIN.left + plotW]);
  const y = scaleLinear()
    .domain(padDomain(yExt))
    .nice(10)
    .range([top + mainH, top]);
  const xs = axisScaling(x.domain(), o.xUnit);
  const ys = axisScaling(y.domain(), o.yUnit);
  const bottomAt = o.difference ? diffTop + DIFF_HEIGHT : top + mainH;

  const parts: string[] = [
    el(
      "text",
      { x: MARGIN.left, y: 22, "font-size": FONT_SIZE.title, "font-weight": 600, fill: AXIS_COLOR },
      escapeXml(o.title),
    ),
    leg.svg,
    linearAxis(y, ys, {
      orient: "left",
      at: MARGIN.left,
      grid: plotW,
      title: axisTitle(o.yLabel, ys.unit),
    }),
    linearAxis(x, xs, {
      orient: "bottom",
      at: top + mainH,
      grid: mainH,
      title: "",
      hideTickLabels: o.difference !== undefined,
    }),
  ];
  o.series.forEach((s, k) => {
    parts.push(seriesPath(s, x, y, colors[k], k));
  });

  if (o.difference) {
    const d = o.difference;
    const dExt = finiteExtent([d.y, [0]]) as [number, number];
    const m = Math.max(Math.abs(dExt[0]), Math.abs(dExt[1]));
    const dy = scaleLinear()
      .domain(m > 0 ? [-m * 1.08, m * 1.08] : [-1, 1])
      .nice(4)
      .range([diffTop + DIFF_HEIGHT, diffTop]);
    const ds = axisScaling(dy.domain(), o.yUnit);
    parts.push(
      linearAxis(dy, ds, {
        orient: "left",
        at: MARGIN.left,
        grid: plotW,
        ticks: 4,
        title: axisTitle(d.label, ds.unit),
      }),
      el("line", {
        x1: MARGIN.left,
        x2: MARGIN.left + plotW,
        y1: dy(0),
        y2: dy(0),
        stroke: "#999999",
        "stroke-width": 1,
      }),
      seriesPath(
        { label: d.label, t: d.t, y: d.y },
        x,
        dy,
        AXIS_COLOR,
        o.series.length,
        "difference",
      ),
    );
  }
  parts.push(
    linearAxis(x, xs, {
      orient: "bottom",
      at: bottomAt,
      grid: o.difference ? DIFF_HEIGHT : 0,
      title: axisTitle(o.xLabel, xs.unit),
    }),
    el("rect", {
      x: MARGIN.left,
      y: top,
      width: plotW,
      height: mainH,
      fill: "none",
      stroke: AXIS_COLOR,
      "stroke-width": 0.8,
    }),
  );
  if (o.difference) {
    parts.push(
      el("rect", {
        x: MARGIN.left,
        y: diffTop,
        width: plotW,
        height: DIFF_HEIGHT,
        fill: "none",
        stroke: AXIS_COLOR,
        "stroke-width": 0.8,
      }),
    );
  }
  return svgDocument(width, height, o.title, parts.join(""));
}

function seriesPath(
  s: WaveformSeries,
  x: (v: number) => number,
  y: (v: number) => number,
  color: string,
  index: number,
  cls = "series",
): string {
  const keep = pixelDecimate(s.t.length, s.y, (k) => x(s.t[k]) * 2);
  const gen = line<number>()
    .defined((k) => Number.isFinite(s.t[k]) && Number.isFinite(s.y[k]))
    .x((k) => x(s.t[k]))
    .y((k) => y(s.y[k]))
    .digits(2);
  let out = el("path", {
    class: cls,
    "data-series": index,
    "data-label": s.label,
    d: gen(keep) ?? "",
    fill: "none",
    stroke: color,
    "stroke-width": cls === "difference" ? 1.3 : 1.8,
    "stroke-dasharray": s.style === "dashed" ? DASH : undefined,
    "stroke-linejoin": "round",
  });
  if (s.markers) {
    const n = s.t.length;
    const every = Math.max(1, Math.floor(n / 24));
    const offset = Math.floor(every / 2);
    let circles = "";
    for (let k = offset; k < n; k += every) {
      if (!Number.isFinite(s.t[k]) || !Number.isFinite(s.y[k])) continue;
      circles += el("circle", { cx: x(s.t[k]), cy: y(s.y[k]), r: 3 });
    }
    out += el(
      "g",
      { class: "markers", fill: "#ffffff", stroke: color, "stroke-width": 1.5 },
      circles,
    );
  }
  return out;
}
