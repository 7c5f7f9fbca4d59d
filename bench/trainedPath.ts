/**
 * The trained engine's paths side by side on every cellular layer of both fixtures, in one
 * process and interleaved (so a shared machine's load hits all alike): `reference`
 * (createCellSystem + solve), `fused` (fusedFixedStep, same bits) and `fused` at precision
 * float32; with --cell also the cell engine (adaptive, rtol 1e-6): its reference path
 * (createCellSystem + solve) and its fused DOPRI5 in float64 and float32. Rows
 * (kind "layer"; float32 paths with their max |Δy| against float64 over every layer) go to
 * bench/results/kernel.jsonl; docs/performance.md ("Kernel").
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx bench/trainedPath.ts [--batch 4] [--rounds 5]
 *         [--cell] [--fixtures cellnn-mnist,mcellnn-mnist]
 *
 * Each layer runs on its golden input (batch element 0) repeated `batch` times; a round times
 * each path once per layer; the best round per path and layer is kept. ms per image = the sum
 * over the fixture's cellular layers of (best time / batch): the cellular part of one forward.
 */
import { appendFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { cellEngine, type LayerEngine, loadUnet, trainedEngine } from "../src/unet/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench/results/kernel.jsonl");
const o = new Command()
  .option("--batch <n>", "batch elements per layer run", "4")
  .option("--rounds <n>", "timed rounds", "5")
  .option("--cell", "also the cell engine (rtol 1e-6): reference path, fused float64 and float32")
  .option("--fixtures <list>", "comma-separated fixtures", "cellnn-mnist,mcellnn-mnist")
  .parse()
  .opts<{ batch: string; rounds: string; cell?: boolean; fixtures: string }>();
const batch = Number(o.batch);
const runId = new Date().toISOString();
const env = benchEnvironment(
  `npx tsx bench/trainedPath.ts ${process.argv.slice(2).join(" ")}`.trim(),
);
const engines: Record<string, LayerEngine> = {
  reference: trainedEngine({ path: "reference" }),
  fused: trainedEngine({ path: "fused" }),
  "fused-float32": trainedEngine({ precision: "float32" }),
};
if (o.cell) {
  engines["cell-reference"] = cellEngine({ path: "reference" });
  engines.cell = cellEngine();
  engines["cell-float32"] = cellEngine({ precision: "float32" });
}
/** Pairs whose outputs are compared (max |Δy| over every layer, first round). */
const PAIRS = [
  ["fused", "fused-float32"],
  ["cell-reference", "cell"],
  ["cell", "cell-float32"],
];

for (const fixture of o.fixtures.split(",")) {
  const unet = loadUnet(join(ROOT, "test/fixtures/models", fixture));
  const best = new Map<string, number>();
  const apart = new Map<string, number>();
  const loads: number[] = [];
  for (let round = -1; round < Number(o.rounds); round++) {
    loads.push(loadAverage());
    for (const layer of unet.cellLayers) {
      const g = unet.golden!.get(`layers.${layer.spec.name}.input`)!;
      const [, channels, rows, cols] = g.shape;
      const per = channels * rows * cols;
      const u = new Float64Array(batch * per);
      for (let k = 0; k < batch; k++) u.set(g.data.subarray(0, per), k * per);
      const outputs = new Map<string, Float64Array>();
      for (const [path, engine] of Object.entries(engines)) {
        const t = performance.now();
        const { y } = engine.run(layer, u, { batch, channels, rows, cols });
        const ms = performance.now() - t;
        if (round === -1) outputs.set(path, y);
        const key = `${path} ${layer.spec.name}`;
        if (round >= 0) best.set(key, Math.min(ms, best.get(key) ?? Number.POSITIVE_INFINITY));
      }
      for (const [a, b] of PAIRS) {
        const [ya, yb] = [outputs.get(a), outputs.get(b)];
        if (!ya || !yb) continue;
        let d = apart.get(b) ?? 0;
        for (let m = 0; m < ya.length; m++) d = Math.max(d, Math.abs(ya[m] - yb[m]));
        apart.set(b, d);
      }
    }
  }
  for (const path of Object.keys(engines)) {
    let msPerImage = 0;
    for (const layer of unet.cellLayers)
      msPerImage += best.get(`${path} ${layer.spec.name}`)! / batch;
    const row = {
      runId,
      suite: "kernel",
      kind: "layer",
      fixture,
      path,
      batch,
      rounds: Number(o.rounds),
      cellularMsPerImage: msPerImage,
      ...(apart.has(path) ? { maxAbsOutputVsFloat64: apart.get(path) } : {}),
      load: Math.max(...loads),
      env,
    };
    const d = apart.has(path) ? `, max |Δy| vs float64 ${apart.get(path)!.toExponential(2)}` : "";
    console.log(`${fixture} ${path}: ${msPerImage.toFixed(2)} ms per image (cellular layers)${d}`);
    appendFileSync(RESULTS, `${JSON.stringify(row)}\n`);
  }
}
