import { join } from "node:path";
import { cellLocation, cosimSummary } from "../cosim/cosim.js";
import type { LayerCosimResult } from "../cosim/layerCosim.js";
import { plotHeatmap } from "../plot/heatmap.js";
import { renderReport } from "../plot/report.js";
import { writeFileAtomic } from "./atomicWrite.js";
import { cosimFigures, type StaticFigure } from "./figures.js";
import { reportFromCosim } from "./fromCosim.js";
import { writeFigures } from "./writeFigures.js";

export interface LayerCosimFiles {
  summary: string;
  report: string;
  figures: string[];
}

/** The cells drawn in waveforms.svg: the layer's worst cells (at most `count`, worst first). */
export function worstCells(r: LayerCosimResult, count = 4): number[] {
  return [...r.cells]
    .sort((a, b) => (b.maxAbs || Number.POSITIVE_INFINITY) - (a.maxAbs || Number.POSITIVE_INFINITY))
    .slice(0, count)
    .map((c) => c.cell);
}

/**
 * The tile verdict map: max |Δx| of each tile over the layer (one value per cell position, the
 * tile's worst over every channel), so a failing tile stands out as a block.
 */
export function tileMapFigure(r: LayerCosimResult): StaticFigure {
  const a = r.array;
  const values = new Float64Array(a.rows * a.cols);
  for (const t of r.tiles)
    for (let i = t.region.row0; i < t.region.row0 + t.region.rows; i++)
      for (let j = t.region.col0; j < t.region.col0 + t.region.cols; j++)
        values[i * a.cols + j] = t.maxAbs;
  const failed = r.tiles.filter((t) => !t.pass).map((t) => t.name);
  return {
    file: "tile-map.svg",
    title: `Tiles of ${a.name}: max |Δx| per tile`,
    svg: plotHeatmap({
      title: `max |Δx| per tile (${r.tileSize.rows}×${r.tileSize.cols} tiles)`,
      rows: a.rows,
      cols: a.cols,
      values,
      kind: "sequential",
      label: "max |Δx|",
    }),
    caption: `${r.tiles.length} tiles, ${failed.length} failing${failed.length ? ` (${failed.slice(0, 8).join(", ")}${failed.length > 8 ? ", …" : ""})` : ""}; tolerance ${r.verdict.tolerances.maxAbs}.`,
  };
}

/** The layer's JSON summary: cosimSummary without the per-cell list, plus the tiles. */
export function layerCosimSummary(r: LayerCosimResult): Record<string, unknown> {
  const { cells: _cells, ...base } = cosimSummary(r);
  return {
    ...base,
    tiling: {
      tileSize: r.tileSize,
      tiles: r.tiles.length,
      jobs: r.jobs,
      failingTiles: r.tiles.filter((t) => !t.pass).map((t) => t.name),
      cellspiceWallTimeMs: r.cellspiceWallTimeMs,
      ngspiceWallTimeMs: r.ngspiceWallTimeMs,
    },
    tiles: r.tiles.map((t) => ({
      ...t,
      failingCells: t.failingCells
        .slice(0, 20)
        .map((p) => ({ cell: p, ...cellLocation(r.array, p) })),
      failingCellCount: t.failingCells.length,
    })),
    worstCells: worstCells(r, 10).map((p) => ({
      cell: p,
      ...cellLocation(r.array, p),
      maxAbs: r.cells[p].maxAbs,
    })),
  };
}

/**
 * Writes a layer co-simulation into `dir`: layer-cosim.json (verdicts per tile and for the
 * layer), report.html (every channel's per-cell error map over the whole layer, every cell's
 * waveforms in both engines, memristor traces for an M-CellNN layer), and the static figures:
 * the worst cells' waveforms, the per-channel error maps, the tile map and, for an M-CellNN, the
 * i–v loop and w(t) of its most active memristor.
 */
export async function writeLayerCosim(
  dir: string,
  r: LayerCosimResult,
  o: { cellspiceVersion?: string; description?: string } = {},
): Promise<LayerCosimFiles> {
  const figures = [...cosimFigures(r, { cells: worstCells(r) }), tileMapFigure(r)];
  const inReport = figures.filter((f) =>
    ["memristor-w.svg", "tile-map.svg", "waveforms.svg"].includes(f.file),
  );
  const html = renderReport(
    reportFromCosim(r, {
      title: `Tile-by-tile co-simulation of ${r.array.name}`,
      description:
        o.description ??
        `${r.tiles.length} tiles of ${r.tileSize.rows}×${r.tileSize.cols} cells (every channel), each in ngspice with its ring driven by cellspice's solution of the whole layer; ngspice's waveforms resampled onto cellspice's report times.`,
      cellspiceVersion: o.cellspiceVersion,
      figures: inReport.map((f) => ({ title: f.title, svg: f.svg, caption: f.caption })),
    }),
  );
  const files: LayerCosimFiles = {
    summary: join(dir, "layer-cosim.json"),
    report: join(dir, "report.html"),
    figures: [],
  };
  await writeFileAtomic(files.summary, `${JSON.stringify(layerCosimSummary(r), null, 2)}\n`);
  await writeFileAtomic(files.report, html);
  files.figures = await writeFigures(dir, figures);
  return files;
}
