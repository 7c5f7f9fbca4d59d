/**
 * Sweep executors: jobs per second of one simulate sweep in-process, on the thread pool with 1
 * and 2 threads, and on BullMQ with 1 and 2 `cellspice worker` processes (one thread each) on a
 * redis-server started for the run; the speed-up from 1 to 2 workers of each. Rows go to
 * bench/results/sweep.jsonl; docs/sweeps.md has the table.
 *
 *     npm run build && flock /tmp/cellspice-cpu.lock npx tsx bench/sweep.ts [--replicates 6] [--repeats 2]
 *
 * It runs the compiled sweep modules (dist/), so that pool threads and workers run what users
 * run. A case's time runs from the start of `runSweep` (pool threads are started inside it) to
 * the last row on disk; BullMQ workers are started and ready before it (they are long-lived).
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { start, waitFor } from "../test/sweep/processes.js";
import { startRedis } from "../test/sweep/redisServer.js";

type SweepModule = typeof import("../src/sweep/index.js");

const opts = new Command("bench-sweep")
  .option("--replicates <n>", "replicates per grid point (4 points)", Number, 6)
  .option("--repeats <n>", "timed runs per case (the median is kept)", Number, 2)
  .parse()
  .opts<{ replicates: number; repeats: number }>();

const root = resolve(import.meta.dirname, "..");
const sweepModule: SweepModule = await import(
  pathToFileURL(join(root, "dist/src/sweep/index.js")).href
);
const { inProcessExecutor, poolExecutor, readSweepSpec, redisExecutor, runSweep } = sweepModule;

const spec = {
  format: "cellspice-sweep",
  version: 1,
  kind: "simulate",
  seed: 1,
  grid: { template: ["edge", "corner"], size: [96], sigmaB: [0.02, 0.05] },
  replicates: opts.replicates,
};
const sweep = readSweepSpec(spec, "bench");
const command = `npx tsx bench/sweep.ts ${process.argv.slice(2).join(" ")}`.trim();
const env = benchEnvironment(command);
const runId = new Date().toISOString();
const dir = mkdtempSync(join(tmpdir(), "cellspice-bench-sweep-"));
const out = join(root, "bench/results/sweep.jsonl");
mkdirSync(join(root, "bench/results"), { recursive: true });

async function timeCase(executor: () => import("../src/sweep/executor.js").Executor) {
  const times: number[] = [];
  for (let k = 0; k < opts.repeats; k++) {
    const rows = join(dir, `rows-${Date.now()}-${k}.jsonl`);
    const t0 = performance.now();
    const s = await runSweep({ sweep, rowsPath: rows, executor: executor() });
    times.push(performance.now() - t0);
    if (s.done !== sweep.jobs.length)
      throw new Error(`only ${s.done} of ${sweep.jobs.length} jobs done`);
    rmSync(rows, { force: true });
  }
  times.sort((a, b) => a - b);
  return times[Math.floor((times.length - 1) / 2)];
}

const results: { executor: string; workers: number; wallMs: number }[] = [];
function record(executor: string, workers: number, wallMs: number) {
  const base = results.find((r) => r.executor === executor && r.workers === 1);
  results.push({ executor, workers, wallMs });
  const row = {
    runId,
    suite: "sweep",
    executor,
    workers,
    jobs: sweep.jobs.length,
    job: "simulate: edge/corner on 96×96, σ_B ∈ {0.02, 0.05}, two dopri5 solves per job",
    wallMs,
    repeats: opts.repeats,
    jobsPerSecond: (sweep.jobs.length * 1000) / wallMs,
    speedup: base ? base.wallMs / wallMs : undefined,
    load: loadAverage(),
    env,
    date: new Date().toISOString(),
  };
  appendFileSync(out, `${JSON.stringify(row)}\n`);
  console.log(
    `${executor.padEnd(9)} ${workers} worker(s): ${(wallMs / 1000).toFixed(2)} s, ${row.jobsPerSecond.toFixed(2)} jobs/s${row.speedup ? `, speed-up ${row.speedup.toFixed(2)}` : ""} (load ${row.load.toFixed(1)})`,
  );
}

const redis = await startRedis();
const workers: ReturnType<typeof start>[] = [];
try {
  record("inprocess", 1, await timeCase(() => inProcessExecutor()));
  record("pool", 1, await timeCase(() => poolExecutor(1)));
  record("pool", 2, await timeCase(() => poolExecutor(2)));
  for (const n of [1, 2]) {
    while (workers.length < n) {
      const w = start(["worker", "--redis", redis.url, "--concurrency", "1"]);
      workers.push(w);
      await waitFor(() => w.output().includes(": ready ("), "a worker to be ready");
    }
    record("redis", n, await timeCase(() => redisExecutor({ url: redis.url })));
  }
} finally {
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.exited));
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
