import { sourceIndex } from "../../cells/boundary.js";
import { type CellRectangle, fitsGrid } from "../../cells/rectangle.js";
import type { CellArray } from "../../cells/spec.js";
import { ValidationError } from "../../core/errors.js";

/** A rectangle of cell positions (every channel) that a netlist holds as real cells: the whole array, or one tile of it. */
export type CellRegion = CellRectangle;

export function wholeRegion(array: Pick<CellArray, "rows" | "cols">): CellRegion {
  return { row0: 0, col0: 0, rows: array.rows, cols: array.cols };
}

export function inRegion(r: CellRegion, i: number, j: number): boolean {
  return i >= r.row0 && i < r.row0 + r.rows && j >= r.col0 && j < r.col0 + r.cols;
}

export function isWholeArray(r: CellRegion, array: Pick<CellArray, "rows" | "cols">): boolean {
  return r.row0 === 0 && r.col0 === 0 && r.rows === array.rows && r.cols === array.cols;
}

export function checkRegion(r: CellRegion, array: Pick<CellArray, "rows" | "cols">): void {
  if (!fitsGrid(r, array.rows, array.cols)) {
    throw new ValidationError(
      "region",
      `rows ${r.row0}+${r.rows}, columns ${r.col0}+${r.cols}`,
      `a rectangle inside the ${array.rows}×${array.cols} array`,
    );
  }
}

/**
 * The positions (i, j) outside `region` that a template of radius `radius` reads from cells
 * inside it, after the boundary maps virtual cells onto real ones (zero-flux: the edge cell;
 * periodic: the far side; fixed: none, the virtual cells are constants). For a tile this is its
 * ring: the cells whose outputs (A) or inputs (B) the tile needs. Sorted by row, then column.
 */
export function ringPositions(
  array: Pick<CellArray, "rows" | "cols" | "boundary">,
  region: CellRegion,
  radius: number,
): [number, number][] {
  const seen = new Set<number>();
  for (let i = region.row0; i < region.row0 + region.rows; i++) {
    for (let j = region.col0; j < region.col0 + region.cols; j++) {
      for (let di = -radius; di <= radius; di++) {
        const si = sourceIndex(array.boundary, i + di, array.rows);
        if (si < 0) continue;
        for (let dj = -radius; dj <= radius; dj++) {
          const sj = sourceIndex(array.boundary, j + dj, array.cols);
          if (sj < 0 || inRegion(region, si, sj)) continue;
          seen.add(si * array.cols + sj);
        }
      }
    }
  }
  return [...seen]
    .sort((a, b) => a - b)
    .map((q): [number, number] => [Math.floor(q / array.cols), q % array.cols]);
}
