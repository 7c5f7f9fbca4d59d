/**
 * The `cell` engine against the `trained` one on a cellular fixture: the same class-conditional
 * DDIM run from the same seeded noise with each engine, then the pixel RMSE between the two sets
 * of samples x0 and each set's classifier agreement (docs/sampling.md, "cell against trained").
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/sample-cell-vs-trained.ts \
 *         --fixture cellnn-mnist --per-class 1 --steps 25 --w 2 [--rtol 1e-4 --atol 1e-6] [--method dopri5] \
 *         [--threads 2]
 *
 * Prints one JSON line with the settings, the RMSE, both agreements and the wall times.
 */
import { join } from "node:path";
import { Command } from "commander";
import {
  ddimSong2021,
  ddpmSchedule,
  drawSamples,
  type SampleId,
  seededNoise,
} from "../src/diffusion/index.js";
import { loadLenet } from "../src/metrics/index.js";
import { pixelRmse, scoreSamples } from "../src/report/sampleScores.js";
import {
  type CellEngineOptions,
  cellEngine,
  type LayerEngine,
  loadUnet,
  parallelEngine,
  trainedEngine,
  unetForward,
} from "../src/unet/index.js";

const o = new Command("sample-cell-vs-trained")
  .option("--fixture <name>", "fixture under test/fixtures/models", "cellnn-mnist")
  .option("--classes <n>", "classes 0…n−1", "10")
  .option("--per-class <n>", "samples per class", "5")
  .option("--steps <n>", "DDIM steps", "25")
  .option("--w <w>", "guidance weight", "2")
  .option("--seed <s>", "noise seed", "0")
  .option("--batch <n>", "samples per network batch", "10")
  .option("--rtol <r>", "cell engine rtol (default the engine's)")
  .option("--atol <a>", "cell engine atol (default the engine's)")
  .option("--method <m>", "cell engine solver (default per layer)")
  .option("--threads <n>", "worker threads for the cell engine's batches (same bits as 1)", "1")
  .parse()
  .opts<Record<string, string | undefined>>();

const root = join(import.meta.dirname, "..");
const unet = loadUnet(join(root, "test/fixtures/models", o.fixture as string), { golden: false });
const classes = Array.from({ length: Number(o.classes) }, (_, c) => c);
const perClass = Number(o.perClass);
const steps = Number(o.steps);
const w = Number(o.w);
const ids: SampleId[] = classes.flatMap((cls) =>
  Array.from({ length: perClass }, (_, index) => ({ cls, index })),
);
const pixels = unet.inChannels * unet.imageSize * unet.imageSize;
const cellOptions: CellEngineOptions = {
  ...(o.rtol ? { rtol: Number(o.rtol) } : {}),
  ...(o.atol ? { atol: Number(o.atol) } : {}),
  ...(o.method ? { method: o.method as CellEngineOptions["method"] } : {}),
};
const lenet = loadLenet(join(root, "test/fixtures/models/lenet-mnist.safetensors"));

async function run(engine: LayerEngine) {
  const start = performance.now();
  const r = await drawSamples({
    sampler: ddimSong2021,
    network: (x, c, t, drop) => unetForward(unet, x, c, t, drop, engine),
    schedule: ddpmSchedule(unet.nT, unet.betas),
    classes,
    perClass,
    image: { channels: unet.inChannels, rows: unet.imageSize, cols: unet.imageSize },
    w,
    steps,
    noise: seededNoise(Number(o.seed), ids, pixels),
    batch: Number(o.batch),
  });
  return {
    ...r,
    seconds: (performance.now() - start) / 1000,
    agreement: scoreSamples(r.x0, r.labels, lenet).agreement,
  };
}

const threads = Number(o.threads);
const trained = await run(trainedEngine());
const cellParallel =
  threads > 1 ? parallelEngine({ kind: "cell", options: cellOptions }, { threads }) : undefined;
const cell = await run(cellParallel ?? cellEngine(cellOptions)).finally(() =>
  cellParallel?.close(),
);
process.stdout.write(
  `${JSON.stringify({
    command: `npx tsx scripts/sample-cell-vs-trained.ts ${process.argv.slice(2).join(" ")}`.trim(),
    fixture: o.fixture,
    n: ids.length,
    classes: classes.length,
    perClass,
    steps,
    w,
    seed: Number(o.seed),
    cell: { ...cellEngine(cellOptions).describe(), threads },
    pixelRmse: pixelRmse(cell.x0, trained.x0),
    agreementTrained: trained.agreement.fraction,
    agreementCell: cell.agreement.fraction,
    trainedS: trained.seconds,
    cellS: cell.seconds,
    date: new Date().toISOString(),
  })}\n`,
);
