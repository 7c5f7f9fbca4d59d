import { hostname } from "node:os";
import type { Executor } from "./executor.js";
import { runJob } from "./runJob.js";

/**
 * Runs the jobs one after another in this thread: for tests and debugging (a debugger or a
 * profiler sees the job's code directly). Between jobs it yields to the event loop.
 */
export function inProcessExecutor(): Executor {
  return {
    name: "inprocess",
    async run(jobs, { seed, onOutcome, signal }) {
      const worker = `${hostname()}:${process.pid}`;
      for (const job of jobs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal?.aborted) return;
        const result = await runJob(job, seed, signal);
        const run = { executor: "inprocess" as const, worker, attempt: 1, ms: result.ms };
        await onOutcome(
          result.status === "done"
            ? { key: job.key, status: "done", row: result.row, run }
            : { key: job.key, status: "failed", error: result.error, run },
        );
      }
    },
  };
}
