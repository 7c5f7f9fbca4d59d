/**
 * A fixed pool of worker threads that run sweep jobs (poolWorker.ts), one job per thread at a
 * time. A thread that dies mid-job (out of memory, a crash in native code, process.exit in a
 * job) is replaced and its job is given to the next free thread, up to `maxAttempts` tries in
 * all; after that the job fails with a WorkerDied error. `close()` terminates every thread at
 * once, wherever it is (a synchronous solve included).
 *
 * Worker threads rather than processes: a job's inputs and row are small JSON, threads start in
 * tens of milliseconds and terminate() stops synchronous code; no pool library is needed for a
 * fixed pool with one queue.
 */
import { hostname } from "node:os";
import { Worker } from "node:worker_threads";
import type { SweepJob } from "./jobKind.js";
import type { PoolReply, PoolTask } from "./poolWorker.js";
import type { JobResult } from "./runJob.js";

export interface PoolResult {
  readonly result: JobResult;
  /** `host:pid/tN`: the thread that ran it. */
  readonly worker: string;
  readonly attempt: number;
}

interface Pending {
  readonly id: number;
  readonly job: SweepJob;
  readonly seed: number | string;
  attempt: number;
  lastDeath?: string;
  resolve(r: PoolResult): void;
  reject(e: Error): void;
}

interface Slot {
  readonly index: number;
  worker: Worker;
  task?: Pending;
}

export class PoolClosedError extends Error {
  override name = "PoolClosedError";
}

export class ThreadPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly maxAttempts = 3,
  ) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`pool size ${size}`);
    for (let index = 0; index < size; index++) this.slots.push(this.spawn(index));
  }

  /** Runs one job on the next free thread. */
  run(job: SweepJob, seed: number | string): Promise<PoolResult> {
    if (this.closed) return Promise.reject(new PoolClosedError("the pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, seed, attempt: 1, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every thread now; queued and running jobs reject with PoolClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const orphans = [
      ...this.queue.splice(0),
      ...this.slots.flatMap((s) => (s.task ? [s.task] : [])),
    ];
    for (const p of orphans) p.reject(new PoolClosedError("the pool was closed"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(index: number): Slot {
    const slot: Slot = { index, worker: newThread() };
    this.watch(slot);
    return slot;
  }

  private watch(slot: Slot): void {
    const w = slot.worker;
    w.on("message", (reply: PoolReply) => {
      const task = slot.task;
      if (task === undefined || task.id !== reply.id) return;
      slot.task = undefined;
      task.resolve({ result: reply.result, worker: this.name(slot), attempt: task.attempt });
      this.dispatch();
    });
    let death = "";
    w.on("error", (e) => {
      death = `${e.name}: ${e.message}`;
    });
    w.on("exit", (code) => {
      if (this.closed || slot.worker !== w) return;
      const task = slot.task;
      slot.task = undefined;
      slot.worker = newThread();
      this.watch(slot);
      if (task !== undefined) {
        task.lastDeath = death || `exit code ${code}`;
        if (task.attempt >= this.maxAttempts) {
          const message = `the worker thread died ${task.attempt} times running this job (last: ${task.lastDeath})`;
          task.resolve({
            result: { status: "failed", error: { name: "WorkerDied", message }, ms: 0 },
            worker: this.name(slot),
            attempt: task.attempt,
          });
        } else {
          task.attempt++;
          this.queue.unshift(task);
        }
      }
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.task !== undefined) continue;
      const task = this.queue.shift();
      if (task === undefined) return;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, job: task.job, seed: task.seed } satisfies PoolTask);
    }
  }

  private name(slot: Slot): string {
    return `${hostname()}:${process.pid}/t${slot.index}`;
  }
}

/**
 * A pool thread. From compiled JavaScript (dist/) the thread runs poolWorker.js; from the
 * TypeScript sources (the tests) it runs poolWorker.ts through tsx.
 */
function newThread(): Worker {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    const entry = JSON.stringify(new URL("./poolWorker.ts", here).href);
    const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${entry}); });`;
    return new Worker(boot, { eval: true });
  }
  return new Worker(new URL("./poolWorker.js", here));
}
