/**
 * Where a sweep lives in Redis: one BullMQ queue per sweep id, and a set of the sweeps that
 * have work, which idle `cellspice worker` processes watch to find new queues.
 */
import { createHash } from "node:crypto";
import type { SweepJob } from "../jobKind.js";
import type { JobResult } from "../runJob.js";

/** The Redis set of sweep ids with queued work. */
export const SWEEPS_KEY = "cellspice:sweeps";

/** The BullMQ queue of a sweep. */
export function queueName(sweepId: string): string {
  return `cellspice-sweep-${sweepId}`;
}

/** A BullMQ job id for a job key (keys may hold any character; ids may not hold ':'). */
export function bullJobId(key: string): string {
  return `j${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/** What a BullMQ job carries: the sweep job and the sweep seed. */
export interface BullJobData {
  readonly job: SweepJob;
  readonly seed: number | string;
}

/** What a `cellspice worker` returns for a job (its BullMQ return value). */
export interface BullJobReturn {
  readonly result: JobResult;
  /** `host:pid/tN`: the worker process and pool thread that ran it. */
  readonly worker: string;
}
