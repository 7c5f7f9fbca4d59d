/**
 * Where the trained forward's time goes on this machine, beyond bench/sample.ts's totals
 * (docs/performance.md, "Sampling"). Prints one JSON line per measurement.
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/forward-diagnostics.ts contention \
 *         [--fixture cellnn-mnist] [--layer up1.block1] [--batch 16] [--repeats 60]
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/forward-diagnostics.ts gelu
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/forward-diagnostics.ts alloc
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/forward-diagnostics.ts roundtrip
 *     [GLIBC_TUNABLES=…] flock /tmp/cellspice-cpu.lock npx tsx scripts/forward-diagnostics.ts forward [--fixture F] [--threads N] [--digital float32]
 *
 * `contention`: one cellular layer (the trained engine, float32) on a batch made of its golden
 * input. It is timed in-process alone; then in two processes started together (do two cores
 * give two layers' worth of throughput?); then on parallelEngine's two threads (the calling
 * one and a worker, half the batch each: what the second thread gains with its hand-off).
 * `gelu`: geluInPlace per element on 2^20 values, a smooth sweep of [−3, 3] and standard normal
 * ones.
 * `alloc`: a fresh 400 KB Float64Array (allocated and filled) against filling a reused one.
 * `roundtrip`: a message to a worker thread and its reply (postMessage there, Atomics.notify
 * back, as parallelThreads.ts waits), median and 90th percentile of 200.
 * `forward`: the trained engine's float32 UNet forward, batch 16, ms per image (best and all of
 * five rounds of ten), e.g. with and without GLIBC_TUNABLES in the environment.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { Command } from "commander";
import { seededRandom } from "../src/core/random.js";
import { geluInPlace } from "../src/nn/gelu.js";
import { loadUnet, parallelEngine, trainedEngine, unetForward } from "../src/unet/index.js";

const root = join(import.meta.dirname, "..");
const program = new Command("forward-diagnostics");

function layerCase(fixture: string, layerName: string, batch: number) {
  const unet = loadUnet(join(root, "test/fixtures/models", fixture));
  const layer = unet.cellLayers.find((l) => l.spec.name === layerName);
  if (!layer) throw new Error(`${fixture} has no cellular layer ${layerName}`);
  const g = unet.golden?.get(`layers.${layerName}.input`);
  if (!g) throw new Error(`${fixture}: golden layers.${layerName}.input missing`);
  const [n, channels, rows, cols] = g.shape;
  const per = channels * rows * cols;
  const u = new Float64Array(batch * per);
  for (let k = 0; k < batch; k++)
    u.set(g.data.subarray((k % n) * per, ((k % n) + 1) * per), k * per);
  return { layer, u, shape: { batch, channels, rows, cols } };
}

/** ms per run of `run`, after 20 warm-up runs (a worker thread compiles its own code). */
function timeRuns(run: () => void, repeats: number): number {
  for (let i = 0; i < 20; i++) run();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) run();
  return (performance.now() - t0) / repeats;
}

program
  .command("contention")
  .option("--fixture <name>", "fixture", "cellnn-mnist")
  .option("--layer <name>", "cellular layer", "up1.block1")
  .option("--batch <n>", "batch", "16")
  .option("--repeats <n>", "timed runs", "60")
  .option("--alone", "only the in-process timing (what each of the two processes runs)")
  .action(
    async (o: {
      fixture: string;
      layer: string;
      batch: string;
      repeats: string;
      alone?: boolean;
    }) => {
      const { layer, u, shape } = layerCase(o.fixture, o.layer, Number(o.batch));
      const engine = trainedEngine({ precision: "float32" });
      const alone = timeRuns(() => engine.run(layer, u, shape), Number(o.repeats));
      if (o.alone) {
        process.stdout.write(`${alone}\n`);
        return;
      }
      const args = [...process.execArgv, process.argv[1], "contention", "--alone"];
      for (const k of ["fixture", "layer", "batch", "repeats"] as const) args.push(`--${k}`, o[k]);
      const child = () =>
        new Promise<number>((resolve, reject) => {
          const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
          let out = "";
          p.stdout.on("data", (d) => {
            out += d;
          });
          p.on("error", reject);
          p.on("exit", (code) =>
            code === 0 ? resolve(Number(out.trim())) : reject(new Error(`child exited ${code}`)),
          );
        });
      const together = await Promise.all([child(), child()]);
      const two = parallelEngine(
        { kind: "trained", options: { precision: "float32" } },
        { threads: 2 },
      );
      await two.ready();
      const twoThreads = timeRuns(() => two.run(layer, u, shape), Number(o.repeats));
      await two.close();
      process.stdout.write(
        `${JSON.stringify({
          measure: "contention",
          fixture: o.fixture,
          layer: o.layer,
          batch: shape.batch,
          msAlone: alone,
          msEachOfTwoProcesses: together,
          msTwoThreads: twoThreads,
          date: new Date().toISOString(),
        })}\n`,
      );
    },
  );

program.command("gelu").action(() => {
  const n = 1 << 20;
  const rand = seededRandom(1);
  const smooth = Float64Array.from({ length: n }, (_, i) => -3 + (6 * i) / (n - 1));
  const normal = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const phi = 2 * Math.PI * rand();
    normal[i] = r * Math.cos(phi);
    normal[i + 1] = r * Math.sin(phi);
  }
  const work = new Float64Array(n);
  const ns = (x: Float64Array) => {
    // includes copying the input back in before each pass
    const ms = timeRuns(() => {
      work.set(x);
      geluInPlace(work);
    }, 20);
    return (ms * 1e6) / n;
  };
  process.stdout.write(
    `${JSON.stringify({ measure: "gelu", values: n, nsPerElementSmooth: ns(smooth), nsPerElementNormal: ns(normal), date: new Date().toISOString() })}\n`,
  );
});

program.command("alloc").action(() => {
  const n = 50_176; // 400 KB: a 16-channel 14×14 layer output of batch 16
  const reused = new Float64Array(n);
  const us = (run: () => void) => timeRuns(run, 400) * 1000;
  process.stdout.write(
    `${JSON.stringify({
      measure: "alloc",
      bytes: 8 * n,
      usFreshFilled: us(() => new Float64Array(n).fill(1)),
      usReusedFilled: us(() => reused.fill(1)),
      glibcTunables: process.env.GLIBC_TUNABLES ?? null,
      date: new Date().toISOString(),
    })}\n`,
  );
});

program.command("roundtrip").action(async () => {
  const control = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(
    `const { workerData } = require("node:worker_threads");
const c = new Int32Array(workerData.control);
workerData.port.on("message", (m) => { workerData.port.postMessage(m); Atomics.add(c, 0, 1); Atomics.notify(c, 0); });`,
    { eval: true, workerData: { control: control.buffer, port: port2 }, transferList: [port2] },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const ms: number[] = [];
  for (let i = 0; i < 220; i++) {
    const target = Atomics.load(control, 0) + 1;
    const t0 = performance.now();
    port1.postMessage({ i });
    while (Atomics.load(control, 0) < target) Atomics.wait(control, 0, target - 1, 10);
    receiveMessageOnPort(port1);
    if (i >= 20) ms.push(performance.now() - t0);
  }
  await worker.terminate();
  ms.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({ measure: "roundtrip", msMedian: ms[100], msP90: ms[180], date: new Date().toISOString() })}\n`,
  );
});

program
  .command("forward")
  .option("--fixture <name>", "fixture", "cellnn-mnist")
  .option("--threads <n>", "threads (parallelEngine when more than 1)", "1")
  .option(
    "--digital <p>",
    "the digital convolutions' precision: float64 (as the rows so far) or float32 (as bench/sample.ts's float32 cases)",
    "float64",
  )
  .action(async (o: { fixture: string; threads: string; digital: string }) => {
    if (o.digital !== "float64" && o.digital !== "float32")
      throw new Error(`--digital: float64 or float32, got ${o.digital}`);
    const digital = { precision: o.digital as "float64" | "float32" };
    const unet = loadUnet(join(root, "test/fixtures/models", o.fixture));
    const n = 16;
    const H = unet.imageSize;
    const x = new Float64Array(n * unet.inChannels * H * H).map((_, k) => Math.sin(0.37 * k));
    const c = Int32Array.from({ length: n }, (_, k) => k % unet.nClasses);
    const t = Float64Array.from({ length: n }, (_, k) => 0.05 + 0.06 * k);
    const drop = new Float64Array(n);
    const threads = Number(o.threads);
    const parallel =
      threads > 1
        ? parallelEngine({ kind: "trained", options: { precision: "float32" } }, { threads })
        : undefined;
    await parallel?.ready();
    const engine = parallel ?? trainedEngine({ precision: "float32" });
    for (let i = 0; i < 5; i++) unetForward(unet, x, c, t, drop, engine, digital);
    const rounds: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) unetForward(unet, x, c, t, drop, engine, digital);
      rounds.push((performance.now() - t0) / 10 / n);
    }
    process.stdout.write(
      `${JSON.stringify({
        measure: "forward",
        fixture: o.fixture,
        batch: n,
        threads,
        digitalPrecision: o.digital,
        msPerImageBest: Math.min(...rounds),
        msPerImageRounds: rounds,
        glibcTunables: process.env.GLIBC_TUNABLES ?? null,
        date: new Date().toISOString(),
      })}\n`,
    );
    await parallel?.close();
  });

await program.parseAsync();
