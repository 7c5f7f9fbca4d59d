import { el, escapeXml } from "./svgText.js";
import { AXIS_COLOR, DASH, FONT_SIZE, textWidth } from "./theme.js";

/** One legend entry: a short line sample in the series' colour and dash, then its label. */
export interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly marker?: boolean;
}

const SAMPLE = 28;
const ROW = 18;

/**
 * Entries laid out left to right from (x, y), wrapping at `maxWidth`; returns the markup and the
 * height used, so that the caller can place the plot below it.
 */
export function legend(
  entries: readonly LegendEntry[],
  x: number,
  y: number,
  maxWidth: number,
): { svg: string; height: number } {
  const parts: string[] = [];
  let cx = 0;
  let row = 0;
  for (const e of entries) {
    const w = SAMPLE + 6 + textWidth(e.label, FONT_SIZE.legend) + 18;
    if (cx > 0 && cx + w > maxWidth) {
      cx = 0;
      row++;
    }
    const yy = y + row * ROW + ROW / 2;
    parts.push(
      el(
        "g",
        { class: "legend-entry" },
        el("line", {
          x1: x + cx,
          x2: x + cx + SAMPLE,
          y1: yy,
          y2: yy,
          stroke: e.color,
          "stroke-width": 2,
          "stroke-dasharray": e.dashed ? DASH : undefined,
        }) +
          (e.marker
            ? el("circle", {
                cx: x + cx + SAMPLE / 2,
                cy: yy,
                r: 3,
                fill: "#ffffff",
                stroke: e.color,
                "stroke-width": 1.5,
              })
            : "") +
          el(
            "text",
            { x: x + cx + SAMPLE + 6, y: yy, "dominant-baseline": "middle", fill: AXIS_COLOR },
            escapeXml(e.label),
          ),
      ),
    );
    cx += w;
  }
  const height = entries.length ? (row + 1) * ROW : 0;
  return {
    svg: el("g", { class: "legend", "font-size": FONT_SIZE.legend }, parts.join("")),
    height,
  };
}
