/**
 * The entry point of a pool thread (threadPool.ts): runs the jobs it is sent, one at a time,
 * exactly as the in-process executor does (runJob), and posts each result back.
 */
import { parentPort } from "node:worker_threads";
import type { SweepJob } from "./jobKind.js";
import { toJobError } from "./outcome.js";
import { type JobResult, runJob } from "./runJob.js";

export interface PoolTask {
  readonly id: number;
  readonly job: SweepJob;
  readonly seed: number | string;
}

export interface PoolReply {
  readonly id: number;
  readonly result: JobResult;
}

const port = parentPort;
if (port === null) throw new Error("poolWorker.ts runs only as a worker thread");
port.on("message", async (task: PoolTask) => {
  let result: JobResult;
  try {
    result = await runJob(task.job, task.seed);
  } catch (e) {
    result = { status: "failed", error: toJobError(e), ms: 0 };
  }
  port.postMessage({ id: task.id, result } satisfies PoolReply);
});
