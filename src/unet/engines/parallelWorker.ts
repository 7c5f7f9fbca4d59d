/**
 * A worker thread of the parallel engine (parallelThread.ts starts it): builds the engine of its
 * spec once, keeps every layer it is sent, and runs its slice of each batch from and into the
 * shared buffers (parallelProtocol.ts).
 */
import type { MessagePort } from "node:worker_threads";
import type { LayerEngine, TrainedCellLayer } from "../layerEngine.js";
import {
  type Reply,
  type RunTask,
  type Task,
  type ThreadData,
  toWire,
} from "./parallelProtocol.js";
import { engineFromSpec } from "./parallelSpec.js";

/** Posts a reply on the port, then counts it on the shared counter and wakes the waiting thread. */
export function reply(data: Pick<ThreadData, "control" | "port">, r: Reply): void {
  data.port.postMessage(r);
  const control = new Int32Array(data.control);
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
}

/** Counts this thread as started (slot 1 of the shared control words): its modules are loaded. */
export function signalReady(data: Pick<ThreadData, "control">): void {
  const control = new Int32Array(data.control);
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 1);
}

/** Serves tasks until the thread is terminated. */
export function serve(data: ThreadData): void {
  const layers = new Map<string, TrainedCellLayer>();
  const engine = engineFromSpec(data.spec);
  // Started once the engine's modules are loaded, or failed to load (the failure is the reply
  // to the first task).
  engine.then(
    () => signalReady(data),
    () => signalReady(data),
  );
  let failed = false;
  let busy = false;
  // A task's code that ends the thread (process.exit) must not leave the caller waiting.
  process.on("exit", () => {
    if (busy)
      reply(data, {
        ok: false,
        fatal: true,
        error: { name: "Error", message: "parallel engine: a worker thread exited during a task" },
      });
  });
  let queue: Promise<void> = Promise.resolve();
  const port = data.port as MessagePort;
  port.on("message", (task: Task) => {
    queue = queue.then(async () => {
      if (failed) return;
      let e: LayerEngine;
      try {
        e = await engine;
      } catch (err) {
        failed = true;
        reply(data, { ok: false, error: toWire(err), fatal: true });
        return;
      }
      let r: Reply;
      busy = true;
      try {
        r = run(e, task, layers);
      } catch (err) {
        r = { ok: false, error: toWire(err) };
      }
      busy = false;
      reply(data, r);
    });
  });
}

function run(engine: LayerEngine, task: RunTask, layers: Map<string, TrainedCellLayer>): Reply {
  if (task.layer) layers.set(task.key, task.layer);
  const layer = layers.get(task.key);
  if (!layer) throw new Error(`parallel engine: layer ${task.key} was never sent to this worker`);
  const { channels, rows, cols } = task.shape;
  const per = channels * rows * cols;
  const { k0, k1, perOutput: n } = task;
  const u = new Float64Array(task.input, 8 * (task.inputOffset + k0 * per), (k1 - k0) * per);
  const r = engine.run(
    layer,
    u,
    { batch: k1 - k0, channels, rows, cols },
    { keepStates: task.keepStates },
  );
  const into = (buffer: SharedArrayBuffer | undefined, values: Float64Array | undefined) => {
    if (!(buffer && values)) return;
    if (values.length !== (k1 - k0) * n)
      throw new Error(
        `parallel engine: ${engine.name} returned ${values.length} values for ${k1 - k0} elements of ${n}`,
      );
    new Float64Array(buffer, 8 * k0 * n, (k1 - k0) * n).set(values);
  };
  into(task.y, r.y);
  into(task.x, r.x);
  into(task.w, r.w);
  return { ok: true, w: r.w !== undefined };
}
