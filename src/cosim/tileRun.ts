import type { CellArray } from "../cells/spec.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";
import { type NetlistOptions, type RingDrive, regionNetlist } from "../spice/netlist/cellArray.js";
import { type NetlistStream, renderNetlist } from "../spice/netlist/model.js";
import type { CellRegion } from "../spice/netlist/region.js";
import { checkTopology } from "../spice/netlist/topology.js";
import { runNgspice } from "../spice/runner.js";
import { resampleCubic } from "./resample.js";
import { tileCells } from "./tiles.js";

export interface TileRunOptions extends NetlistOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Changes the structured netlist before it runs (fault injection in tests: a wrong
   * per-instance value must fail, naming its cell); its elements are a stream to wrap.
   */
  editNetlist?: (netlist: NetlistStream) => void;
}

/** One tile as ngspice computed it, resampled onto the layer's report grid. */
export interface TileRun {
  region: CellRegion;
  /** Flat indices of the tile's cells in the layer, in the order of `x`'s columns. */
  cells: number[];
  /** States x on the layer's report times, nt × cells.length. */
  x: Float64Array;
  /** Memristor states w, likewise (M-CellNN). */
  w?: Float64Array;
  /** ngspice's own accepted time points (τ). */
  ngspicePoints: number;
  /** The largest gap between ngspice's time points (τ). */
  maxGap: number;
  /** Linear interpolation's error bound on ngspice's data (h²/8·|x''|), in units of x. */
  /** resampleCubic's error estimate for x (cubic − quadratic), worst over the tile. */
  interpolationEstimate: number;
  wallTimeMs: number;
  ngspiceVersion: string;
  warnings: string[];
  netlistBytes: number;
  ring: number;
}

/**
 * Runs one tile of a layer in ngspice: its cells with every channel, its ring driven by `ring`
 * (cellspice's solution of the whole layer), its inputs as sources. ngspice's waveforms are
 * resampled onto `grid` (τ; cellspice's report times) by local cubics (resampleCubic) so that
 * every tile and the whole layer compare on one grid: ngspice's points are at most `maxStep`
 * apart, and the interpolation error estimate is returned with the data. With `uic` ngspice does not write t = 0; there the
 * states are the initial conditions the netlist sets (x(0), w(0)), prepended exactly.
 */
export async function runTile(
  array: CellArray,
  region: CellRegion,
  ring: RingDrive | "undriven",
  grid: Float64Array,
  o: TileRunOptions,
): Promise<TileRun> {
  const built = regionNetlist(array, o, region, ring);
  o.editNetlist?.(built.netlist);
  checkTopology(built.netlist);
  const text = renderNetlist(built.netlist);
  const result = await runNgspice(text, {
    expectVectors: [...built.stateVectors, ...built.memristorVectors],
    tstop: built.tstop,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    netlistName: "tile.cir",
  });
  const { tau, Vs } = array.scales;
  const plot = result.plot;
  const time = plot.vector("time");
  const cells = tileCells(array, region);
  const m = cells.length;
  const prepend = time[0] > 0;
  const nt = time.length + (prepend ? 1 : 0);
  const t = new Float64Array(nt);
  t.set(
    Float64Array.from(time, (s) => s / tau),
    prepend ? 1 : 0,
  );
  const gather = (vectors: string[], scale: number, initial: (p: number) => number) => {
    const out = new Float64Array(nt * m);
    vectors.forEach((name, q) => {
      const v = plot.vector(name);
      if (prepend) out[q] = initial(cells[q]);
      for (let k = 0; k < v.length; k++) out[(k + (prepend ? 1 : 0)) * m + q] = v[k] * scale;
    });
    return out;
  };
  const xNg = gather(built.stateVectors, 1 / Vs, (p) => array.x0[p]);
  const wNg = array.memristor
    ? gather(built.memristorVectors, 1, (p) => array.memristor!.w0[p])
    : undefined;
  let maxGap = 0;
  for (let k = 1; k < nt; k++) maxGap = Math.max(maxGap, t[k] - t[k - 1]);
  const x = resampleCubic(t, xNg, m, grid);
  return {
    region,
    cells,
    x: x.values,
    w: wNg ? resampleCubic(t, wNg, m, grid).values : undefined,
    ngspicePoints: time.length,
    maxGap,
    interpolationEstimate: x.errorEstimate,
    wallTimeMs: result.wallTimeMs,
    ngspiceVersion: result.version,
    warnings: result.warnings,
    netlistBytes: Buffer.byteLength(text),
    ring: built.ring.length,
  };
}

/** The columns `cells` of an nt × n trajectory, as an nt × cells.length array. */
export function columns(data: Float64Array, n: number, cells: readonly number[]): Float64Array {
  const m = cells.length;
  const nt = data.length / n;
  const out = new Float64Array(nt * m);
  for (let k = 0; k < nt; k++) for (let q = 0; q < m; q++) out[k * m + q] = data[k * n + cells[q]];
  return out;
}

/** The layer's trajectory restricted to a tile's cells (for comparisons per tile). */
export function tileTrajectory(layer: ArrayTrajectory, cells: readonly number[]) {
  return {
    x: columns(layer.x, layer.cells, cells),
    w: layer.w ? columns(layer.w, layer.cells, cells) : undefined,
  };
}
