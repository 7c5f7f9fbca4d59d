/**
 * A BullMQ worker process (`cellspice worker --redis URL`): it watches the set of sweeps with
 * work (names.ts), attaches a BullMQ Worker to each sweep's queue, and runs the jobs on its own
 * pool of `concurrency` threads (threadPool.ts) — so that its event loop stays free to renew the
 * jobs' locks however long a job computes.
 *
 * Takeover: a worker that dies (kill -9, a lost machine) stops renewing its locks; after
 * `lockDurationMs` another worker's stalled-job check (every `stalledIntervalMs`) puts the job
 * back on the queue, at most `maxStalledCount` times, after which BullMQ fails it. A job's own
 * error is returned as its result (never retried); a pool thread that dies mid-job fails the
 * BullMQ attempt, which BullMQ retries up to the attempts the submitter set.
 *
 * Joining: new jobs wake one blocked worker (BullMQ's queue marker), and a busy worker takes its
 * next job as it finishes one, so an idle worker finds a new sweep's jobs only when its blocking
 * wait times out. That wait is IDLE_WAIT_S (BullMQ's default is 5 s): every worker joins a sweep
 * within half a second of its jobs arriving.
 */
import { hostname } from "node:os";
import { type Job, Worker } from "bullmq";
import { ThreadPool } from "../threadPool.js";
import { connectRedis, type RedisLink } from "./connection.js";
import { type BullJobData, type BullJobReturn, queueName, SWEEPS_KEY } from "./names.js";

export interface RedisWorkerOptions {
  readonly url: string;
  /** Jobs run at once (pool threads; default 1). */
  readonly concurrency?: number;
  /** BullMQ lock of a running job, renewed every half of it (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Takeovers of one job before BullMQ fails it (default 2). */
  readonly maxStalledCount?: number;
  /** How long Redis may be unreachable before the worker stops (default 30 s). */
  readonly graceMs?: number;
  /** One line per event (ready, job started, job finished). */
  readonly log?: (line: string) => void;
  /** Aborted: stop at once (running jobs are taken over by other workers). */
  readonly signal?: AbortSignal;
}

/** How long an idle BullMQ Worker blocks waiting for a job before it looks again [s]. */
export const IDLE_WAIT_S = 0.5;

/** Runs until `signal` aborts; rejects with RedisUnavailableError when Redis is lost. */
export async function runRedisWorker(o: RedisWorkerOptions): Promise<void> {
  const log = o.log ?? (() => {});
  const concurrency = o.concurrency ?? 1;
  const link = await connectRedis(o.url, { graceMs: o.graceMs });
  const pool = new ThreadPool(concurrency, 1);
  const me = `${hostname()}:${process.pid}`;
  const workers = new Map<string, Worker<BullJobData, BullJobReturn>>();
  const processor = async (bull: Job<BullJobData, BullJobReturn>): Promise<BullJobReturn> => {
    const { job, seed } = bull.data;
    log(`worker ${me}: started ${job.key}`);
    const r = await pool.run(job, seed);
    if (r.result.status === "failed" && r.result.error.name === "WorkerDied")
      throw new Error(r.result.error.message);
    log(`worker ${me}: ${r.result.status} ${job.key} in ${(r.result.ms / 1000).toFixed(2)} s`);
    return { result: r.result, worker: r.worker };
  };
  const attach = (sweepId: string) => {
    const w = new Worker<BullJobData, BullJobReturn>(queueName(sweepId), processor, {
      connection: link.client,
      concurrency,
      drainDelay: IDLE_WAIT_S,
      lockDuration: o.lockDurationMs ?? 30_000,
      stalledInterval: o.stalledIntervalMs ?? 30_000,
      maxStalledCount: o.maxStalledCount ?? 2,
      removeOnComplete: { count: 1_000_000 },
      removeOnFail: { count: 1_000_000 },
    });
    w.on("error", () => {
      // Connection errors: the link tracks them and stops the worker after the grace period.
    });
    workers.set(sweepId, w);
    log(`worker ${me}: joined sweep ${sweepId}`);
  };
  const aborted = new Promise<void>((resolve) => {
    if (o.signal?.aborted) resolve();
    o.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    log(
      `worker ${me}: ready (${concurrency} thread${concurrency > 1 ? "s" : ""}, Redis ${link.url})`,
    );
    while (!o.signal?.aborted) {
      link.check();
      const ids = new Set(await link.guard(link.client.smembers(SWEEPS_KEY)));
      for (const id of ids) if (!workers.has(id)) attach(id);
      for (const [id, w] of workers) {
        if (ids.has(id)) continue;
        workers.delete(id);
        void w.close(true);
        log(`worker ${me}: left sweep ${id} (finished)`);
      }
      await Promise.race([aborted, new Promise((r) => setTimeout(r, 500))]);
    }
  } finally {
    await shutDown(workers, pool, link);
  }
}

async function shutDown(
  workers: Map<string, Worker<BullJobData, BullJobReturn>>,
  pool: ThreadPool,
  link: RedisLink,
): Promise<void> {
  await Promise.race([
    Promise.all([...workers.values()].map((w) => w.close(true))),
    new Promise((r) => setTimeout(r, 1000)),
  ]);
  await pool.close();
  await link.close();
}
