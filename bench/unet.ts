/**
 * One UNet forward (src/unet unetForward) per fixture and layer engine, at batch 1 and 16: the
 * numbers of docs/unet.md. Runs the compiled code in dist/ (what the CLI runs; tsx's
 * closure-naming helper would add its own overhead to the memristor model's hot loop), so build
 * first. Rows go to bench/results/unet.jsonl.
 *
 *     npm run build && flock /tmp/cellspice-cpu.lock npx tsx bench/unet.ts \
 *         [--fixtures conv-mnist,cellnn-mnist,mcellnn-mnist] [--engines trained,cell]
 *         [--batches 1,16] [--budget-s 120]
 *
 * A case whose predicted time (the batch-1 time of the same fixture and engine × batch) exceeds
 * --budget-s is skipped and says so; elements of a batch are solved one after another.
 */
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { timeRepeated } from "../src/bench/measure.js";

type UnetModule = typeof import("../src/unet/index.js");

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench/results/unet.jsonl");
const COMPILED = join(ROOT, "dist/src/unet/index.js");

const program = new Command()
  .option("--fixtures <list>", "fixtures", "conv-mnist,cellnn-mnist,mcellnn-mnist")
  .option("--engines <list>", "layer engines", "trained,cell")
  .option("--batches <list>", "batch sizes", "1,16")
  .option("--budget-s <s>", "skip a case predicted to take longer", "120")
  .parse();
const o = program.opts<{ fixtures: string; engines: string; batches: string; budgetS: string }>();

if (!existsSync(COMPILED)) {
  console.error(`${COMPILED} is missing: run \`npm run build\` first`);
  process.exit(2);
}
const unetModule: UnetModule = await import(pathToFileURL(COMPILED).href);
const { cellEngine, loadUnet, trainedEngine, unetForward } = unetModule;

const runId = new Date().toISOString();
const env = benchEnvironment(`npx tsx bench/unet.ts ${process.argv.slice(2).join(" ")}`.trim());
const budgetMs = Number(o.budgetS) * 1000;
mkdirSync(dirname(RESULTS), { recursive: true });

for (const fixture of o.fixtures.split(",")) {
  const unet = loadUnet(join(ROOT, "test/fixtures/models", fixture));
  const xStart = unet.golden?.get("ddim.x_T")?.data;
  if (!xStart) throw new Error(`${fixture}: golden ddim.x_T missing`);
  const per = unet.inChannels * unet.imageSize * unet.imageSize;
  const engines = o.engines.split(",").filter((e) => e === "trained" || unet.backbone !== "conv");
  for (const engineName of engines) {
    const engine = engineName === "cell" ? cellEngine() : trainedEngine();
    let batch1Ms: number | undefined;
    for (const batch of o.batches.split(",").map(Number)) {
      const predicted = batch1Ms === undefined ? undefined : batch1Ms * batch;
      if (predicted !== undefined && predicted > budgetMs) {
        console.log(
          `${fixture} ${engineName} batch ${batch}: skipped (predicted ${(predicted / 1000).toFixed(0)} s > --budget-s)`,
        );
        continue;
      }
      // Batch element k: the trajectory's start sample k mod 4, class k mod 10, t = 0.5.
      const x = new Float64Array(batch * per);
      for (let k = 0; k < batch; k++)
        x.set(xStart.subarray((k % 4) * per, ((k % 4) + 1) * per), k * per);
      const c = Int32Array.from({ length: batch }, (_, k) => k % unet.nClasses);
      const t = new Float64Array(batch).fill(0.5);
      const drop = new Float64Array(batch);
      const slow = (batch1Ms ?? 0) * batch > 20_000;
      const load = loadAverage();
      const { timing } = await timeRepeated(() => unetForward(unet, x, c, t, drop, engine), {
        warmups: slow ? 0 : 1,
        minRepeats: slow ? 1 : 3,
        maxRepeats: slow ? 1 : 7,
        minTotalMs: 2000,
      });
      if (batch === 1) batch1Ms = timing.medianMs;
      const row = {
        runId,
        suite: "unet-forward",
        fixture,
        backbone: unet.backbone,
        layerEngine: engineName,
        engineSettings: engine.describe(),
        batch,
        msPerForward: timing.medianMs,
        msPerForwardMin: timing.minMs,
        msPerImage: timing.medianMs / batch,
        repeats: timing.repeats,
        warmups: timing.warmups,
        load,
        env,
        date: new Date().toISOString(),
      };
      appendFileSync(RESULTS, `${JSON.stringify(row)}\n`);
      console.log(
        `${fixture} ${engineName} batch ${batch}: ${timing.medianMs.toFixed(1)} ms per forward (min ${timing.minMs.toFixed(1)}), ${(timing.medianMs / batch).toFixed(1)} ms per image, load ${load.toFixed(2)}`,
      );
    }
  }
}
