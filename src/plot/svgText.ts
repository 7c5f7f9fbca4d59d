import { format } from "d3";

/**
 * Text helpers shared by every plot: escaping of user-provided strings into SVG/HTML, SVG
 * coordinates, and numbers with SI prefixes. Every string that reaches markup passes through
 * `escapeXml`; every coordinate through `num`, which refuses NaN and infinities.
 */

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes `& < > " '` so that any string is safe as SVG/HTML text or a quoted attribute. */
export function escapeXml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** A coordinate rounded to 0.01 px; throws RangeError on NaN or ±∞ (never writes "NaN"). */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`non-finite coordinate: ${v}`);
  const r = Math.round(v * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/** Attributes as ` k="v"` pairs; numbers go through `num`, strings through `escapeXml`. */
export function attrs(a: Record<string, string | number | undefined>): string {
  let s = "";
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    s += ` ${k}="${typeof v === "number" ? num(v) : escapeXml(v)}"`;
  }
  return s;
}

/** One element: `<tag a="..">children</tag>`, or self-closed when children is undefined. */
export function el(
  tag: string,
  a: Record<string, string | number | undefined>,
  children?: string,
): string {
  return children === undefined
    ? `<${tag}${attrs(a)}/>`
    : `<${tag}${attrs(a)}>${children}</${tag}>`;
}

/** The unicode minus (U+2212) for negative numbers, as typeset in papers. */
export function minus(s: string): string {
  return s.replace(/^-/, "\u2212").replace(/e-/, "e\u2212");
}

const SI_PREFIXES: ReadonlyArray<[number, string]> = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
  [1, ""],
  [1e-3, "m"],
  [1e-6, "\u00b5"],
  [1e-9, "n"],
  [1e-12, "p"],
  [1e-15, "f"],
];

/** The SI prefix (factor, symbol) that brings |v| into [1, 1000); 1 and "" for v = 0. */
export function siPrefix(v: number): { factor: number; prefix: string } {
  const a = Math.abs(v);
  if (!(a > 0) || !Number.isFinite(a)) return { factor: 1, prefix: "" };
  for (const [factor, prefix] of SI_PREFIXES) {
    if (a >= factor * (1 - 1e-9)) return { factor, prefix };
  }
  return { factor: 1e-15, prefix: "f" };
}

/** A number with an SI prefix and unit, e.g. formatSI(1.5e-3, "A") = "1.5 mA" (3 significant digits). */
export function formatSI(v: number, unit = "", digits = 3): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  if (v === 0) return unit ? `0 ${unit}` : "0";
  const { factor, prefix } = siPrefix(v);
  const body = minus(format(`.${digits}~r`)(v / factor));
  return unit || prefix ? `${body} ${prefix}${unit}` : body;
}

/** How a non-finite number is written (never the bare "NaN" of JavaScript). */
export function nonFinite(v: number): string {
  return Number.isNaN(v) ? "not finite" : v > 0 ? "\u221e" : "\u2212\u221e";
}

/** A number for tables: 3 significant digits, exponent form outside [1e-3, 1e4), unicode minus; non-finite as `nonFinite`. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  const f = a >= 1e-3 && a < 1e4 ? format(`.${digits}~r`) : format(`.${digits - 1}~e`);
  return minus(f(v));
}

/** Time axis units: seconds (SI prefixes) or cell time τ = R·C. */
export type TimeUnit = "s" | "tau";

/** A time in its unit: formatTime(2.5e-3, "s") = "2.5 ms", formatTime(1.5, "tau") = "1.5 τ". */
export function formatTime(t: number, unit: TimeUnit): string {
  return unit === "tau" ? `${formatNumber(t)} \u03c4` : formatSI(t, "s");
}

/** "label [unit]", or the bare label when the unit is empty. */
export function axisTitle(label: string, unit: string): string {
  return unit ? `${label} [${unit}]` : label;
}
