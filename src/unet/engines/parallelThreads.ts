/**
 * The worker threads of one parallel engine, driven synchronously: `call` posts one task per
 * thread and blocks the calling thread (Atomics.wait on the shared reply counter, in slices of
 * WAIT_SLICE_MS between which it runs `checkInterrupt`) until every thread has replied. An
 * interrupt terminates every thread at once, wherever it is (terminate() stops synchronous
 * code), and is rethrown. The threads are unref'd: an engine nobody closed never keeps a
 * process alive.
 */
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";
import { fromWire, type Reply, type Task, type ThreadData } from "./parallelProtocol.js";
import type { EngineSpec } from "./parallelSpec.js";

/** How long the blocked thread sleeps between two looks at its interrupt check. */
export const WAIT_SLICE_MS = 10;

/**
 * How long a call waits for threads that have not started (loaded their modules) before it
 * gives up with an error instead of waiting for ever. Module loading may need the calling
 * thread's event loop (tsx's loader hooks, in the tests), which a blocked call does not run:
 * callers await ready() first, and this bound turns a forgotten ready() into an error.
 */
export const START_TIMEOUT_MS = 60_000;

interface Thread {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** Keys of the layers this thread has been sent. */
  readonly layers: Set<string>;
  alive: boolean;
  death?: string;
}

/** Tasks posted and the reply count at which all of them have replied. */
export interface Posted {
  readonly tasks: readonly { thread: number; task: Task }[];
  readonly target: number;
}

export class EngineThreads {
  /** Shared control words: [0] replies counted, [1] threads started (parallelWorker signalReady). */
  private readonly control = new Int32Array(new SharedArrayBuffer(8));
  private readonly threads: Thread[] = [];
  private scratch?: Float64Array<SharedArrayBuffer>;
  private terminated?: Promise<void>;

  constructor(spec: EngineSpec, size: number) {
    for (let i = 0; i < size; i++) this.threads.push(this.spawn(spec));
  }

  /** Whether every thread has loaded its modules. */
  get started(): boolean {
    return Atomics.load(this.control, 1) >= this.threads.length;
  }

  /**
   * Resolves when every thread has started; rejects when one exits or fails first. Awaited before
   * the first call, so that module loading never waits on a blocked calling thread.
   */
  async ready(): Promise<void> {
    while (!this.started) {
      const dead = this.threads.find((t) => !t.alive || t.death);
      if (dead)
        throw new Error(
          `parallel engine: a worker thread did not start (${dead.death ?? "exited"})`,
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Threads not yet exited. */
  get live(): number {
    return this.threads.filter((t) => t.alive).length;
  }

  /** Whether the threads were terminated (after an interrupt or a failed start): not reusable. */
  get broken(): boolean {
    return this.terminated !== undefined;
  }

  /** Whether `thread` has been sent the layer `key`; marks it sent from now on. */
  firstTime(thread: number, key: string): boolean {
    const seen = this.threads[thread].layers;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }

  /**
   * `u` in shared memory: itself when it already is (the output of a previous layer), else
   * copied once into this pool's scratch buffer. Offset in float64 elements.
   */
  share(u: Float64Array): { buffer: SharedArrayBuffer; offset: number } {
    if (u.buffer instanceof SharedArrayBuffer)
      return { buffer: u.buffer, offset: u.byteOffset / 8 };
    if (!this.scratch || this.scratch.length < u.length)
      this.scratch = new Float64Array(new SharedArrayBuffer(u.byteLength));
    this.scratch.set(u);
    return { buffer: this.scratch.buffer, offset: 0 };
  }

  /**
   * Posts each task to its thread and returns the replies in task order. Throws the error of the
   * first task that failed (after every thread has replied), terminating the threads when one
   * cannot go on; throws what `checkInterrupt` throws, terminating the threads first.
   */
  call(tasks: readonly { thread: number; task: Task }[], checkInterrupt?: () => void): Reply[] {
    return this.collect(this.post(tasks), checkInterrupt);
  }

  /** Posts each task to its thread; collect() waits for their replies. */
  post(tasks: readonly { thread: number; task: Task }[]): Posted {
    if (this.terminated) throw new Error("parallel engine: its threads were terminated");
    const target = Atomics.load(this.control, 0) + tasks.length;
    for (const { thread, task } of tasks) this.threads[thread].port.postMessage(task);
    return { tasks, target };
  }

  /** The replies of posted tasks, in task order, as call() returns them (and throws). */
  collect({ tasks, target }: Posted, checkInterrupt?: () => void): Reply[] {
    const since = Date.now();
    try {
      for (;;) {
        const seen = Atomics.load(this.control, 0);
        if (seen >= target) break;
        checkInterrupt?.();
        if (!this.started && Date.now() - since > START_TIMEOUT_MS)
          throw new Error(
            `parallel engine: ${this.threads.length - Atomics.load(this.control, 1)} of ${this.threads.length} worker threads did not start within ${START_TIMEOUT_MS / 1000} s (await the engine's ready() before the first run)`,
          );
        Atomics.wait(this.control, 0, seen, WAIT_SLICE_MS);
      }
    } catch (e) {
      void this.terminate();
      throw e;
    }
    const replies = tasks.map(({ thread }): Reply => {
      const m = receiveMessageOnPort(this.threads[thread].port);
      if (m) return m.message as Reply;
      const t = this.threads[thread];
      return {
        ok: false,
        fatal: true,
        error: {
          name: "Error",
          message: `parallel engine: thread ${thread} did not reply${t.death ? ` (${t.death})` : ""}`,
        },
      };
    });
    const failed = replies.find((r) => !r.ok);
    if (failed && !failed.ok) {
      if (replies.some((r) => !r.ok && r.fatal)) void this.terminate();
      throw fromWire(failed.error);
    }
    return replies;
  }

  /** Terminates every thread (at once, wherever it is); resolves when all have exited. */
  terminate(): Promise<void> {
    this.terminated ??= Promise.all(
      this.threads.map(async (t) => {
        t.port.close();
        await t.worker.terminate();
      }),
    ).then(() => undefined);
    return this.terminated;
  }

  private spawn(spec: EngineSpec): Thread {
    const { port1, port2 } = new MessageChannel();
    const data: ThreadData = {
      spec,
      control: this.control.buffer as SharedArrayBuffer,
      port: port2,
    };
    const worker = new Worker(bootCode(), { eval: true, workerData: data, transferList: [port2] });
    const thread: Thread = { worker, port: port1, layers: new Set(), alive: true };
    worker.on("error", (e) => {
      thread.death = `${e.name}: ${e.message}`;
    });
    worker.on("exit", () => {
      thread.alive = false;
    });
    worker.unref();
    port1.unref();
    return thread;
  }
}

/**
 * The thread's first code: loads parallelWorker (through tsx when running from the TypeScript
 * sources, as in the tests) and serves. If that fails, every task is answered with the failure
 * (fatal), so the waiting thread learns why instead of waiting for ever.
 */
function bootCode(): string {
  const here = import.meta.url;
  const ts = here.endsWith(".ts");
  const entry = JSON.stringify(
    new URL(ts ? "./parallelWorker.ts" : "./parallelWorker.js", here).href,
  );
  const start = ts
    ? 'import("tsx/esm/api").then((tsx) => { tsx.register(); })'
    : "Promise.resolve()";
  return `
const { workerData } = require("node:worker_threads");
${start}
  .then(() => import(${entry}))
  .then((m) => m.serve(workerData))
  .catch((e) => {
    const error = { name: (e && e.name) || "Error", message: "parallel engine: its worker thread could not start: " + String((e && e.message) || e), stack: e && e.stack };
    const started = new Int32Array(workerData.control);
    Atomics.add(started, 1, 1);
    Atomics.notify(started, 1);
    workerData.port.on("message", () => {
      workerData.port.postMessage({ ok: false, error, fatal: true });
      const control = new Int32Array(workerData.control);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
    });
  });
`;
}
