/**
 * The `redis` executor: the submitting side of a BullMQ sweep. It puts every pending job on the
 * sweep's queue (job id from the job key, so a re-run adds nothing twice), announces the sweep
 * to the workers (names.ts), and collects finished jobs as they come: each outcome is handed to
 * the sweep (which writes its row and fsyncs) and only then removed from Redis. A submitter
 * killed at any point loses nothing: the jobs stay queued, the workers go on, and a re-run
 * collects what finished meanwhile and waits for the rest.
 *
 * One submitter per sweep (lease.ts): a second one for the same sweep is refused.
 *
 * Failures: a job's own error is its result (the worker returns it; never retried); a worker
 * that dies is handled by BullMQ (the job's lock expires, another worker takes it over, at most
 * `maxStalledCount` times, see worker.ts); a job that failed that way, or whose pool thread
 * died `attempts` times, is collected as failed with BullMQ's reason.
 */
import { type Job, Queue } from "bullmq";
import type { Executor } from "../executor.js";
import type { SweepJob } from "../jobKind.js";
import type { JobOutcome } from "../outcome.js";
import { connectRedis } from "./connection.js";
import { takeLease } from "./lease.js";
import { type BullJobData, type BullJobReturn, bullJobId, queueName, SWEEPS_KEY } from "./names.js";

export interface RedisExecutorOptions {
  readonly url: string;
  /** How long Redis may be unreachable mid-run before the sweep stops (default 30 s). */
  readonly graceMs?: number;
  /** Tries of a job whose worker thread dies (BullMQ attempts; default 3). */
  readonly attempts?: number;
  /** Pause between polls for finished jobs (default 200 ms). */
  readonly pollMs?: number;
}

const PAGE = 200;

export function redisExecutor(o: RedisExecutorOptions): Executor {
  return {
    name: "redis",
    async run(jobs, { seed, sweepId, onOutcome, signal }) {
      if (jobs.length === 0 || signal?.aborted) return;
      const link = await connectRedis(o.url, { graceMs: o.graceMs });
      const queue = new Queue<BullJobData, BullJobReturn>(queueName(sweepId), {
        connection: link.client,
      });
      queue.on("error", () => {
        // Connection errors: the link tracks them and stops the sweep after the grace period.
      });
      const pending = new Map(jobs.map((j) => [bullJobId(j.key), j]));
      let lease: Awaited<ReturnType<typeof takeLease>> | undefined;
      try {
        lease = await takeLease(link, sweepId);
        await link.guard(link.client.sadd(SWEEPS_KEY, sweepId));
        for (let at = 0; at < jobs.length; at += 500) {
          const chunk = jobs.slice(at, at + 500).map((job) => ({
            name: job.kind,
            data: { job, seed },
            opts: {
              jobId: bullJobId(job.key),
              attempts: o.attempts ?? 3,
              removeOnComplete: false,
              removeOnFail: false,
            },
          }));
          await link.guard(queue.addBulk(chunk));
        }
        while (pending.size > 0 && !signal?.aborted) {
          link.check();
          const collected = await link.guard(collect(queue, pending, onOutcome, signal));
          if (collected === 0) await sleep(o.pollMs ?? 200);
        }
        if (!signal?.aborted) {
          await link.guard(link.client.srem(SWEEPS_KEY, sweepId));
          await link.guard(queue.obliterate({ force: true }));
        }
      } finally {
        await lease?.release();
        await Promise.race([queue.close(), sleep(1000)]);
        await link.close();
      }
    },
  };
}

/** Collects up to a page of completed and of failed jobs; returns how many were handled. */
async function collect(
  queue: Queue<BullJobData, BullJobReturn>,
  pending: Map<string, SweepJob>,
  onOutcome: (o: JobOutcome) => void | Promise<void>,
  signal: AbortSignal | undefined,
): Promise<number> {
  let handled = 0;
  for (const state of ["completed", "failed"] as const) {
    const finished = (await queue.getJobs([state], 0, PAGE - 1, true)) as Job<
      BullJobData,
      BullJobReturn
    >[];
    for (const bull of finished) {
      if (signal?.aborted) return handled;
      const id = bull.id ?? "";
      const job = pending.get(id);
      if (job !== undefined) {
        await onOutcome(outcomeOf(bull, state, job));
        pending.delete(id);
      }
      await bull.remove();
      handled++;
    }
  }
  return handled;
}

/** A finished BullMQ job as a sweep outcome. */
export function outcomeOf(
  bull: Job<BullJobData, BullJobReturn>,
  state: "completed" | "failed",
  job: SweepJob,
): JobOutcome {
  const common = { attempt: bull.attemptsStarted, stalls: bull.stalledCounter };
  if (state === "completed") {
    const { result, worker } = bull.returnvalue;
    const run = { executor: "redis" as const, worker, ms: result.ms, ...common };
    return result.status === "done"
      ? { key: job.key, status: "done", row: result.row, run }
      : { key: job.key, status: "failed", error: result.error, run };
  }
  return {
    key: job.key,
    status: "failed",
    error: { name: "WorkerLost", message: `BullMQ gave up on the job: ${bull.failedReason}` },
    run: { executor: "redis", worker: "", ms: 0, ...common },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
