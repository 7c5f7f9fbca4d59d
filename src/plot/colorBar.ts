import { format, precisionFixed, ticks } from "d3";
import { axisScaling } from "./axis.js";
import type { ColorScale } from "./colorScale.js";
import { contentId } from "./svgDocument.js";
import { el, escapeXml, formatSI, minus, num } from "./svgText.js";
import { AXIS_COLOR, FONT_SIZE, textWidth } from "./theme.js";

/**
 * A vertical colour bar at (x, y) of the given height: a gradient of the scale's ramp with ticks
 * and a title ("label [unit]") along its right side; returns the markup and the width used. The gradient id is derived from the scale, so two bars
 * on one page share an id only when they are identical.
 */
export function colorBar(
  scale: ColorScale,
  x: number,
  y: number,
  height: number,
  label: string,
  unit: string,
): { svg: string; width: number } {
  const W = 14;
  const stops: string[] = [];
  for (let k = 0; k <= 32; k++) {
    const s = k / 32;
    stops.push(el("stop", { offset: `${(s * 100).toFixed(2)}%`, "stop-color": scale.ramp(1 - s) }));
  }
  const id = contentId("cs-bar", `${scale.kind}${scale.log}${scale.domain.join(",")}`);
  const grad = el("linearGradient", { id, x1: 0, x2: 0, y1: 0, y2: 1 }, stops.join(""));
  const [lo, hi] = scale.domain;
  const pos = (v: number) => y + height * (1 - scale.t(v));
  const tickMarks: Array<[number, string]> = [];
  let title = label;
  if (scale.log) {
    const a = Math.ceil(Math.log10(lo) - 1e-9);
    const b = Math.floor(Math.log10(hi) + 1e-9);
    const stride = Math.max(1, Math.ceil((b - a + 1) / 6));
    for (let k = a; k <= b; k += stride) tickMarks.push([10 ** k, formatSI(10 ** k, unit)]);
  } else {
    const sc = axisScaling([lo, hi], unit);
    const vals = ticks(lo, hi, 5);
    const step = vals.length > 1 ? vals[1] - vals[0] : 1;
    const fmt = format(`.${precisionFixed(step / sc.factor)}f`);
    for (const v of vals) tickMarks.push([v, minus(fmt(v / sc.factor))]);
    if (sc.unit) title = `${label} [${sc.unit}]`;
  }
  const marks = tickMarks
    .map(
      ([v, s]) =>
        el("line", { x1: x + W, x2: x + W + 4, y1: pos(v), y2: pos(v), stroke: AXIS_COLOR }) +
        el("text", { x: x + W + 7, y: pos(v), "dominant-baseline": "middle" }, escapeXml(s)),
    )
    .join("");
  const labelW = Math.max(0, ...tickMarks.map(([, s]) => textWidth(s, FONT_SIZE.tick)));
  const titleX = x + W + 7 + labelW + 12;
  const svg = el(
    "g",
    { class: "colorbar", "font-size": FONT_SIZE.tick, fill: AXIS_COLOR },
    `<defs>${grad}</defs>` +
      el("rect", {
        x,
        y,
        width: W,
        height,
        fill: `url(#${id})`,
        stroke: AXIS_COLOR,
        "stroke-width": 0.6,
      }) +
      marks +
      el(
        "text",
        {
          transform: `translate(${num(titleX)},${num(y + height / 2)}) rotate(90)`,
          "text-anchor": "middle",
          "font-size": FONT_SIZE.label,
        },
        escapeXml(title),
      ),
  );
  return { svg, width: titleX + 8 - x };
}
