/**
 * Where the trained forward's time goes on this machine, beyond bench/sample.ts's totals
 * (docs/performance.md, "Sampling"). Prints one JSON line per measurement.
 *
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/forward-diagnostics.ts contention \
 *         [--fixture cellnn-mnist] [--layer up1.block1] [--batch 16] [--repeats 60]
 *     flock /tmp/cellspice-cpu.lock npx tsx scripts/forward-diagnostics.ts gelu
 *
 * `contention`: one cellular layer (the trained engine, float32) on a batch made of its golden
 * input. It is timed in-process alone; then in two processes started together (do two cores
 * give two layers' worth of throughput?); then on one worker thread of parallelEngine against
 * in-process (what the thread hand-off costs).
 * `gelu`: geluInPlace per element on 2^20 values, a smooth sweep of [−3, 3] and standard normal
 * ones.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { Command } from "commander";
import { seededRandom } from "../src/core/random.js";
import { geluInPlace } from "../src/nn/gelu.js";
import { loadUnet, parallelEngine, trainedEngine } from "../src/unet/index.js";

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
      const worker = parallelEngine(
        { kind: "trained", options: { precision: "float32" } },
        { threads: 1 },
      );
      await worker.ready();
      const oneWorker = timeRuns(() => worker.run(layer, u, shape), Number(o.repeats));
      await worker.close();
      process.stdout.write(
        `${JSON.stringify({
          measure: "contention",
          fixture: o.fixture,
          layer: o.layer,
          batch: shape.batch,
          msAlone: alone,
          msEachOfTwoProcesses: together,
          msOneWorkerThread: oneWorker,
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

await program.parseAsync();
