/**
 * Tiling against the whole-layer netlist (issue: "tiling is exact"): a trained layer on a window
 * of its golden input, co-simulated once as a single ngspice netlist and once tile by tile, both
 * against cellspice's solution; prints and appends to bench/results/tiled-vs-whole.jsonl the two
 * verdicts, how far apart the two ngspice solutions are, and the timings. Opt-in (minutes):
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/tiled-vs-whole.ts \
 *         [--model cellnn-mnist] [--layer up1.block1] [--side 7] [--at 3] [--tile 4x4] \
 *         [--max-step 3e-3] [--timeout 3600]
 *
 * The window is a layer in its own right (goldenWindowLayer: the layer's templates and fixed
 * boundary on a smaller grid). --side 14 --at 0 is the whole 16×14×14 up1.block1, which ngspice
 * does not finish as one netlist here (docs/export.md); the default test run checks a 4×4 window
 * with 2×2 tiles (test/cosim/layerCosim.test.ts).
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { cosimLayer, type LayerCosimResult } from "../src/cosim/layerCosim.js";
import { parseTileSize } from "../src/cosim/tiles.js";
import { goldenWindowLayer } from "../src/trained/crop.js";
import { loadExport } from "../src/trained/exportDir.js";

const o = new Command("tiled-vs-whole")
  .option("--model <name>", "fixture under test/fixtures/models", "cellnn-mnist")
  .option("--layer <name>", "cellular layer", "up1.block1")
  .option("--side <n>", "window side (cells)", "7")
  .option("--at <n>", "window origin (row = column)", "3")
  .option("--tile <RxC>", "tile size of the tiled run", "4x4")
  .option("--max-step <tau>", "ngspice step cap (τ)", "3e-3")
  .option("--jobs <n>", "ngspice processes at a time in the tiled run", "2")
  .option("--timeout <s>", "seconds one ngspice run may take", "3600")
  .option("--out <file>", "JSONL to append to", "bench/results/tiled-vs-whole.jsonl")
  .parse()
  .opts();

const side = Number(o.side);
const at = Number(o.at);
const model = join("test/fixtures/models", o.model);
const array = goldenWindowLayer(loadExport(model), o.layer, {
  rows: side,
  cols: side,
  row0: at,
  col0: at,
});
const env = benchEnvironment(
  `npx tsx scripts/tiled-vs-whole.ts ${process.argv.slice(2).join(" ")}`,
);
const settings = {
  T: 1,
  points: 200,
  ngspice: {
    inputForm: "folded" as const,
    maxStep: Number(o.maxStep),
    timeoutMs: Number(o.timeout) * 1000,
  },
};
const summary = (r: LayerCosimResult) => ({
  pass: r.verdict.pass,
  failed: r.verdict.failed,
  tiles: r.tiles.length,
  failingTiles: r.tiles.filter((t) => !t.pass).map((t) => t.name),
  maxAbs: r.overall.maxAbs,
  rms: r.overall.rms,
  finalRelative: r.overall.finalRelative,
  ngspiceSeconds: {
    sum: r.ngspiceWallTimeMs.sum / 1e3,
    elapsed: r.ngspiceWallTimeMs.elapsed / 1e3,
  },
  cellspiceSeconds: r.cellspiceWallTimeMs / 1e3,
});

const loadBefore = loadAverage();
process.stderr.write(`whole: ${array.channels}×${side}×${side} cells as one netlist …\n`);
const whole = await cosimLayer(array, { ...settings, jobs: 1 });
process.stderr.write(`tiled: ${o.tile} tiles …\n`);
const tiled = await cosimLayer(array, {
  ...settings,
  jobs: Number(o.jobs),
  tile: parseTileSize(o.tile),
});
let apart = 0;
for (let k = 0; k < whole.ngspice.x.length; k++)
  apart = Math.max(apart, Math.abs(whole.ngspice.x[k] - tiled.ngspice.x[k]));
const row = {
  ...env,
  loadBefore,
  loadAfter: loadAverage(),
  model: o.model,
  layer: o.layer,
  window: { side, at },
  cells: array.channels * side * side,
  tile: o.tile,
  maxStep: settings.ngspice.maxStep,
  whole: summary(whole),
  tiled: summary(tiled),
  tiledVsWholeNgspiceMaxAbs: apart,
  tolerance: whole.verdict.tolerances.maxAbs,
  agree: apart < whole.verdict.tolerances.maxAbs && whole.verdict.pass && tiled.verdict.pass,
};
mkdirSync(dirname(o.out), { recursive: true });
appendFileSync(o.out, `${JSON.stringify(row)}\n`);
console.log(JSON.stringify(row, null, 1));
process.exitCode = row.agree ? 0 : 1;
