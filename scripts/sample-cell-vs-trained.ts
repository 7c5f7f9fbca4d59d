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
 *
 * The classes run in groups of one batch (`--batch` / `--per-class` classes each), trained then
 * cell, and each finished group is written to `--checkpoint DIR` (default
 * out/cell-vs-trained/FIXTURE-…): a stopped run started again with the same options skips the
 * groups already there. Samples are independent of the grouping (the noise is drawn per sample,
 * batched forwards equal lone ones), so the result is that of one uninterrupted run.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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
  .option("--checkpoint <dir>", "directory of finished class groups (resumable)")
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

async function run(engine: LayerEngine, group: number[]) {
  const start = performance.now();
  const r = await drawSamples({
    sampler: ddimSong2021,
    network: (x, c, t, drop) => unetForward(unet, x, c, t, drop, engine),
    schedule: ddpmSchedule(unet.nT, unet.betas),
    classes: group,
    perClass,
    image: { channels: unet.inChannels, rows: unet.imageSize, cols: unet.imageSize },
    w,
    steps,
    noise: seededNoise(
      Number(o.seed),
      ids.filter((id) => group.includes(id.cls)),
      pixels,
    ),
    batch: Number(o.batch),
  });
  return { x0: r.x0, labels: r.labels, seconds: (performance.now() - start) / 1000 };
}

interface GroupResult {
  key: string;
  classes: number[];
  trained: number[];
  cell: number[];
  labels: number[];
  trainedS: number;
  cellS: number;
}

const threads = Number(o.threads);
const key = JSON.stringify({
  fixture: o.fixture,
  perClass,
  steps,
  w,
  seed: Number(o.seed),
  cell: cellEngine(cellOptions).describe(),
});
const dir =
  o.checkpoint ??
  join(root, "out/cell-vs-trained", `${o.fixture}-n${perClass}-s${steps}-w${w}-seed${o.seed}`);
mkdirSync(dir, { recursive: true });
const perGroup = Math.max(1, Math.floor(Number(o.batch) / perClass));
const groups: number[][] = [];
for (let c = 0; c < classes.length; c += perGroup) groups.push(classes.slice(c, c + perGroup));

const cellParallel =
  threads > 1 ? parallelEngine({ kind: "cell", options: cellOptions }, { threads }) : undefined;
const results: GroupResult[] = [];
try {
  for (const [g, group] of groups.entries()) {
    const file = join(dir, `classes-${group[0]}-${group[group.length - 1]}.json`);
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, "utf8")) as GroupResult;
      if (saved.key !== key)
        throw new Error(
          `${file} was written with other settings (${saved.key}); use another --checkpoint or remove it`,
        );
      results.push(saved);
      process.stderr.write(`group ${g + 1}/${groups.length} (classes ${group.join(",")}): kept\n`);
      continue;
    }
    const trained = await run(trainedEngine(), group);
    const cell = await run(cellParallel ?? cellEngine(cellOptions), group);
    const result: GroupResult = {
      key,
      classes: group,
      trained: Array.from(trained.x0),
      cell: Array.from(cell.x0),
      labels: Array.from(trained.labels),
      trainedS: trained.seconds,
      cellS: cell.seconds,
    };
    writeFileSync(`${file}.part`, JSON.stringify(result));
    renameSync(`${file}.part`, file);
    results.push(result);
    process.stderr.write(
      `group ${g + 1}/${groups.length} (classes ${group.join(",")}): trained ${trained.seconds.toFixed(0)} s, cell ${cell.seconds.toFixed(0)} s\n`,
    );
  }
} finally {
  await cellParallel?.close();
}

const joined = (pick: (r: GroupResult) => number[]) => Float64Array.from(results.flatMap(pick));
const labels = Int32Array.from(results.flatMap((r) => r.labels));
const trainedX0 = joined((r) => r.trained);
const cellX0 = joined((r) => r.cell);
const trained = {
  x0: trainedX0,
  seconds: results.reduce((s, r) => s + r.trainedS, 0),
  agreement: scoreSamples(trainedX0, labels, lenet).agreement,
};
const cell = {
  x0: cellX0,
  seconds: results.reduce((s, r) => s + r.cellS, 0),
  agreement: scoreSamples(cellX0, labels, lenet).agreement,
};
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
