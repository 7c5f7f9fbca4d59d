import { applyOutput } from "../cells/output.js";
import type { CellArray } from "../cells/spec.js";
import { ValidationError } from "../core/errors.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";
import type { RingDrive } from "../spice/netlist/cellArray.js";
import type { CellRegion } from "../spice/netlist/region.js";

/** A tile size in cells: rows × columns (every channel). */
export interface TileSize {
  rows: number;
  cols: number;
}

/**
 * The tiles of an array: origins 0, R, 2R, … down and 0, C, 2C, … across, row-major. A size that
 * does not divide the array leaves a ragged last row or column of smaller tiles (supported: a
 * tile is any rectangle). 0, or larger than the array, is refused naming the valid sizes.
 */
export function tileRegions(array: Pick<CellArray, "rows" | "cols">, size: TileSize): CellRegion[] {
  for (const [field, v, max] of [
    ["tile.rows", size.rows, array.rows],
    ["tile.cols", size.cols, array.cols],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1 && v <= max)) {
      throw new ValidationError(
        field,
        `got ${v} for a ${array.rows}×${array.cols} layer`,
        `an integer 1…${max} (a size that does not divide ${max} leaves a smaller last tile)`,
      );
    }
  }
  const out: CellRegion[] = [];
  for (let row0 = 0; row0 < array.rows; row0 += size.rows)
    for (let col0 = 0; col0 < array.cols; col0 += size.cols)
      out.push({
        row0,
        col0,
        rows: Math.min(size.rows, array.rows - row0),
        cols: Math.min(size.cols, array.cols - col0),
      });
  return out;
}

/** "7x7" → {rows: 7, cols: 7}; "all" or undefined → the whole array as one tile. */
export function parseTileSize(text: string, field = "--tile"): TileSize {
  const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/i.exec(text);
  if (!m) throw new ValidationError(field, JSON.stringify(text), "RxC, e.g. 7x7 or 14x28");
  return { rows: Number(m[1]), cols: Number(m[2]) };
}

/** A short name of a tile, used for files and messages: "r7c0" (its origin). */
export function tileName(r: CellRegion): string {
  return `r${r.row0}c${r.col0}`;
}

/**
 * The ring drive of a tile from cellspice's own solution of the whole layer: each ring cell's
 * output node follows V_s·f(x(t)) at the solution's report times (τ → seconds), which the PWL
 * sources interpolate linearly. The solution must start at t = 0 and reach T.
 */
export function ringDriveFrom(array: CellArray, layer: ArrayTrajectory): RingDrive {
  const { tau, Vs } = array.scales;
  const n = layer.cells;
  const nt = layer.t.length;
  const t = Float64Array.from(layer.t, (s) => s * tau);
  return {
    t,
    y: (c, i, j) => {
      const p = (c * array.rows + i) * array.cols + j;
      const v = new Float64Array(nt);
      for (let k = 0; k < nt; k++) v[k] = Vs * applyOutput(array.output, layer.x[k * n + p]);
      return v;
    },
    source: `cellspice ${String(layer.info.method ?? "")} solution of the whole layer, ${nt} report times`,
  };
}

/** Flat indices (c·rows + i)·cols + j of a tile's cells, in the order its netlist saves them. */
export function tileCells(
  array: Pick<CellArray, "channels" | "rows" | "cols">,
  r: CellRegion,
): number[] {
  const out: number[] = [];
  for (let c = 0; c < array.channels; c++)
    for (let i = r.row0; i < r.row0 + r.rows; i++)
      for (let j = r.col0; j < r.col0 + r.cols; j++)
        out.push((c * array.rows + i) * array.cols + j);
  return out;
}

/** Whether flat cell p lies within `width` cells of the tile's edge (inside the tile). */
export function onTileBorder(
  array: Pick<CellArray, "rows" | "cols">,
  r: CellRegion,
  p: number,
  width: number,
): boolean {
  const q = p % (array.rows * array.cols);
  const i = Math.floor(q / array.cols);
  const j = q % array.cols;
  return (
    i < r.row0 + width ||
    i >= r.row0 + r.rows - width ||
    j < r.col0 + width ||
    j >= r.col0 + r.cols - width
  );
}
