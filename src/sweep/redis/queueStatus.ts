import { Queue } from "bullmq";
import { connectRedis } from "./connection.js";
import { queueName, SWEEPS_KEY } from "./names.js";

export interface QueueStatus {
  /** Whether the sweep is announced to the workers (it has queued work). */
  readonly announced: boolean;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  /** Finished jobs still in the queue: completed or failed BullMQ jobs, by BullMQ job id. */
  readonly finishedIds: readonly string[];
  /** Worker connections on the queue. */
  readonly workers: number;
}

/** The BullMQ side of a sweep: its queue's job counts and workers. */
export async function queueStatus(url: string, sweepId: string): Promise<QueueStatus> {
  const link = await connectRedis(url, { graceMs: 5000 });
  const queue = new Queue(queueName(sweepId), { connection: link.client });
  queue.on("error", () => {});
  try {
    const counts = await link.guard(
      queue.getJobCounts("waiting", "active", "delayed", "prioritized"),
    );
    const finishedIds = await link.guard(queue.getRanges(["completed", "failed"], 0, -1));
    const workers = await link.guard(queue.getWorkersCount());
    const announced = (await link.guard(link.client.sismember(SWEEPS_KEY, sweepId))) === 1;
    return {
      announced,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      finishedIds,
      workers,
    };
  } finally {
    await queue.close();
    await link.close();
  }
}
