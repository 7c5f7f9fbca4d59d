import { el, escapeXml } from "./svgText.js";
import { FONT_FAMILY } from "./theme.js";

/**
 * A standalone SVG document of the given size with a white background, an accessible <title>
 * and the theme font. `body` is markup built with `el`.
 */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  if (!(width > 0 && height > 0)) throw new RangeError(`invalid SVG size ${width}×${height}`);
  return el(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width,
      height,
      viewBox: `0 0 ${Math.round(width)} ${Math.round(height)}`,
      "font-family": FONT_FAMILY,
      role: "img",
    },
    `<title>${escapeXml(title)}</title>` + el("rect", { width, height, fill: "#ffffff" }) + body,
  );
}

/** A short deterministic hash (FNV-1a, base 36) for element ids derived from their content. */
export function contentId(prefix: string, content: string): string {
  let h = 0x811c9dc5;
  for (let k = 0; k < content.length; k++) {
    h ^= content.charCodeAt(k);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${prefix}-${h.toString(36)}`;
}
