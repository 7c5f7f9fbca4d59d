import { line, scaleLog } from "d3";
import { logAxis } from "../plot/axis.js";
import { legend } from "../plot/legend.js";
import { svgDocument } from "../plot/svgDocument.js";
import { el } from "../plot/svgText.js";
import { ENGINE_COLOR } from "../plot/theme.js";

/** One engine's wall time against array size. */
export interface ScalingSeries {
  label: string;
  engine: "cellspice" | "ngspice";
  dashed?: boolean;
  /** [cells, seconds], any order. */
  points: [number, number][];
}

/**
 * Wall time against number of cells, log-log, one line with markers per series (engine colours
 * of the project's theme). Returns a standalone SVG string; no DOM.
 */
export function scalingPlot(series: readonly ScalingSeries[], title: string): string {
  const width = 640;
  const height = 420;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new RangeError("scalingPlot: no points");
  const decadeBounds = (vs: number[]) => [
    10 ** Math.floor(Math.log10(Math.min(...vs))),
    10 ** Math.ceil(Math.log10(Math.max(...vs))),
  ];
  const key = legend(
    series.map((s) => ({
      label: s.label,
      color: ENGINE_COLOR[s.engine],
      dashed: s.dashed,
      marker: true,
    })),
    70,
    10,
    width - 90,
  );
  const top = 20 + key.height;
  const m = { left: 70, right: 20, bottom: 50 };
  const x = scaleLog()
    .domain(decadeBounds(all.map((p) => p[0])))
    .range([m.left, width - m.right]);
  const y = scaleLog()
    .domain(decadeBounds(all.map((p) => p[1])))
    .range([height - m.bottom, top]);
  const path = line<[number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const body = [
    key.svg,
    logAxis(x, "", {
      orient: "bottom",
      at: height - m.bottom,
      grid: height - m.bottom - top,
      title: "cells (C·H·W)",
      ticks: 8,
    }),
    logAxis(y, "s", {
      orient: "left",
      at: m.left,
      grid: width - m.left - m.right,
      title: "wall time per transient",
      ticks: 10,
    }),
    ...series.map((s) => {
      const pts = [...s.points].sort((a, b) => a[0] - b[0]);
      const color = ENGINE_COLOR[s.engine];
      return el(
        "g",
        { class: "series" },
        el("path", {
          d: path(pts) ?? "",
          fill: "none",
          stroke: color,
          "stroke-width": 2,
          "stroke-dasharray": s.dashed ? "6 4" : undefined,
        }) +
          pts.map((p) => el("circle", { cx: x(p[0]), cy: y(p[1]), r: 3.5, fill: color })).join(""),
      );
    }),
  ].join("");
  return svgDocument(width, height, title, body);
}
