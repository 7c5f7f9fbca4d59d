import { format, precisionFixed, type ScaleLinear, type ScaleLogarithmic } from "d3";
import { el, escapeXml as escapeLabel, formatSI, minus, num } from "./svgText.js";
import { AXIS_COLOR, FONT_SIZE, GRID_COLOR } from "./theme.js";

/** Units that take SI prefixes on an axis (others, like τ, are written as they are). */
const SI_UNITS = new Set(["s", "V", "A", "S", "W", "Ω", "F", "H", "Hz", "J", "C"]);

const SUPERSCRIPT: Record<string, string> = {
  "-": "\u207b",
  "0": "\u2070",
  "1": "\u00b9",
  "2": "\u00b2",
  "3": "\u00b3",
  "4": "\u2074",
  "5": "\u2075",
  "6": "\u2076",
  "7": "\u2077",
  "8": "\u2078",
  "9": "\u2079",
};

/** 10 to an integer power in unicode, e.g. "10⁻⁵". */
export function powerOfTen(k: number): string {
  return `10${String(k)
    .split("")
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join("")}`;
}

/**
 * How an axis writes its numbers: tick values are divided by `factor` and the axis title carries
 * `unit` — an SI-prefixed unit ("mA", "µs") or, for dimensionless tiny values, a common factor
 * ("×10⁻⁵"), so that tick labels stay short.
 */
export interface AxisScaling {
  readonly factor: number;
  readonly unit: string;
}

/** Picks the scaling for values spanning `domain` in `unit` (see AxisScaling). */
export function axisScaling(domain: readonly number[], unit: string): AxisScaling {
  const m = Math.max(...domain.map(Math.abs).filter(Number.isFinite), 0);
  if (!(m > 0)) return { factor: 1, unit };
  if (SI_UNITS.has(unit)) {
    const k = Math.floor(Math.log10(m) / 3 + 1e-9) * 3;
    const kk = Math.max(-15, Math.min(12, k));
    const prefix: Record<number, string> = {
      12: "T",
      9: "G",
      6: "M",
      3: "k",
      0: "",
      [-3]: "m",
      [-6]: "\u00b5",
      [-9]: "n",
      [-12]: "p",
      [-15]: "f",
    };
    return { factor: Number(`1e${kk}`), unit: `${prefix[kk]}${unit}` };
  }
  if (m < 1e-2 || m >= 1e4) {
    const k = Math.floor(Math.log10(m) + 1e-9);
    const common = `\u00d7${powerOfTen(k)}`;
    return { factor: Number(`1e${k}`), unit: unit ? `${common} ${unit}` : common };
  }
  return { factor: 1, unit };
}

export interface AxisOptions {
  /** "bottom" draws at y = `at` with ticks down; "left" at x = `at` with ticks left. */
  readonly orient: "bottom" | "left";
  readonly at: number;
  /** Length of grid lines across the plot (0: none), drawn towards the plot interior. */
  readonly grid?: number;
  readonly ticks?: number;
  readonly title: string;
  /** Distance of the axis title from the axis line. */
  readonly titleOffset?: number;
  readonly hideTickLabels?: boolean;
}

/** A linear axis with ticks divided by `scaling.factor`; title already includes the unit. */
export function linearAxis(
  scale: ScaleLinear<number, number>,
  scaling: AxisScaling,
  o: AxisOptions,
): string {
  const values = scale.ticks(o.ticks ?? 6);
  const step = values.length > 1 ? Math.abs(values[1] - values[0]) : 1;
  const fmt = format(`.${precisionFixed(step / scaling.factor)}f`);
  return axis(
    scale,
    values.map((v) => [v, minus(fmt(v / scaling.factor))]),
    o,
  );
}

/** A log axis with a tick and label at each decade (labels as SI numbers with `unit`). */
export function logAxis(
  scale: ScaleLogarithmic<number, number>,
  unit: string,
  o: AxisOptions,
): string {
  const [a, b] = scale.domain();
  const lo = Math.ceil(Math.log10(Math.min(a, b)) - 1e-9);
  const hi = Math.floor(Math.log10(Math.max(a, b)) + 1e-9);
  const stride = Math.max(1, Math.ceil((hi - lo + 1) / (o.ticks ?? 6)));
  const ticks: Array<[number, string]> = [];
  for (let k = lo; k <= hi; k += stride) ticks.push([10 ** k, formatSI(10 ** k, unit)]);
  return axis(scale, ticks, o);
}

function axis(
  scale: (v: number) => number,
  ticks: Array<[number, string]>,
  o: AxisOptions,
): string {
  const range = (scale as unknown as { range(): number[] }).range();
  const [r0, r1] = [Math.min(...range), Math.max(...range)];
  const parts: string[] = [];
  const grid = o.grid ?? 0;
  for (const [v, label] of ticks) {
    const p = scale(v);
    if (!Number.isFinite(p)) continue;
    if (o.orient === "bottom") {
      if (grid > 0) {
        parts.push(el("line", { x1: p, x2: p, y1: o.at, y2: o.at - grid, stroke: GRID_COLOR }));
      }
      parts.push(el("line", { x1: p, x2: p, y1: o.at, y2: o.at + 5, stroke: AXIS_COLOR }));
      if (!o.hideTickLabels) {
        parts.push(
          el(
            "text",
            { x: p, y: o.at + 8, "text-anchor": "middle", "dominant-baseline": "hanging" },
            escapeLabel(label),
          ),
        );
      }
    } else {
      if (grid > 0) {
        parts.push(el("line", { x1: o.at, x2: o.at + grid, y1: p, y2: p, stroke: GRID_COLOR }));
      }
      parts.push(el("line", { x1: o.at - 5, x2: o.at, y1: p, y2: p, stroke: AXIS_COLOR }));
      if (!o.hideTickLabels) {
        parts.push(
          el(
            "text",
            { x: o.at - 8, y: p, "text-anchor": "end", "dominant-baseline": "middle" },
            escapeLabel(label),
          ),
        );
      }
    }
  }
  const mid = (r0 + r1) / 2;
  const line =
    o.orient === "bottom"
      ? el("line", { x1: r0, x2: r1, y1: o.at, y2: o.at, stroke: AXIS_COLOR })
      : el("line", { x1: o.at, x2: o.at, y1: r0, y2: r1, stroke: AXIS_COLOR });
  const off = o.titleOffset ?? (o.orient === "bottom" ? 34 : 48);
  const title =
    o.orient === "bottom"
      ? el(
          "text",
          { x: mid, y: o.at + off, "text-anchor": "middle", "font-size": FONT_SIZE.label },
          escapeLabel(o.title),
        )
      : el(
          "text",
          {
            transform: `translate(${num(o.at - off)},${num(mid)}) rotate(-90)`,
            "text-anchor": "middle",
            "font-size": FONT_SIZE.label,
          },
          escapeLabel(o.title),
        );
  return el(
    "g",
    { class: `axis axis-${o.orient}`, "font-size": FONT_SIZE.tick, fill: AXIS_COLOR },
    parts.join("") + line + title,
  );
}
