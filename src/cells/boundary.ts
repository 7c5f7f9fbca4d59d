import { ValidationError } from "../core/errors.js";

/**
 * Boundary condition: the values of the virtual cells outside the array (DESIGN.md 1).
 *   fixed      Dirichlet: virtual outputs y and inputs u are constants (the paper's author uses 0)
 *   zero-flux  Neumann: a virtual cell copies the nearest edge cell
 *   periodic   the array wraps around (a torus)
 */
export type Boundary =
  | { kind: "fixed"; y: number; u: number }
  | { kind: "zero-flux" }
  | { kind: "periodic" };

export const ZERO_BOUNDARY: Boundary = { kind: "fixed", y: 0, u: 0 };

export function validateBoundary(value: unknown, field = "boundary"): Boundary {
  const b = value as { kind?: unknown; y?: unknown; u?: unknown } | undefined;
  switch (b?.kind) {
    case "zero-flux":
    case "periodic":
      return { kind: b.kind };
    case "fixed": {
      const y = b.y ?? 0;
      const u = b.u ?? 0;
      for (const [name, v] of [["y", y], ["u", u]] as const) {
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new ValidationError(`${field}.${name}`, `got ${String(v)}`, "a finite number (the virtual cells' value)");
        }
      }
      return { kind: "fixed", y: y as number, u: u as number };
    }
    default:
      throw new ValidationError(
        `${field}.kind`,
        `got ${JSON.stringify(b?.kind)}`,
        '"fixed" (with y and u), "zero-flux" or "periodic"',
      );
  }
}

/**
 * Fills a padded copy of a C×H×W field: `padded` is C×(H+2r)×(W+2r), its interior receives
 * `field` and its border the boundary's virtual cells; `fixedValue` is the constant used by a
 * fixed boundary (its y or u).
 */
export function fillPadded(
  boundary: Boundary,
  fixedValue: number,
  field: Float64Array,
  channels: number,
  rows: number,
  cols: number,
  r: number,
  padded: Float64Array,
): void {
  const pr = rows + 2 * r;
  const pc = cols + 2 * r;
  for (let c = 0; c < channels; c++) {
    const src = c * rows * cols;
    const dst = c * pr * pc;
    for (let i = 0; i < pr; i++) {
      const si = sourceIndex(boundary, i - r, rows);
      const rowBase = dst + i * pc;
      if (si < 0) {
        padded.fill(fixedValue, rowBase, rowBase + pc);
        continue;
      }
      const srcRow = src + si * cols;
      for (let j = 0; j < r; j++) {
        const sjL = sourceIndex(boundary, j - r, cols);
        const sjR = sourceIndex(boundary, cols + j, cols);
        padded[rowBase + j] = sjL < 0 ? fixedValue : field[srcRow + sjL];
        padded[rowBase + r + cols + j] = sjR < 0 ? fixedValue : field[srcRow + sjR];
      }
      padded.set(field.subarray(srcRow, srcRow + cols), rowBase + r);
    }
  }
}

/**
 * The array index that a (possibly virtual) index `i` reads under the boundary, or −1 where the
 * fixed boundary supplies a constant.
 */
export function sourceIndex(boundary: Boundary, i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  switch (boundary.kind) {
    case "fixed":
      return -1;
    case "zero-flux":
      return i < 0 ? 0 : n - 1;
    case "periodic":
      return ((i % n) + n) % n;
  }
}
