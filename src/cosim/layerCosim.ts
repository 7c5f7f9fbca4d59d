import { type CellArray, cellCount } from "../cells/spec.js";
import { ValidationError } from "../core/errors.js";
import type { ArrayTrajectory } from "../engines/trajectory.js";
import { simulateTypescript, type TypescriptRunOptions } from "../engines/typescript.js";
import type { RingDrive } from "../spice/netlist/cellArray.js";
import type { CellRegion } from "../spice/netlist/region.js";
import {
  type CosimResult,
  cellLocation,
  DEFAULT_SWITCHING,
  DEFAULT_TOLERANCES,
  type SwitchingTolerance,
} from "./cosim.js";
import {
  type CellMetrics,
  compareWaveforms,
  type Tolerances,
  type Verdict,
  verdict,
} from "./metrics.js";
import { compareSwitching } from "./switching.js";
import { columns, runTile, type TileRun, type TileRunOptions } from "./tileRun.js";
import { ringDriveFrom, type TileSize, tileName, tileRegions } from "./tiles.js";

export interface LayerCosimOptions {
  /** Transient length (τ). */
  T: number;
  /** Tile size; default the whole layer as one tile. */
  tile?: TileSize;
  /** ngspice processes at a time (default 1). */
  jobs?: number;
  /** Report times of cellspice's solution (and PWL points of the rings): points + 1 over [0, T]. Default 400. */
  points?: number;
  tolerances?: Partial<Tolerances>;
  switching?: Partial<SwitchingTolerance>;
  typescript?: Omit<TypescriptRunOptions, "T" | "tEval">;
  ngspice?: Omit<TileRunOptions, "T" | "signal">;
  signal?: AbortSignal;
  /**
   * The ring drive of each tile (default cellspice's solution of the layer). Tests pass a wrong
   * one — zeros, or "undriven" — to check that a wrong boundary fails.
   */
  ring?: (region: CellRegion, fromCellspice: RingDrive) => RingDrive | "undriven";
  /** Called when a tile starts and when it has been compared. */
  onTile?: (event: {
    tile: TileVerdict | null;
    region: CellRegion;
    done: number;
    total: number;
  }) => void;
}

/** One tile's verdict. */
export interface TileVerdict {
  name: string;
  region: CellRegion;
  cells: number;
  ring: number;
  pass: boolean;
  maxAbs: number;
  outputMaxAbs: number;
  /** Failing cells (flat layer indices), worst first. */
  failingCells: number[];
  ngspice: {
    wallTimeMs: number;
    points: number;
    maxGap: number;
    interpolationEstimate: number;
    netlistBytes: number;
  };
}

export interface LayerCosimResult extends CosimResult {
  tiles: TileVerdict[];
  tileSize: TileSize;
  /** cellspice's one solve of the whole layer. */
  cellspiceWallTimeMs: number;
  /** Sum of the tiles' ngspice run times, and the wall time of all tiles together. */
  ngspiceWallTimeMs: { sum: number; elapsed: number };
  jobs: number;
}

/**
 * Co-simulates a whole layer tile by tile (docs/export.md):
 *
 * 1. cellspice solves the whole layer once, reporting at `points` + 1 even times over [0, T];
 * 2. every tile runs in ngspice, `jobs` at a time, its ring driven by PWL sources through
 *    that solution; its waveforms are resampled onto the same times (runTile);
 * 3. each tile is compared with cellspice on its own cells (a verdict per tile), and the
 *    assembled layer with the whole solution (the layer's verdict, the same tolerances as
 *    `runCosim`; switching times for M-CellNN memristors).
 *
 * An ngspice failure or the abort signal stops every ngspice still running, and is thrown.
 */
export async function cosimLayer(
  array: CellArray,
  o: LayerCosimOptions,
): Promise<LayerCosimResult> {
  const n = cellCount(array);
  const points = o.points ?? 400;
  if (!(Number.isInteger(points) && points >= 2))
    throw new ValidationError("points", `got ${points}`, "an integer ≥ 2");
  const jobs = o.jobs ?? 1;
  if (!(Number.isInteger(jobs) && jobs >= 1))
    throw new ValidationError("jobs", `got ${jobs}`, "a positive integer");
  const tileSize = o.tile ?? { rows: array.rows, cols: array.cols };
  const regions = tileRegions(array, tileSize);
  const grid = Float64Array.from({ length: points + 1 }, (_, k) =>
    k === points ? o.T : (o.T * k) / points,
  );
  const cs = simulateTypescript(array, { ...o.typescript, T: o.T, tEval: grid });
  const drive = ringDriveFrom(array, cs);
  const nt = grid.length;
  const ngX = new Float64Array(nt * n);
  const ngW = array.memristor ? new Float64Array(nt * n) : undefined;
  const tolerances = { ...DEFAULT_TOLERANCES, ...o.tolerances };
  const runs: TileRun[] = new Array(regions.length);
  const verdicts: TileVerdict[] = new Array(regions.length);

  const started = performance.now();
  let done = 0;
  await pool(regions.length, jobs, o.signal, async (k, signal) => {
    const region = regions[k];
    o.onTile?.({ tile: null, region, done, total: regions.length });
    const ring = o.ring ? o.ring(region, drive) : drive;
    const run = await runTile(array, region, ring, grid, { ...o.ngspice, T: o.T, signal });
    runs[k] = run;
    scatter(run.x, run.cells, ngX, n);
    if (ngW && run.w) scatter(run.w, run.cells, ngW, n);
    verdicts[k] = tileVerdict(array, run, columns(cs.x, n, run.cells), grid, tolerances);
    done++;
    o.onTile?.({ tile: verdicts[k], region, done, total: regions.length });
  });
  const elapsed = performance.now() - started;

  const { cells, overall } = compareWaveforms(grid, cs.x, ngX, n, array.output);
  const v = verdict(cells, overall, tolerances);
  const switchTol = { ...DEFAULT_SWITCHING, ...o.switching };
  let memristor: CosimResult["memristor"];
  if (cs.w && ngW) {
    const s = compareSwitching(grid, cs.w, ngW, n, switchTol.threshold);
    memristor = {
      ...compareWaveforms(grid, cs.w, ngW, n, { kind: "leaky", alpha: 1 }).overall,
      switching: { ...s, tolerance: switchTol },
    };
    if (!(s.maxDelta <= switchTol.maxDelta) || s.mismatched.length > 0) {
      v.pass = false;
      v.failed.push("switching");
      const late = s.events
        .filter((e) => e.a === null || e.b === null || Math.abs(e.a - e.b) > switchTol.maxDelta)
        .map((e) => e.cell);
      v.failingCells = [...new Set([...v.failingCells, ...late])];
    }
  }
  if (verdicts.some((t) => !t.pass)) v.pass = false;
  const ngspice: ArrayTrajectory = {
    engine: "ngspice",
    t: grid,
    cells: n,
    x: ngX,
    w: ngW,
    info: {
      ngspiceVersion: runs[0]?.ngspiceVersion,
      points: nt,
      tiles: regions.length,
      maxStep: o.ngspice?.maxStep ?? 1e-3,
      templateForm: o.ngspice?.templateForm ?? "vccs",
      inputForm: o.ngspice?.inputForm ?? "sources",
      resampled: "tiles' waveforms resampled onto cellspice's report times by local cubics",
      interpolationEstimate: Math.max(0, ...runs.map((r) => r.interpolationEstimate)),
      warnings: [...new Set(runs.flatMap((r) => r.warnings))],
    },
    wallTimeMs: runs.reduce((s, r) => s + r.wallTimeMs, 0),
  };
  return {
    array,
    T: o.T,
    t: grid,
    cellspice: cs,
    ngspice,
    netlist: "",
    cells: cells.map((c) => ({ ...c, ...cellLocation(array, c.cell) })),
    overall,
    memristor,
    verdict: v,
    tiles: verdicts,
    tileSize,
    cellspiceWallTimeMs: cs.wallTimeMs,
    ngspiceWallTimeMs: { sum: ngspice.wallTimeMs, elapsed },
    jobs,
  };
}

function scatter(
  tile: Float64Array,
  cells: readonly number[],
  into: Float64Array,
  n: number,
): void {
  const m = cells.length;
  const nt = tile.length / m;
  for (let k = 0; k < nt; k++) for (let q = 0; q < m; q++) into[k * n + cells[q]] = tile[k * m + q];
}

function tileVerdict(
  array: CellArray,
  run: TileRun,
  csTile: Float64Array,
  grid: Float64Array,
  tolerances: Tolerances,
): TileVerdict {
  const { cells, overall } = compareWaveforms(grid, csTile, run.x, run.cells.length, array.output);
  const v: Verdict = verdict(cells, overall, tolerances);
  const global = (c: CellMetrics) => run.cells[c.cell];
  return {
    name: tileName(run.region),
    region: run.region,
    cells: run.cells.length,
    ring: run.ring,
    pass: v.pass,
    maxAbs: overall.maxAbs,
    outputMaxAbs: overall.outputMaxAbs,
    failingCells: v.failingCells.map((q) => global(cells[q])),
    ngspice: {
      wallTimeMs: run.wallTimeMs,
      points: run.ngspicePoints,
      maxGap: run.maxGap,
      interpolationEstimate: run.interpolationEstimate,
      netlistBytes: run.netlistBytes,
    },
  };
}

/**
 * Runs tasks 0…count−1, at most `jobs` at a time. The first failure (or `signal`) aborts the
 * signal every running task got — the ngspice runner then kills its process group — and is
 * thrown once all have settled.
 */
export async function pool(
  count: number,
  jobs: number,
  signal: AbortSignal | undefined,
  task: (k: number, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < count && !controller.signal.aborted) {
      const k = next++;
      try {
        await task(k, controller.signal);
      } catch (e) {
        failure ??= { error: e };
        controller.abort(e);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, count) }, worker));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (failure) throw failure.error;
  if (controller.signal.aborted) throw signal?.reason ?? new Error("aborted");
}
