import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { ValidationError } from "../../core/errors.js";
import type { SwitchingTolerance } from "../../cosim/cosim.js";
import { cellLocation } from "../../cosim/cosim.js";
import { cosimLayer } from "../../cosim/layerCosim.js";
import type { Tolerances } from "../../cosim/metrics.js";
import { parseTileSize, tileRegions } from "../../cosim/tiles.js";
import { cosimMappedTiles } from "../../hardware/cosimMapped.js";
import { writeLayerCosim } from "../../report/layerCosim.js";
import type { CliContext } from "../context.js";
import { type SolverFlags, solverOptions } from "../engineOptions.js";
import { EXIT, FileError, UsageError } from "../exitCodes.js";
import { writeOutput } from "../files.js";
import { interruptible } from "../interrupt.js";
import { positiveInteger } from "../options.js";
import { createProgress } from "../progress.js";
import { fmt, formatTable } from "../table.js";
import { packageVersion } from "../version.js";
import { ensureWritableDir, mappedCircuits } from "./export.js";
import { layerOnInput, readModel, selectLayers } from "./layerInput.js";

/** The flags `cosim MODEL_DIR` reads (the rest of cosim's options apply as for an array file). */
export interface LayerFlags extends Omit<SolverFlags, "T"> {
  layer?: string;
  hardware?: string;
  mismatchSeed?: string;
  tile?: string;
  jobs?: number;
  input?: string;
  outDir?: string;
  T?: number;
  points?: number;
  maxStep?: number;
  inputForm?: "sources" | "folded";
  templateForm?: "vccs" | "behavioral";
  timeout?: number;
  maxAbs?: number;
  rms?: number;
  finalRel?: number;
  outputMaxAbs?: number;
  switchThreshold?: number;
  switchDelta?: number;
}

/**
 * [choice] Defaults of a layer co-simulation, chosen so that a trained layer's tiles run in
 * seconds: 4×4-cell tiles (every channel), the inputs folded into each cell's current source
 * (B ⋆ u + z: no input sources or B transconductances in the tile), ngspice's step capped at
 * 3e-3 τ, its waveforms resampled by local cubics (resampleCubic). Measured on up1.block2 of the
 * CellNN fixture, whose fast channels set the step (docs/export.md): max |Δx| 1.16e-4 at 1e-2 τ
 * (ngspice's own error: the cubic's estimate is 9e-6), 1.9e-5 at 3e-3 τ, 1.5e-5 at 2e-3 τ, against
 * a tolerance of 1e-4; ngspice time summed over the 16 tiles 57, 145 and 206 s with the inputs
 * as sources, 107 s folded at 3e-3 τ (the same states to 1e-12).
 */
export const LAYER_DEFAULTS = {
  tile: "4x4",
  maxStep: 3e-3,
  inputForm: "folded",
  points: 200,
} as const;

/** Whether a cosim argument is a model directory (holds manifest.json) rather than an array file. */
export function isModelDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, "manifest.json"));
  } catch {
    return false;
  }
}

/** Adds the options only `cosim MODEL_DIR` uses. */
export function addLayerOptions(cmd: Command): Command {
  return cmd
    .option("--layer <name>", "MODEL_DIR: the cellular layer to co-simulate")
    .option(
      "--tile <RxC>",
      `MODEL_DIR: tile size in cells, every channel (default ${LAYER_DEFAULTS.tile}; smaller last tiles where it does not divide)`,
    )
    .option(
      "--jobs <n>",
      "MODEL_DIR: ngspice processes at a time (default: the number of cores)",
      positiveInteger,
    )
    .option("--input <golden|FILE>", "MODEL_DIR: the layer's input (default golden)")
    .option(
      "--hardware <profile>",
      "MODEL_DIR: co-simulate the layer mapped by a hardware profile (per-instance netlists against cellspice's mapped system)",
    )
    .option(
      "--mismatch-seed <s>",
      "MODEL_DIR --hardware: seed of the realised circuit's mismatch (default 0)",
    );
}

/** `cellspice cosim MODEL_DIR --layer NAME`: every tile in ngspice against cellspice's whole layer. */
export async function cosimModelLayer(
  dir: string,
  flags: LayerFlags,
  ctx: CliContext,
): Promise<void> {
  const exp = readModel(dir);
  const names = exp.manifest.cell_layers.map((l) => l.name).join(", ");
  if (flags.layer === undefined || flags.layer === "all") {
    throw new ValidationError(
      "--layer",
      flags.layer === undefined
        ? "missing: a model directory needs a layer"
        : "all: one layer at a time",
      `${names} (scripts/cosim-all-layers.sh runs every layer)`,
    );
  }
  const [layer] = selectLayers(exp, flags.layer);
  const array = layerOnInput(exp, layer, flags.input ?? "golden");
  const tile = parseTileSize(flags.tile ?? LAYER_DEFAULTS.tile);
  const regions = tileRegions(array, tile);
  const model = basename(dir.replace(/[\\/]+$/, ""));
  const outDir = flags.outDir ?? join("out", "cosim", model, layer);
  ensureWritableDir(outDir);
  const T = flags.T ?? exp.manifest.cell_layers.find((l) => l.name === layer)!.cell.T;
  const jobs = flags.jobs ?? availableParallelism();
  const solverFlags = (["method", "dt", "rtol", "atol", "precision"] as const).filter(
    (f) => flags[f] !== undefined,
  );
  if (flags.hardware !== undefined) {
    if (solverFlags.length > 0)
      throw new UsageError(
        `--${solverFlags.join(", --")}: the mapped co-simulation (--hardware) integrates the mapped layer itself (DOPRI5, rtol 1e-10); leave ${solverFlags.length > 1 ? "them" : "it"} out`,
      );
    return cosimMappedLayer(exp, array, flags, tile, jobs, outDir, ctx);
  }
  // The layer's report grid replaces the solver's own points.
  const { T: _T, points: _points, ...typescript } = solverOptions(flags, {});
  const tolerances: Partial<Tolerances> = {};
  if (flags.maxAbs !== undefined) tolerances.maxAbs = flags.maxAbs;
  if (flags.rms !== undefined) tolerances.rms = flags.rms;
  if (flags.finalRel !== undefined) tolerances.finalRelative = flags.finalRel;
  if (flags.outputMaxAbs !== undefined) tolerances.outputMaxAbs = flags.outputMaxAbs;
  const switching: Partial<SwitchingTolerance> = {};
  if (flags.switchThreshold !== undefined) switching.threshold = flags.switchThreshold;
  if (flags.switchDelta !== undefined) switching.maxDelta = flags.switchDelta;
  ctx.progress(
    `co-simulating ${model} ${layer}: ${array.channels}×${array.rows}×${array.cols} cells${array.memristor ? ` with ${array.memristor.model.name} memristors (sensing ${array.memristor.voltage})` : ""}, ${regions.length} tiles of ${tile.rows}×${tile.cols}, ${jobs} ngspice at a time`,
  );
  const progress = createProgress({
    label: "tiles",
    total: regions.length,
    unit: "tiles",
    quiet: ctx.quiet,
  });
  let result: Awaited<ReturnType<typeof cosimLayer>>;
  try {
    result = await interruptible((signal) =>
      cosimLayer(array, {
        T,
        tile,
        jobs,
        points: flags.points ?? LAYER_DEFAULTS.points,
        tolerances,
        switching,
        typescript,
        signal,
        ngspice: {
          maxStep: flags.maxStep ?? LAYER_DEFAULTS.maxStep,
          inputForm: flags.inputForm ?? LAYER_DEFAULTS.inputForm,
          templateForm: flags.templateForm,
          timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000,
        },
        onTile: (e) => {
          if (e.tile) progress.tick();
        },
      }),
    );
    progress.done();
  } catch (e) {
    progress.fail();
    throw e;
  }
  let files: Awaited<ReturnType<typeof writeLayerCosim>>;
  try {
    files = await writeLayerCosim(outDir, result, { cellspiceVersion: packageVersion() });
  } catch (e) {
    throw new FileError(outDir, "write", (e as Error).message);
  }
  ctx.out(layerVerdictTable(result));
  ctx.out(`report: ${files.report}\nsummary: ${files.summary}`);
  if (!result.verdict.pass) process.exitCode = EXIT.verdictFailed;
}

/** The verdict lines of a layer co-simulation: the layer, then the failing tiles and cells. */
export function layerVerdictTable(r: Awaited<ReturnType<typeof cosimLayer>>): string {
  const a = r.array;
  const o = r.overall;
  const t = r.verdict.tolerances;
  const failing = r.tiles.filter((x) => !x.pass);
  const lines = [
    `${a.name}: ${a.channels}×${a.rows}×${a.cols} cells in ${r.tiles.length} tiles of ${r.tileSize.rows}×${r.tileSize.cols}, T = ${r.T} τ: ${r.verdict.pass ? "PASS" : "FAIL"}`,
    formatTable(
      ["metric", "value", "tolerance"],
      [
        ["max |Δx|", fmt(o.maxAbs), fmt(t.maxAbs)],
        ["RMS Δx", fmt(o.rms), fmt(t.rms)],
        ["final relative", fmt(o.finalRelative), fmt(t.finalRelative)],
        ["max |Δy|", fmt(o.outputMaxAbs), fmt(t.outputMaxAbs)],
        ...(r.memristor
          ? [
              [
                "switching |Δt|",
                `${fmt(r.memristor.switching.maxDelta)} τ`,
                `${fmt(r.memristor.switching.tolerance.maxDelta)} τ`,
              ],
            ]
          : []),
      ],
    ),
    `tiles: ${r.tiles.length - failing.length} pass, ${failing.length} fail; cellspice ${(r.cellspiceWallTimeMs / 1000).toFixed(2)} s, ngspice ${(r.ngspiceWallTimeMs.sum / 1000).toFixed(1)} s over all tiles (${(r.ngspiceWallTimeMs.elapsed / 1000).toFixed(1)} s elapsed, ${r.jobs} at a time)`,
  ];
  for (const tile of failing.slice(0, 10)) {
    const cells = tile.failingCells.slice(0, 5).map((p) => {
      const c = cellLocation(a, p);
      return `(${c.channel}, ${c.row}, ${c.col})`;
    });
    lines.push(
      `FAIL tile ${tile.name} (rows ${tile.region.row0}-${tile.region.row0 + tile.region.rows - 1}, columns ${tile.region.col0}-${tile.region.col0 + tile.region.cols - 1}): max |Δx| ${fmt(tile.maxAbs)}, ${tile.failingCells.length} failing cells ${cells.join(", ")}${tile.failingCells.length > 5 ? ", …" : ""}`,
    );
  }
  return lines.join("\n");
}

/**
 * `cosim MODEL_DIR --layer NAME --hardware PROFILE [--mismatch-seed S]`: the layer mapped by the
 * profile, tile by tile (src/hardware cosimMappedTiles): each tile's per-instance netlist in
 * ngspice against cellspice's solution of the whole mapped system. Writes layer-cosim.json
 * (verdict, metrics, each tile's verdict and failing cells); exit 1 when a verdict fails.
 */
async function cosimMappedLayer(
  exp: ReturnType<typeof readModel>,
  array: ReturnType<typeof layerOnInput>,
  flags: LayerFlags,
  tile: { rows: number; cols: number },
  jobs: number,
  outDir: string,
  ctx: CliContext,
): Promise<void> {
  const hw = mappedCircuits(
    exp,
    { hardware: flags.hardware, mismatchSeed: flags.mismatchSeed ?? "0" },
    [array.name],
  );
  const m = hw.layer(array);
  const tolerances: Partial<Tolerances> = {};
  if (flags.maxAbs !== undefined) tolerances.maxAbs = flags.maxAbs;
  if (flags.rms !== undefined) tolerances.rms = flags.rms;
  if (flags.finalRel !== undefined) tolerances.finalRelative = flags.finalRel;
  if (flags.outputMaxAbs !== undefined) tolerances.outputMaxAbs = flags.outputMaxAbs;
  const regions = tileRegions(array, tile);
  ctx.progress(
    `co-simulating ${array.name} mapped by ${flags.hardware} (mismatch seed ${hw.seed}): ${regions.length} tiles of ${tile.rows}×${tile.cols}, ${jobs} ngspice at a time`,
  );
  const progress = createProgress({
    label: "tiles",
    total: regions.length,
    unit: "tiles",
    quiet: ctx.quiet,
  });
  let r: Awaited<ReturnType<typeof cosimMappedTiles>>;
  try {
    r = await interruptible((signal) =>
      cosimMappedTiles(m, array.input, {
        tile,
        jobs,
        points: flags.points ?? LAYER_DEFAULTS.points,
        maxStep: flags.maxStep ?? LAYER_DEFAULTS.maxStep,
        tolerances,
        signal,
        timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000,
        onTile: () => progress.tick(),
      }),
    );
    progress.done();
  } catch (e) {
    progress.fail();
    throw e;
  }
  const o = r.overall;
  const t = r.verdict.tolerances;
  const failing = r.tiles.filter((x) => !x.pass);
  const lines = [
    `${array.name} mapped by ${basename(flags.hardware!)} (seed ${hw.seed}): ${array.channels}×${array.rows}×${array.cols} cells in ${r.tiles.length} tiles of ${r.tileSize.rows}×${r.tileSize.cols}, T_hw = ${m.T_hw} τ: ${r.verdict.pass ? "PASS" : "FAIL"}`,
    formatTable(
      ["metric", "value", "tolerance"],
      [
        ["max |Δx|", fmt(o.maxAbs), fmt(t.maxAbs)],
        ["RMS Δx", fmt(o.rms), fmt(t.rms)],
        ["final relative", fmt(o.finalRelative), fmt(t.finalRelative)],
        ["max |Δy|", fmt(o.outputMaxAbs), fmt(t.outputMaxAbs)],
      ],
    ),
    `tiles: ${r.tiles.length - failing.length} pass, ${failing.length} fail; cellspice ${(r.cellspiceMs / 1000).toFixed(2)} s, ngspice ${(r.ngspiceMs.sum / 1000).toFixed(1)} s over all tiles (${(r.ngspiceMs.elapsed / 1000).toFixed(1)} s elapsed, ${jobs} at a time)`,
    ...failing.slice(0, 10).map(
      (x) =>
        `FAIL tile ${x.name}: max |Δx| ${fmt(x.maxAbs)}, ${x.failing.length} failing cells ${x.failing
          .slice(0, 5)
          .map((c) => `(${c.channel}, ${c.row}, ${c.col})`)
          .join(", ")}${x.failing.length > 5 ? ", …" : ""}`,
    ),
  ];
  const summary = {
    format: "cellspice-mapped-layer-cosim",
    cellspiceVersion: packageVersion(),
    layer: array.name,
    hardware: { profile: basename(flags.hardware!), mismatchSeed: hw.seed },
    shape: [array.channels, array.rows, array.cols],
    T_hw: m.T_hw,
    scales: m.scales,
    overall: r.overall,
    verdict: { pass: r.verdict.pass, failed: r.verdict.failed, tolerances: t },
    failingCells: r.failing.slice(0, 100),
    tiling: {
      tileSize: r.tileSize,
      tiles: r.tiles.length,
      jobs,
      cellspiceWallTimeMs: r.cellspiceMs,
      ngspiceWallTimeMs: r.ngspiceMs,
    },
    tiles: r.tiles,
  };
  const file = join(outDir, "layer-cosim.json");
  await writeOutput(file, `${JSON.stringify(summary, null, 2)}\n`);
  ctx.out(lines.join("\n"));
  ctx.out(`summary: ${file}`);
  if (!r.verdict.pass) process.exitCode = EXIT.verdictFailed;
}
