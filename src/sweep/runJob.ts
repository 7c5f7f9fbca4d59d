import { randomStream } from "../core/counterRandom.js";
import type { SweepJob, SweepRow } from "./jobKind.js";
import { jobKind } from "./kinds.js";
import { type JobError, toJobError } from "./outcome.js";

/** Thrown by a job's checkInterrupt when the sweep is being stopped: the job stays pending. */
export class JobInterrupted extends Error {
  override name = "JobInterrupted";
}

export type JobResult =
  | { status: "done"; row: SweepRow; ms: number }
  | { status: "failed"; error: JobError; ms: number };

/**
 * Runs one job as every executor does: its kind from the registry, its random stream
 * randomStream(seed, job.key). An error thrown by the job is its (deterministic) result;
 * an interruption is rethrown.
 */
export async function runJob(
  job: SweepJob,
  seed: number | string,
  signal?: AbortSignal,
): Promise<JobResult> {
  const start = performance.now();
  const checkInterrupt = () => {
    if (signal?.aborted) throw new JobInterrupted(`job ${job.key} interrupted`);
  };
  try {
    const row = await jobKind(job.kind).run(job, {
      random: randomStream(seed, job.key),
      checkInterrupt,
    });
    return { status: "done", row, ms: performance.now() - start };
  } catch (e) {
    if (e instanceof JobInterrupted || signal?.aborted) throw e;
    return { status: "failed", error: toJobError(e), ms: performance.now() - start };
  }
}
