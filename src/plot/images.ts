import { ValidationError } from "../core/errors.js";
import { finiteExtent, type Samples } from "./data.js";
import { svgDocument } from "./svgDocument.js";
import { el, escapeXml, formatNumber } from "./svgText.js";
import { AXIS_COLOR, FONT_SIZE, MUTED_TEXT, textWidth } from "./theme.js";

/** One image: rows×cols values, row-major, row 0 at the top. */
export interface GrayImage {
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
  readonly values: Samples;
}

export interface ImageGridOptions {
  readonly title?: string;
  readonly images: readonly GrayImage[];
  /**
   * "cnn" (default): the CNN convention, black = +1, white = −1, values clamped to [−1, 1].
   * "gray": a generic map, domain (default: the extent of all images) from black to white.
   */
  readonly map?: "cnn" | "gray";
  readonly domain?: readonly [number, number];
  /** Images per row of the grid (default: all in one row, at most 6). */
  readonly columns?: number;
  /** Edge of the drawn image in px (default 128). */
  readonly size?: number;
}

/** Gray level in [0, 1] (0 = black) of value v under a map. */
export function grayLevel(
  v: number,
  map: "cnn" | "gray",
  domain: readonly [number, number],
): number {
  const s = map === "cnn" ? (1 - v) / 2 : (v - domain[0]) / (domain[1] - domain[0]);
  return Math.max(0, Math.min(1, s));
}

function grayHex(s: number): string {
  const g = Math.round(s * 255)
    .toString(16)
    .padStart(2, "0");
  return `#${g}${g}${g}`;
}

/**
 * Input/output images of an array side by side, each labelled below, as one SVG; each pixel
 * is a rect (class "pixel") whose <title> names (row, col) and value. Non-finite pixels are
 * drawn in a warning orange.
 */
export function plotImageGrid(o: ImageGridOptions): string {
  if (o.images.length === 0) throw new ValidationError("images", "empty", "at least one image");
  o.images.forEach((im, k) => {
    if (im.values.length !== im.rows * im.cols || !(im.rows > 0 && im.cols > 0)) {
      throw new ValidationError(
        `images[${k}]`,
        `${im.values.length} values for ${im.rows}×${im.cols}`,
        "rows·cols values",
      );
    }
  });
  const map = o.map ?? "cnn";
  const domain =
    o.domain ?? (map === "cnn" ? [-1, 1] : (finiteExtent(o.images.map((i) => i.values)) ?? [0, 1]));
  if (!(domain[1] > domain[0])) throw new ValidationError("domain", `[${domain}]`, "lo < hi");
  const size = o.size ?? 128;
  const columns = Math.max(1, Math.min(o.columns ?? Math.min(6, o.images.length), o.images.length));
  const gap = 24;
  const labelH = 22;
  const top = o.title ? 38 : 12;
  const cellW = size + gap;
  const cellH = size + labelH + 10;
  const gridRows = Math.ceil(o.images.length / columns);
  const parts: string[] = [];
  if (o.title) {
    parts.push(
      el(
        "text",
        { x: 12, y: 22, "font-size": FONT_SIZE.title, "font-weight": 600, fill: AXIS_COLOR },
        escapeXml(o.title),
      ),
    );
  }
  o.images.forEach((im, k) => {
    const gx = 12 + (k % columns) * cellW;
    const gy = top + Math.floor(k / columns) * cellH;
    const px = size / Math.max(im.rows, im.cols);
    const w = px * im.cols;
    const h = px * im.rows;
    const ox = gx + (size - w) / 2;
    const oy = gy + (size - h) / 2;
    const pix: string[] = [];
    for (let i = 0; i < im.rows; i++) {
      for (let j = 0; j < im.cols; j++) {
        const v = im.values[i * im.cols + j];
        const ok = Number.isFinite(v);
        pix.push(
          el(
            "rect",
            {
              class: "pixel",
              x: ox + j * px,
              y: oy + i * px,
              width: px,
              height: px,
              fill: ok ? grayHex(grayLevel(v, map, domain)) : "#E69F00",
            },
            `<title>${escapeXml(`(${i}, ${j}) = ${ok ? formatNumber(v) : "non-finite"}`)}</title>`,
          ),
        );
      }
    }
    parts.push(
      el(
        "g",
        { class: "image", "data-label": im.label },
        el("g", { "shape-rendering": "crispEdges" }, pix.join("")) +
          el("rect", {
            x: ox,
            y: oy,
            width: w,
            height: h,
            fill: "none",
            stroke: AXIS_COLOR,
            "stroke-width": 0.8,
          }) +
          el(
            "text",
            {
              x: gx + size / 2,
              y: gy + size + 17,
              "text-anchor": "middle",
              "font-size": FONT_SIZE.label,
              fill: AXIS_COLOR,
            },
            escapeXml(im.label),
          ),
      ),
    );
  });
  const caption =
    map === "cnn"
      ? "black = +1, white = \u22121 (CNN convention)"
      : `black = ${formatNumber(domain[0])}, white = ${formatNumber(domain[1])}`;
  const capY = top + gridRows * cellH + 8;
  parts.push(
    el(
      "text",
      { x: 12, y: capY, "font-size": FONT_SIZE.tick, fill: MUTED_TEXT },
      escapeXml(caption),
    ),
  );
  const width = Math.max(
    12 + columns * cellW,
    textWidth(caption, FONT_SIZE.tick) + 24,
    textWidth(o.title ?? "", FONT_SIZE.title) + 24,
  );
  return svgDocument(
    width,
    capY + 12,
    o.title ?? o.images.map((i) => i.label).join(", "),
    parts.join(""),
  );
}
