/**
 * The look shared by every plot: one font stack, one colour-blind-safe palette (Okabe & Ito,
 * "Color Universal Design", 2008), legible sizes (no text below 11 px).
 */

export const FONT_FAMILY =
  "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

export const FONT_SIZE = {
  tick: 11,
  label: 13,
  legend: 12,
  title: 15,
} as const;

/** Okabe–Ito, without yellow (too light on white) and black (kept for axes): blue first. */
export const PALETTE: readonly string[] = [
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#009E73", // bluish green
  "#CC79A7", // reddish purple
  "#E69F00", // orange
  "#56B4E9", // sky blue
  "#000000", // black
];

/** The two engines keep their colours in every figure of a report. */
export const ENGINE_COLOR = { cellspice: "#0072B2", ngspice: "#D55E00" } as const;

export const AXIS_COLOR = "#222222";
export const GRID_COLOR = "#e6e6e6";
export const MUTED_TEXT = "#555555";

/** Dash pattern of a "dashed" series. */
export const DASH = "6 4";

/** Colour of the i-th series when none is given. */
export function paletteColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Approximate rendered width of a string in the theme font (for layout without a DOM). */
export function textWidth(s: string, size: number): number {
  return s.length * size * 0.58;
}
