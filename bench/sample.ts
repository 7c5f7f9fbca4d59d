/**
 * Sampling speed: time per image-forward of the guided UNet and images per second of a DDIM
 * run, per fixture and layer engine, side by side with PyTorch on the CPU in the same run on the
 * same machine (bench/sample_torch.py drives training/'s model on the same export, float32, with
 * torch.set_num_threads(1) and (2)). Rows go to bench/results/sample.jsonl; docs/performance.md
 * ("Sampling") has the table.
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx bench/sample.ts \
 *         [--cases cellnn-mnist:trained:64,cellnn-mnist:trained:64:float32,cellnn-mnist:cell:8,mcellnn-mnist:trained:16]
 *         [--n 10] [--steps 10] [--w 2] [--threads 1] [--torch-threads 1,2] [--repeats 3]
 *         [--digital case|float64|float32]
 *
 * A case is fixture:engine:batch. An image-forward is one image through the network: a guided
 * pass over a batch of B samples is 2B image-forwards. Each case times the guided pass (one
 * warm-up, then `repeats`) and, when `n` > 0, a DDIM run of n samples (`steps` steps) in
 * batches of B; PyTorch does the same for every fixture and batch of the cases. cellspice runs on
 * one JavaScript thread, or with `--threads N` (a list such as 1,2 runs each) its cellular layers'
 * batches on N worker threads (parallelEngine, src/unet/engines/parallel.ts; 1: in-process).
 * The digital 3×3 convolutions run in the case's precision (`--digital` overrides it; the row's
 * engineSettings.digitalPrecision records it).
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { timeRepeated } from "../src/bench/measure.js";
import {
  ddimSong2021,
  ddpmSchedule,
  drawSamples,
  guidedEps,
  seededNoise,
} from "../src/diffusion/index.js";
import {
  cellEngine,
  type LayerEngine,
  loadUnet,
  type ParallelEngine,
  parallelEngine,
  trainedEngine,
  unetForward,
} from "../src/unet/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench/results/sample.jsonl");

interface SampleBenchRow {
  runId: string;
  suite: "sample";
  fixture: string;
  backbone: string;
  /** "cellspice" or "pytorch". */
  implementation: string;
  /** cellspice's layer engine; PyTorch: the training solver. */
  layerEngine: string;
  engineSettings: Record<string, unknown>;
  threads: number;
  batch: number;
  msPerImageForward: number;
  passMsMedian: number;
  passMsMin: number;
  repeats: number;
  /** Images per second of a DDIM run of `n` samples, `steps` steps, guidance w (null: not run). */
  imagesPerS: number | null;
  n: number;
  steps: number;
  w: number;
  load: number;
  env: ReturnType<typeof benchEnvironment>;
  date: string;
  torch?: string;
}

const program = new Command("bench-sample")
  .option(
    "--cases <list>",
    "fixture:engine:batch[:float64|float32], comma-separated (the last: the engine's precision)",
    "cellnn-mnist:trained:64,cellnn-mnist:cell:8,mcellnn-mnist:trained:16",
  )
  .option("--n <n>", "samples of the timed DDIM run (0: none)", "10")
  .option("--steps <n>", "DDIM steps of the timed run", "10")
  .option("--w <w>", "guidance weight", "2")
  .option("--threads <list>", "cellspice worker threads per case (1: in-process)", "1")
  .option("--torch-threads <list>", "PyTorch thread counts", "1,2")
  .option("--repeats <n>", "timed guided passes after one warm-up", "3")
  .option(
    "--digital <p>",
    "the digital 3×3 convolutions' precision: float64, float32, or case (the case's precision)",
    "case",
  )
  .option("--dry", "print the rows, do not append them");
program.parse();
const o = program.opts<{
  cases: string;
  n: string;
  steps: string;
  w: string;
  threads: string;
  torchThreads: string;
  repeats: string;
  digital: string;
  dry?: boolean;
}>();
if (!["float64", "float32", "case"].includes(o.digital))
  throw new Error(`--digital: got ${JSON.stringify(o.digital)}; float64, float32 or case`);
const n = Number(o.n);
const steps = Number(o.steps);
const w = Number(o.w);
const repeats = Number(o.repeats);
const threadCounts = o.threads.split(",").map(Number);
for (const t of threadCounts)
  if (!(Number.isInteger(t) && t >= 1))
    throw new Error(`--threads ${o.threads}: expected integers ≥ 1`);
const runId = new Date().toISOString();
const env = benchEnvironment(`npx tsx bench/sample.ts ${process.argv.slice(2).join(" ")}`.trim());
const cases = o.cases.split(",").map((c) => {
  const [fixture, engine, batch, precision = "float64"] = c.split(":");
  if (
    !fixture ||
    !["trained", "cell"].includes(engine) ||
    !(Number(batch) >= 1) ||
    !["float64", "float32"].includes(precision)
  )
    throw new Error(`case ${c}: expected fixture:trained|cell:batch[:float64|float32]`);
  return { fixture, engine, batch: Number(batch), precision: precision as "float64" | "float32" };
});

function emit(row: SampleBenchRow): void {
  const line = JSON.stringify(row);
  process.stdout.write(
    `${row.fixture}  ${row.implementation}/${row.layerEngine}  threads ${row.threads}  batch ${row.batch}: ${row.msPerImageForward.toFixed(2)} ms per image-forward, ${row.imagesPerS == null || Number.isNaN(row.imagesPerS) ? "-" : row.imagesPerS.toFixed(2)} images/s (load ${row.load.toFixed(2)})\n`,
  );
  if (!o.dry) {
    mkdirSync(dirname(RESULTS), { recursive: true });
    appendFileSync(RESULTS, `${line}\n`);
  }
}

const torchDone = new Set<string>();
for (const { fixture, engine: name, batch, precision } of cases) {
  const dir = join(ROOT, "test/fixtures/models", fixture);
  const unet = loadUnet(dir, { golden: false });
  const schedule = ddpmSchedule(unet.nT, unet.betas);
  const image = { channels: unet.inChannels, rows: unet.imageSize, cols: unet.imageSize };
  const pixels = image.channels * image.rows * image.cols;
  const classes = Array.from({ length: unet.nClasses }, (_, c) => c);
  const perClass = Math.ceil(n / unet.nClasses);
  const runIds = classes.flatMap((cls) =>
    Array.from({ length: perClass }, (_, index) => ({ cls, index })),
  );
  for (const threads of threadCounts) {
    const parallel: ParallelEngine | undefined =
      threads === 1
        ? undefined
        : parallelEngine(
            name === "cell"
              ? { kind: "cell", options: { precision } }
              : { kind: "trained", options: { precision } },
            { threads },
          );
    const engine: LayerEngine =
      parallel ?? (name === "cell" ? cellEngine({ precision }) : trainedEngine({ precision }));
    await parallel?.ready();
    const digital = (o.digital === "case" ? precision : o.digital) as "float64" | "float32";
    const network = (x: Float64Array, c: Int32Array, t: Float64Array, drop: Float64Array) =>
      unetForward(unet, x, c, t, drop, engine, { precision: digital });
    const ids = Array.from({ length: batch }, (_, k) => ({ cls: k % unet.nClasses, index: k }));
    const x = seededNoise(0, ids, pixels).x_T(0, batch);
    const c = Int32Array.from(ids, (s) => s.cls);
    const eps = guidedEps(network, c, w, unet.nT);
    const { timing } = await timeRepeated(() => eps(x, 200, batch), {
      warmups: 1,
      minRepeats: repeats,
      maxRepeats: repeats,
      minTotalMs: 0,
    });
    const perPass = batch * (w === 0 ? 1 : 2);
    let sampleS = Number.NaN;
    if (n > 0) {
      const start = performance.now();
      await drawSamples({
        sampler: ddimSong2021,
        network,
        schedule,
        classes,
        perClass,
        image,
        w,
        steps,
        noise: seededNoise(0, runIds, pixels),
        batch,
      });
      sampleS = (performance.now() - start) / 1000;
    }
    await parallel?.close();
    emit({
      runId,
      suite: "sample",
      fixture,
      backbone: unet.backbone,
      implementation: "cellspice",
      layerEngine: engine.name,
      engineSettings: { ...engine.describe(), digitalPrecision: digital },
      threads,
      batch,
      msPerImageForward: timing.medianMs / perPass,
      passMsMedian: timing.medianMs,
      passMsMin: timing.minMs,
      repeats: timing.repeats,
      imagesPerS: n > 0 ? runIds.length / sampleS : null,
      n: n > 0 ? runIds.length : 0,
      steps,
      w,
      load: loadAverage(),
      env,
      date: new Date().toISOString(),
    });
  }
  if (torchDone.has(`${fixture}:${batch}`)) continue;
  torchDone.add(`${fixture}:${batch}`);
  for (const threads of o.torchThreads.split(",").map(Number)) {
    const out = execFileSync(
      "python3",
      [
        join(ROOT, "bench/sample_torch.py"),
        dir,
        "--threads",
        String(threads),
        "--batch",
        String(batch),
        "--steps",
        String(steps),
        "--w",
        String(w),
        "--n",
        String(n > 0 ? runIds.length : 0),
        "--repeats",
        String(repeats),
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    );
    const py = JSON.parse(out) as {
      torch: string;
      threads: number;
      msPerImageForward: number;
      passMsMedian: number;
      passMsMin: number;
      repeats: number;
      imagesPerS: number;
      n: number;
    };
    const solver = unet.cellLayers[0]?.spec.cell.solver;
    emit({
      runId,
      suite: "sample",
      fixture,
      backbone: unet.backbone,
      implementation: "pytorch",
      layerEngine: "trained",
      engineSettings: { solver, dtype: "float32" },
      threads: py.threads,
      batch,
      msPerImageForward: py.msPerImageForward,
      passMsMedian: py.passMsMedian,
      passMsMin: py.passMsMin,
      repeats: py.repeats,
      imagesPerS: py.imagesPerS,
      n: py.n,
      steps,
      w,
      load: loadAverage(),
      env,
      date: new Date().toISOString(),
      torch: py.torch,
    });
  }
}
