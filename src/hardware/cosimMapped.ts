import { DEFAULT_TOLERANCES } from "../cosim/cosim.js";
import { pool } from "../cosim/layerCosim.js";
import {
  type CellMetrics,
  compareWaveforms,
  type OverallMetrics,
  type Tolerances,
  type Verdict,
  verdict,
} from "../cosim/metrics.js";
import { resampleCubic } from "../cosim/resample.js";
import { type TileSize, tileCells, tileName, tileRegions } from "../cosim/tiles.js";
import { solve } from "../solvers/solve.js";
import type { Netlist, NetlistStream } from "../spice/netlist/model.js";
import { renderNetlist } from "../spice/netlist/model.js";
import type { CellRegion } from "../spice/netlist/region.js";
import { checkTopology } from "../spice/netlist/topology.js";
import { runNgspice } from "../spice/runner.js";
import { type MappedLayer, mappedCells } from "./mappedLayer.js";
import { createMappedSystem } from "./mappedSystem.js";
import {
  type MappedNetlistOptions,
  mappedNetlist,
  mappedRegionNetlist,
  mappedRingDrive,
  solveMapped,
} from "./netlist.js";

export interface MappedCosimResult {
  readonly t: Float64Array;
  readonly cells: (CellMetrics & { channel: number; row: number; col: number })[];
  readonly overall: OverallMetrics;
  readonly verdict: Verdict;
  /** The failing cells as (channel, row, col), worst first. */
  readonly failing: { cell: number; channel: number; row: number; col: number }[];
  readonly ngspiceMs: number;
  readonly netlist: string;
}

/**
 * Co-simulates a mapped layer (per-cell values) on input u: ngspice runs its per-instance
 * netlist, cellspice the same mapped system (adaptive, tight tolerances) evaluated at ngspice's
 * time points; the waveforms of x are compared cell by cell against the co-simulation
 * tolerances (src/cosim). `editNetlist` changes the structured netlist before it runs (fault
 * injection: a wrong per-instance value must fail, naming its cell).
 */
export async function cosimMapped(
  m: MappedLayer,
  u: Float64Array,
  options: MappedNetlistOptions & {
    tolerances?: Partial<Tolerances>;
    editNetlist?: (n: Netlist) => void;
    timeoutMs?: number;
  } = {},
): Promise<MappedCosimResult> {
  const built = mappedNetlist(m, u, options);
  options.editNetlist?.(built.netlist);
  checkTopology(built.netlist);
  const text = renderNetlist(built.netlist);
  const result = await runNgspice(text, {
    expectVectors: [...built.stateVectors, ...built.memristorVectors],
    tstop: built.tstop,
    timeoutMs: options.timeoutMs,
  });
  const { tau, Vs } = m.scales;
  const time = result.plot.vector("time");
  const nt = time.length;
  const t = Float64Array.from(time, (s) => s / tau);
  t[nt - 1] = m.T_hw;
  const n = built.stateVectors.length;
  const ng = new Float64Array(nt * n);
  built.stateVectors.forEach((name, p) => {
    const v = result.plot.vector(name);
    for (let k = 0; k < nt; k++) ng[k * n + p] = v[k] / Vs;
  });
  const system = createMappedSystem(m, u);
  const r = solve(system, {
    method: "dopri5",
    t0: 0,
    t1: m.T_hw,
    y0: system.initialState(),
    tEval: t,
    rtol: 1e-10,
    atol: 1e-12,
  });
  const ts = new Float64Array(nt * n);
  for (let k = 0; k < nt; k++) ts.set(r.y.subarray(k * r.dim, k * r.dim + n), k * n);
  const output = { kind: "leaky" as const, alpha: m.output.alpha };
  const { cells, overall } = compareWaveforms(t, ts, ng, n, output);
  const v = verdict(cells, overall, { ...DEFAULT_TOLERANCES, ...options.tolerances });
  const plane = m.rows * m.cols;
  const locate = (p: number) => ({
    cell: p,
    channel: Math.floor(p / plane),
    row: Math.floor((p % plane) / m.cols),
    col: p % m.cols,
  });
  return {
    t,
    cells: cells.map((c) => ({ ...c, ...locate(c.cell) })),
    overall,
    verdict: v,
    failing: v.failingCells.map(locate),
    ngspiceMs: result.wallTimeMs,
    netlist: text,
  };
}

export interface MappedTilesOptions extends MappedNetlistOptions {
  /** Tile size (default the whole layer as one tile). */
  tile?: TileSize;
  /** ngspice processes at a time (default 1). */
  jobs?: number;
  tolerances?: Partial<Tolerances>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Changes a tile's structured netlist before it runs (fault injection). */
  editNetlist?: (region: CellRegion, netlist: NetlistStream) => void;
  onTile?: (done: number, total: number) => void;
}

export interface MappedTileVerdict {
  name: string;
  region: CellRegion;
  pass: boolean;
  maxAbs: number;
  /** Failing cells as (channel, row, col) in the layer, worst first. */
  failing: { cell: number; channel: number; row: number; col: number }[];
  ngspiceMs: number;
  points: number;
}

export interface MappedTilesResult {
  /** cellspice's report times (τ) over [0, T_hw]. */
  t: Float64Array;
  overall: OverallMetrics;
  verdict: Verdict;
  failing: { cell: number; channel: number; row: number; col: number }[];
  tiles: MappedTileVerdict[];
  tileSize: TileSize;
  cellspiceMs: number;
  ngspiceMs: { sum: number; elapsed: number };
}

/**
 * Co-simulates a mapped layer tile by tile, as src/cosim/layerCosim.ts does for the ideal
 * circuit: cellspice solves the whole mapped system once (solveMapped) at `points` + 1 report
 * times over [0, T_hw]; every tile's per-instance netlist runs in ngspice, `jobs` at a time, its
 * ring driven through that solution (mappedRingDrive); ngspice's states are resampled by local cubics
 * onto the report times (its points are at most maxStep apart) and compared per tile and for the
 * assembled layer at the co-simulation tolerances. A failure of one ngspice aborts the others.
 */
export async function cosimMappedTiles(
  m: MappedLayer,
  u: Float64Array,
  o: MappedTilesOptions & { points?: number } = {},
): Promise<MappedTilesResult> {
  const points = o.points ?? 200;
  const T = m.T_hw;
  const grid = Float64Array.from({ length: points + 1 }, (_, k) =>
    k === points ? T : (T * k) / points,
  );
  const cs = solveMapped(m, u, grid);
  const ring = mappedRingDrive(m, cs.t, cs.x);
  const tileSize = o.tile ?? { rows: m.rows, cols: m.cols };
  const regions = tileRegions(m, tileSize);
  const n = mappedCells(m);
  const nt = grid.length;
  const ngX = new Float64Array(nt * n);
  const tolerances = { ...DEFAULT_TOLERANCES, ...o.tolerances };
  const output = { kind: "leaky" as const, alpha: m.output.alpha };
  const tiles: MappedTileVerdict[] = new Array(regions.length);
  const { tau, Vs } = m.scales;
  const started = performance.now();
  let done = 0;
  await pool(regions.length, o.jobs ?? 1, o.signal, async (k, signal) => {
    const region = regions[k];
    const built = mappedRegionNetlist(m, u, o, region, ring);
    o.editNetlist?.(region, built.netlist);
    checkTopology(built.netlist);
    const result = await runNgspice(renderNetlist(built.netlist), {
      expectVectors: [...built.stateVectors, ...built.memristorVectors],
      tstop: built.tstop,
      timeoutMs: o.timeoutMs,
      signal,
      netlistName: "tile.cir",
    });
    const cells = tileCells(m, region);
    const q = cells.length;
    const time = result.plot.vector("time");
    const prepend = time[0] > 0;
    const len = time.length + (prepend ? 1 : 0);
    const t = new Float64Array(len);
    t.set(
      Float64Array.from(time, (s) => s / tau),
      prepend ? 1 : 0,
    );
    const x = new Float64Array(len * q);
    built.stateVectors.forEach((name, c) => {
      const v = result.plot.vector(name);
      for (let s = 0; s < v.length; s++) x[(s + (prepend ? 1 : 0)) * q + c] = v[s] / Vs;
    });
    const xs = resampleCubic(t, x, q, grid).values;
    for (let s = 0; s < nt; s++) for (let c = 0; c < q; c++) ngX[s * n + cells[c]] = xs[s * q + c];
    const ref = new Float64Array(nt * q);
    for (let s = 0; s < nt; s++)
      for (let c = 0; c < q; c++) ref[s * q + c] = cs.x[s * n + cells[c]];
    const cmp = compareWaveforms(grid, ref, xs, q, output);
    const v = verdict(cmp.cells, cmp.overall, tolerances);
    tiles[k] = {
      name: tileName(region),
      region,
      pass: v.pass,
      maxAbs: cmp.overall.maxAbs,
      failing: v.failingCells.map((c) => locate(m, cells[cmp.cells[c].cell])),
      ngspiceMs: result.wallTimeMs,
      points: time.length,
    };
    done++;
    o.onTile?.(done, regions.length);
  });
  const elapsed = performance.now() - started;
  const { cells, overall } = compareWaveforms(grid, cs.x, ngX, n, output);
  const v = verdict(cells, overall, tolerances);
  if (tiles.some((t) => !t.pass)) v.pass = false;
  return {
    t: grid,
    overall,
    verdict: v,
    failing: v.failingCells.map((p) => locate(m, p)),
    tiles,
    tileSize,
    cellspiceMs: cs.wallTimeMs,
    ngspiceMs: { sum: tiles.reduce((s, t) => s + t.ngspiceMs, 0), elapsed },
  };
}

function locate(m: MappedLayer, p: number) {
  const plane = m.rows * m.cols;
  return {
    cell: p,
    channel: Math.floor(p / plane),
    row: Math.floor((p % plane) / m.cols),
    col: p % m.cols,
  };
}
