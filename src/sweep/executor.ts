/**
 * One interface for the three ways a sweep runs its jobs: in this thread (`inprocess`), on a
 * pool of worker threads of this machine (`pool`, the default) and on BullMQ workers of any
 * number of machines (`redis`). An executor only runs jobs and reports outcomes; the rows file,
 * resumption and ordering are the sweep's (runSweep.ts), the same for all three.
 */
import type { SweepJob } from "./jobKind.js";
import type { JobOutcome } from "./outcome.js";

export interface ExecutorRun {
  /** The sweep seed (each job's stream is randomStream(seed, job.key)). */
  readonly seed: number | string;
  /** The sweep id (names the Redis queue). */
  readonly sweepId: string;
  readonly kind: string;
  /**
   * Called once per job outcome, in completion order; the executor awaits it before it counts
   * the job as collected (the row is on disk when it resolves).
   */
  readonly onOutcome: (outcome: JobOutcome) => void | Promise<void>;
  /** Aborted when the sweep is being stopped: stop at once, report nothing more. */
  readonly signal?: AbortSignal;
}

export interface Executor {
  readonly name: "inprocess" | "pool" | "redis";
  /** Runs `jobs` (none of which has a row yet); resolves when each has an outcome. */
  run(jobs: readonly SweepJob[], run: ExecutorRun): Promise<void>;
}
