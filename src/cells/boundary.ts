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
      for (const [name, v] of [
        ["y", y],
        ["u", u],
      ] as const) {
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new ValidationError(
            `${field}.${name}`,
            `got ${String(v)}`,
            "a finite number (the virtual cells' value)",
          );
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
  const pc = cols + 2 * r;
  const plane = (rows + 2 * r) * pc;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < rows; i++) {
      const src = (c * rows + i) * cols;
      const dst = c * plane + (i + r) * pc + r;
      for (let j = 0; j < cols; j++) padded[dst + j] = field[src + j];
    }
  }
  fillBorder(boundary, fixedValue, padded, channels, rows, cols, r);
}

/**
 * Fills the border of a padded C×(H+2r)×(W+2r) field whose interior is already written: the
 * virtual cells of every interior row first (left and right), then the virtual rows above and
 * below, each a copy of the whole padded row it reads (so corners follow both axes' rules).
 */
export function fillBorder(
  boundary: Boundary,
  fixedValue: number,
  padded: Float64Array,
  channels: number,
  rows: number,
  cols: number,
  r: number,
): void {
  if (r === 0) return;
  const pr = rows + 2 * r;
  const pc = cols + 2 * r;
  for (let c = 0; c < channels; c++) {
    const base = c * pr * pc;
    for (let i = r; i < r + rows; i++) {
      const row = base + i * pc;
      for (let j = 0; j < r; j++) {
        const sjL = sourceIndex(boundary, j - r, cols);
        const sjR = sourceIndex(boundary, cols + j, cols);
        padded[row + j] = sjL < 0 ? fixedValue : padded[row + r + sjL];
        padded[row + r + cols + j] = sjR < 0 ? fixedValue : padded[row + r + sjR];
      }
    }
    for (let i = 0; i < pr; i++) {
      if (i >= r && i < r + rows) continue;
      const row = base + i * pc;
      const si = sourceIndex(boundary, i - r, rows);
      if (si < 0) padded.fill(fixedValue, row, row + pc);
      else padded.copyWithin(row, base + (si + r) * pc, base + (si + r + 1) * pc);
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
