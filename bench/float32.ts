/**
 * The float32 correlation in co-simulation: every cellular layer of both fixtures, a 4 × 4 (default)
 * window of its golden input (every channel), co-simulated against ngspice twice — cellspice in
 * float64 and with `precision: "float32"` (A ⋆ f(x) summed in float32 by the f32x4 kernel, the
 * rest float64) — with the same netlist, tolerances and report times. Rows (verdicts, Δx against
 * ngspice, the float32 solution against the float64 one, cellspice's wall time) go to
 * bench/results/float32.jsonl; docs/performance.md ("float32 in co-simulation") has the table.
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx bench/float32.ts [--side 4]
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { LAYER_DEFAULTS } from "../src/cli/commands/cosimLayer.js";
import { cosimLayer } from "../src/cosim/layerCosim.js";
import { goldenWindowLayer } from "../src/trained/crop.js";
import { loadExport } from "../src/trained/exportDir.js";

const OUT = "bench/results/float32.jsonl";
const args = process.argv.slice(2);
const side = args.includes("--side") ? Number(args[args.indexOf("--side") + 1]) : 4;
if (!(Number.isInteger(side) && side >= 1)) throw new Error(`--side ${side}: a positive integer`);
const env = benchEnvironment(`npx tsx bench/float32.ts ${args.join(" ")}`.trim());
mkdirSync(dirname(OUT), { recursive: true });

for (const fixture of ["cellnn-mnist", "mcellnn-mnist"]) {
  const exp = loadExport(`test/fixtures/models/${fixture}`);
  for (const spec of exp.manifest.cell_layers) {
    const h = spec.height ?? exp.manifest.architecture.image_size;
    const w = spec.width ?? exp.manifest.architecture.image_size;
    const rows = Math.min(side, h);
    const cols = Math.min(side, w);
    const array = goldenWindowLayer(exp, spec.name, {
      rows,
      cols,
      row0: Math.floor((h - rows) / 2),
      col0: Math.floor((w - cols) / 2),
    });
    const settings = {
      T: spec.cell.T,
      points: LAYER_DEFAULTS.points,
      ngspice: {
        inputForm: LAYER_DEFAULTS.inputForm,
        maxStep: LAYER_DEFAULTS.maxStep,
        timeoutMs: 900_000,
      },
    };
    const f64 = await cosimLayer(array, settings);
    const f32 = await cosimLayer(array, { ...settings, typescript: { precision: "float32" } });
    let apart = 0;
    for (let k = 0; k < f64.cellspice.x.length; k++)
      apart = Math.max(apart, Math.abs(f64.cellspice.x[k] - f32.cellspice.x[k]));
    const row = {
      suite: "float32-cosim",
      fixture,
      layer: spec.name,
      window: [array.channels, rows, cols],
      memristor: array.memristor?.model.name ?? null,
      T: spec.cell.T,
      tolerances: f64.verdict.tolerances,
      float64: {
        pass: f64.verdict.pass,
        maxAbs: f64.overall.maxAbs,
        cellspiceMs: f64.cellspiceWallTimeMs,
      },
      float32: {
        pass: f32.verdict.pass,
        maxAbs: f32.overall.maxAbs,
        cellspiceMs: f32.cellspiceWallTimeMs,
      },
      float32VsFloat64MaxAbs: apart,
      ...env,
      load: loadAverage(),
    };
    appendFileSync(OUT, `${JSON.stringify(row)}\n`);
    process.stdout.write(
      `| ${fixture} | ${spec.name} | ${array.channels}×${rows}×${cols} | ${f64.verdict.pass ? "PASS" : "FAIL"} ${f64.overall.maxAbs.toExponential(2)} | ${f32.verdict.pass ? "PASS" : "FAIL"} ${f32.overall.maxAbs.toExponential(2)} | ${apart.toExponential(2)} |\n`,
    );
  }
}
