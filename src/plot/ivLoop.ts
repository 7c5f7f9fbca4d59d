import { line, scaleLinear, scaleLog } from "d3";
import { ValidationError } from "../core/errors.js";
import { axisScaling, linearAxis, logAxis } from "./axis.js";
import { colorScale } from "./colorScale.js";
import { checkPaired, finiteExtent, padDomain, type Samples } from "./data.js";
import { contentId, svgDocument } from "./svgDocument.js";
import { axisTitle, el, escapeXml, formatTime, num, type TimeUnit } from "./svgText.js";
import { AXIS_COLOR, ENGINE_COLOR, FONT_SIZE, MUTED_TEXT } from "./theme.js";

export interface IvLoopOptions {
  readonly title: string;
  /** Memristor voltage v(t) [V]. */
  readonly v: Samples;
  /** Memristor current i(t) [A]. */
  readonly i: Samples;
  /** Times of the samples, in `timeUnit`. */
  readonly t: Samples;
  /** Memristor state w(t) ∈ (0, 1]; adds a w(t) panel on the right. */
  readonly w?: Samples;
  readonly timeUnit?: TimeUnit;
  /** "linear" (default): i with SI prefixes; "log": |i| on a log axis. */
  readonly yScale?: "linear" | "log";
  /** "time" (default): the loop coloured by time (viridis, early = dark); "arrows": one colour with direction arrows. */
  readonly mode?: "time" | "arrows";
}

const P = 300;
const M = { left: 84, top: 70, gap: 96, bottom: 56, right: 24 };

/**
 * A memristor's i–v loop (pinched at the origin for a memristor) coloured by time or marked
 * with direction arrows, and optionally its state w(t) beside it. Returns an SVG string.
 */
export function plotIvLoop(o: IvLoopOptions): string {
  checkPaired("v/i", o.v, o.i);
  checkPaired("t/v", o.t, o.v);
  if (o.w) checkPaired("t/w", o.t, o.w);
  const n = o.t.length;
  const timeUnit = o.timeUnit ?? "s";
  const logY = o.yScale === "log";
  const mode = o.mode ?? "time";

  const vExt = finiteExtent([o.v]);
  const iAbs = Array.from(o.i, Math.abs);
  const iExt = finiteExtent([o.i]);
  if (!vExt || !iExt) throw new ValidationError("v/i", "no finite samples", "finite v and i");
  const x = scaleLinear()
    .domain(padDomain(vExt))
    .nice()
    .range([M.left, M.left + P]);
  let yPix: (k: number) => number;
  let yAxis: string;
  let yVal: Samples;
  if (logY) {
    const hi = Math.max(...iAbs.filter(Number.isFinite));
    if (!(hi > 0))
      throw new ValidationError("i", "all currents are zero", "some |i| > 0 for a log axis");
    const positive = iAbs.filter((a) => a > 0 && Number.isFinite(a));
    const lo = Math.max(Math.min(...positive), hi * 1e-6);
    const y = scaleLog()
      .domain([lo, hi])
      .nice()
      .range([M.top + P, M.top])
      .clamp(true);
    yVal = iAbs;
    yPix = (k) => y(Math.max(iAbs[k], lo));
    yAxis = logAxis(y, "A", {
      orient: "left",
      at: M.left,
      grid: P,
      title: "|i| [A]",
      titleOffset: 62,
    });
  } else {
    const y = scaleLinear()
      .domain(padDomain(iExt))
      .nice()
      .range([M.top + P, M.top]);
    const ys = axisScaling(y.domain(), "A");
    yVal = o.i;
    yPix = (k) => y(o.i[k]);
    yAxis = linearAxis(y, ys, {
      orient: "left",
      at: M.left,
      grid: P,
      title: axisTitle("current i", ys.unit),
    });
  }
  const xs = axisScaling(x.domain(), "V");
  const defined = (k: number) =>
    Number.isFinite(o.v[k]) && Number.isFinite(yVal[k]) && Number.isFinite(o.t[k]);
  const gen = line<number>()
    .defined(defined)
    .x((k) => x(o.v[k]))
    .y(yPix)
    .digits(2);

  const parts: string[] = [
    el(
      "text",
      { x: 12, y: 22, "font-size": FONT_SIZE.title, "font-weight": 600, fill: AXIS_COLOR },
      escapeXml(o.title),
    ),
    yAxis,
    linearAxis(x, xs, {
      orient: "bottom",
      at: M.top + P,
      grid: P,
      title: axisTitle("voltage v", xs.unit),
    }),
  ];
  const tExt = finiteExtent([o.t]) ?? [0, 1];
  const time = colorScale([o.t], {
    kind: "sequential",
    domain: tExt[1] > tExt[0] ? tExt : [tExt[0], tExt[0] + 1],
  });
  const clip = contentId("cs-clip", `${M.left},${M.top},${P}`);
  parts.push(
    `<defs><clipPath id="${clip}">${el("rect", { x: M.left, y: M.top, width: P, height: P })}</clipPath></defs>`,
  );
  const loop: string[] = [];
  if (mode === "time") {
    // Consecutive samples in the same one of 48 time bins share one path.
    const bins = 48;
    let start = 0;
    const bin = (k: number) => Math.min(bins - 1, Math.floor(time.t(o.t[k]) * bins));
    for (let k = 1; k <= n; k++) {
      if (k === n || bin(k) !== bin(start)) {
        const idx: number[] = [];
        for (let q = start; q <= Math.min(k, n - 1); q++) idx.push(q);
        const d = gen(idx);
        if (d) {
          loop.push(
            el("path", {
              class: "iv-segment",
              d,
              fill: "none",
              stroke: time.ramp((bin(start) + 0.5) / bins),
              "stroke-width": 1.8,
            }),
          );
        }
        start = k;
      }
    }
    parts.push(timeBar(time, M.left + P - 180, 42, timeUnit));
  } else {
    const all = Array.from({ length: n }, (_, k) => k);
    loop.push(
      el("path", {
        class: "iv-loop",
        d: gen(all) ?? "",
        fill: "none",
        stroke: ENGINE_COLOR.cellspice,
        "stroke-width": 1.8,
      }),
    );
    loop.push(arrows(n, defined, (k) => x(o.v[k]), yPix));
  }
  parts.push(el("g", { "clip-path": `url(#${clip})`, "stroke-linejoin": "round" }, loop.join("")));
  parts.push(
    el("rect", {
      x: M.left,
      y: M.top,
      width: P,
      height: P,
      fill: "none",
      stroke: AXIS_COLOR,
      "stroke-width": 0.8,
    }),
  );

  let width = M.left + P + M.right;
  if (o.w) {
    const wl = M.left + P + M.gap;
    const tx = scaleLinear()
      .domain(tExt[1] > tExt[0] ? tExt : padDomain(tExt))
      .range([wl, wl + P]);
    const wExt = finiteExtent([o.w]) ?? [0, 1];
    const wy = scaleLinear()
      .domain(wExt[0] >= 0 && wExt[1] <= 1 ? [0, 1] : padDomain(wExt))
      .nice()
      .range([M.top + P, M.top]);
    const ts = axisScaling(tx.domain(), timeUnit === "tau" ? "\u03c4" : "s");
    const ww = o.w;
    const wgen = line<number>()
      .defined((k) => Number.isFinite(o.t[k]) && Number.isFinite(ww[k]))
      .x((k) => tx(o.t[k]))
      .y((k) => wy(ww[k]))
      .digits(2);
    parts.push(
      linearAxis(wy, axisScaling(wy.domain(), ""), {
        orient: "left",
        at: wl,
        grid: P,
        title: "memristor state w",
      }),
      linearAxis(tx, ts, {
        orient: "bottom",
        at: M.top + P,
        grid: P,
        title: axisTitle("time t", ts.unit),
      }),
      el("path", {
        class: "w-trace",
        d: wgen(Array.from({ length: n }, (_, k) => k)) ?? "",
        fill: "none",
        stroke: ENGINE_COLOR.cellspice,
        "stroke-width": 1.8,
      }),
      el("rect", {
        x: wl,
        y: M.top,
        width: P,
        height: P,
        fill: "none",
        stroke: AXIS_COLOR,
        "stroke-width": 0.8,
      }),
    );
    width = wl + P + M.right;
  }
  return svgDocument(width, M.top + P + M.bottom, o.title, parts.join(""));
}

/** A horizontal time colour bar: "time" then a gradient from t0 to t1 with end labels. */
function timeBar(
  time: ReturnType<typeof colorScale>,
  x: number,
  y: number,
  unit: TimeUnit,
): string {
  const W = 120;
  const id = contentId("cs-tbar", `${time.domain.join(",")}`);
  let stops = "";
  for (let k = 0; k <= 16; k++)
    stops += el("stop", { offset: `${(k / 16) * 100}%`, "stop-color": time.ramp(k / 16) });
  return el(
    "g",
    { class: "time-bar", "font-size": FONT_SIZE.tick, fill: MUTED_TEXT },
    `<defs>${el("linearGradient", { id }, stops)}</defs>` +
      el(
        "text",
        { x: x - 6, y: y + 5, "text-anchor": "end", "dominant-baseline": "middle" },
        escapeXml(formatTime(time.domain[0], unit)),
      ) +
      el("rect", { x, y, width: W, height: 10, fill: `url(#${id})` }) +
      el(
        "text",
        { x: x + W + 6, y: y + 5, "dominant-baseline": "middle" },
        escapeXml(formatTime(time.domain[1], unit)),
      ),
  );
}

/** Eight small arrowheads along the curve, pointing in the direction of increasing time. */
function arrows(
  n: number,
  defined: (k: number) => boolean,
  px: (k: number) => number,
  py: (k: number) => number,
): string {
  let out = "";
  for (let a = 1; a <= 8; a++) {
    const k = Math.floor((a / 9) * (n - 1));
    const k2 = Math.min(n - 1, k + Math.max(1, Math.floor(n / 200)));
    if (k2 === k || !defined(k) || !defined(k2)) continue;
    const dx = px(k2) - px(k);
    const dy = py(k2) - py(k);
    const len = Math.hypot(dx, dy);
    if (!(len > 0)) continue;
    const ux = dx / len;
    const uy = dy / len;
    const cx = px(k);
    const cy = py(k);
    const pts = [
      [cx + 7 * ux, cy + 7 * uy],
      [cx - 5 * ux - 4.5 * uy, cy - 5 * uy + 4.5 * ux],
      [cx - 5 * ux + 4.5 * uy, cy - 5 * uy - 4.5 * ux],
    ];
    out += el("polygon", {
      class: "arrow",
      points: pts.map((p) => `${num(p[0])},${num(p[1])}`).join(" "),
      fill: AXIS_COLOR,
    });
  }
  return out;
}
