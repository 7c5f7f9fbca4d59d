import { availableParallelism } from "node:os";
import type { Executor } from "./executor.js";
import { PoolClosedError, ThreadPool } from "./threadPool.js";

/** The number of pool threads by default: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Runs the jobs on a pool of `workers` threads of this machine (threadPool.ts). Stopping the
 * sweep terminates the threads at once; jobs without an outcome stay pending.
 */
export function poolExecutor(workers = defaultWorkers()): Executor {
  return {
    name: "pool",
    async run(jobs, { seed, onOutcome, signal }) {
      if (jobs.length === 0 || signal?.aborted) return;
      const pool = new ThreadPool(Math.min(workers, jobs.length));
      const stop = () => void pool.close();
      signal?.addEventListener("abort", stop, { once: true });
      try {
        await Promise.all(
          jobs.map(async (job) => {
            let r: Awaited<ReturnType<ThreadPool["run"]>>;
            try {
              r = await pool.run(job, seed);
            } catch (e) {
              if (e instanceof PoolClosedError) return;
              throw e;
            }
            if (signal?.aborted) return;
            const run = {
              executor: "pool" as const,
              worker: r.worker,
              attempt: r.attempt,
              ms: r.result.ms,
            };
            await onOutcome(
              r.result.status === "done"
                ? { key: job.key, status: "done", row: r.result.row, run }
                : { key: job.key, status: "failed", error: r.result.error, run },
            );
          }),
        );
      } finally {
        signal?.removeEventListener("abort", stop);
        await pool.close();
      }
    },
  };
}
