import { ValidationError } from "../core/errors.js";
import { colorBar } from "./colorBar.js";
import { type ColorScaleOptions, colorScale } from "./colorScale.js";
import type { Samples } from "./data.js";
import { svgDocument } from "./svgDocument.js";
import { el, escapeXml, formatNumber, formatSI, num } from "./svgText.js";
import { AXIS_COLOR, FONT_SIZE, MUTED_TEXT, textWidth } from "./theme.js";

export interface HeatmapOptions extends ColorScaleOptions {
  readonly title: string;
  readonly rows: number;
  readonly cols: number;
  /** rows×cols values, row-major; row 0 is drawn at the top. */
  readonly values: Samples;
  /** Colour-bar label, e.g. "x" or "max |Δx|". */
  readonly label: string;
  readonly unit?: string;
  /** Channel shown in tooltips and in the cells' data-cell index (default 0). */
  readonly channel?: number;
  /** Edge of one cell in px (default: fits the grid into about 224 px). */
  readonly cellSize?: number;
}

const MARGIN = { left: 50, top: 64, bottom: 46 };

/**
 * A heat map of one channel of a field: rows×cols rects (class "cell", with data-cell = the flat
 * index (c·rows + i)·cols + j and a <title> tooltip "(c, i, j) label = value"), axes of row and
 * column indices, and a colour bar.
 */
export function plotHeatmap(o: HeatmapOptions): string {
  const { rows, cols } = o;
  if (!(Number.isInteger(rows) && rows > 0 && Number.isInteger(cols) && cols > 0)) {
    throw new ValidationError("rows/cols", `${rows}×${cols}`, "positive integers");
  }
  if (o.values.length !== rows * cols) {
    throw new ValidationError(
      "values",
      `${o.values.length} values for ${rows}×${cols} cells`,
      "rows·cols values",
    );
  }
  const c = o.channel ?? 0;
  const unit = o.unit ?? "";
  const scale = colorScale([o.values], o);
  const cs = o.cellSize ?? Math.max(4, Math.min(36, Math.floor(224 / Math.max(rows, cols))));
  const gw = cs * cols;
  const gh = cs * rows;
  const x0 = MARGIN.left;
  const y0 = MARGIN.top;
  const show = (v: number) => (unit ? formatSI(v, unit) : formatNumber(v));
  const cells: string[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = o.values[i * cols + j];
      const ok = Number.isFinite(v);
      cells.push(
        el(
          "rect",
          {
            class: "cell",
            "data-cell": (c * rows + i) * cols + j,
            x: x0 + j * cs,
            y: y0 + i * cs,
            width: cs,
            height: cs,
            fill: ok ? scale.color(v) : "#bdbdbd",
          },
          `<title>${escapeXml(`(${c}, ${i}, ${j}) ${o.label} = ${ok ? show(v) : "non-finite"}`)}</title>`,
        ),
      );
    }
  }
  const tickStride = (n: number) => Math.max(1, Math.ceil(n / 8));
  const axes: string[] = [];
  for (let j = 0; j < cols; j += tickStride(cols)) {
    axes.push(
      el("text", { x: x0 + (j + 0.5) * cs, y: y0 + gh + 14, "text-anchor": "middle" }, String(j)),
    );
  }
  for (let i = 0; i < rows; i += tickStride(rows)) {
    axes.push(
      el(
        "text",
        { x: x0 - 6, y: y0 + (i + 0.5) * cs, "text-anchor": "end", "dominant-baseline": "middle" },
        String(i),
      ),
    );
  }
  axes.push(
    el(
      "text",
      { x: x0 + gw / 2, y: y0 + gh + 34, "text-anchor": "middle", "font-size": FONT_SIZE.label },
      "column j",
    ),
    el(
      "text",
      {
        transform: `translate(${num(x0 - 34)},${num(y0 + gh / 2)}) rotate(-90)`,
        "text-anchor": "middle",
        "font-size": FONT_SIZE.label,
      },
      "row i",
    ),
  );
  const barX = x0 + gw + 18;
  const bar = colorBar(scale, barX, y0, gh, o.label, unit);
  const width = Math.max(barX + bar.width + 6, textWidth(o.title, FONT_SIZE.title) + 24);
  const height = y0 + gh + MARGIN.bottom;
  const body =
    el(
      "text",
      { x: 12, y: 22, "font-size": FONT_SIZE.title, "font-weight": 600, fill: AXIS_COLOR },
      escapeXml(o.title),
    ) +
    el(
      "text",
      { x: 12, y: 40, "font-size": FONT_SIZE.tick, fill: MUTED_TEXT },
      escapeXml(`channel ${c} · ${rows}×${cols} cells`),
    ) +
    el("g", { class: "cells", "shape-rendering": "crispEdges" }, cells.join("")) +
    el("rect", {
      x: x0,
      y: y0,
      width: gw,
      height: gh,
      fill: "none",
      stroke: AXIS_COLOR,
      "stroke-width": 0.8,
    }) +
    el("g", { class: "axis", "font-size": FONT_SIZE.tick, fill: AXIS_COLOR }, axes.join("")) +
    bar.svg;
  return svgDocument(width, height, o.title, body);
}
