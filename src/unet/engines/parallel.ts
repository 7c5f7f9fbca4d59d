import { createHash } from "node:crypto";
import { ValidationError } from "../../core/errors.js";
import type { LayerEngine, LayerResult, TrainedCellLayer } from "../layerEngine.js";
import type { EngineInfo, LayerData, RunTask } from "./parallelProtocol.js";
import { builtinEngine, type EngineSpec } from "./parallelSpec.js";
import { EngineThreads } from "./parallelThreads.js";

/** The most worker threads one parallel engine may start. */
export const MAX_THREADS = 256;

export interface ParallelEngineOptions {
  /** Worker threads (1…MAX_THREADS); a batch is split into at most this many slices. */
  readonly threads: number;
}

/** A layer engine whose batches run on worker threads; close() ends them. */
export interface ParallelEngine extends LayerEngine {
  readonly threads: number;
  /** Worker threads not yet exited (0 before the first run and after close()). */
  readonly liveThreads: number;
  /** Terminates every worker thread; resolves when all have exited. The engine is then unusable. */
  close(): Promise<void>;
  /**
   * Starts the threads (if not yet) and resolves when every one has loaded its modules. Await it
   * before the first run and after an interrupt: a run blocks its thread, and module loading may
   * need that thread's event loop (tsx's hooks, from the TypeScript sources).
   */
  ready(): Promise<void>;
}

/**
 * The engine of `spec` on `threads` worker threads: a batch is split into contiguous slices of
 * nearly equal size, one per thread, each run by the same engine as a single-thread run (the
 * batch elements are independent arrays, so the bits are the same). Inputs and outputs are in
 * SharedArrayBuffers (an input that is not already shared is copied once into a shared scratch
 * buffer; the outputs are shared arrays); a layer's templates are sent to each thread once, keyed
 * by layer name and SHA-256 of its spec and templates. The calling thread blocks until every
 * slice is done and runs `checkInterrupt` every WAIT_SLICE_MS meanwhile: when it throws, every
 * thread is terminated at once (the next run starts fresh ones) and the error is rethrown. A
 * thread's error surfaces with its class, message and fields. The threads start at the first
 * run; whoever owns the forward calls close() when done (the threads are unref'd, so a forgotten
 * close never keeps a process alive).
 */
export function parallelEngine(spec: EngineSpec, options: ParallelEngineOptions): ParallelEngine {
  const { threads } = options;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS))
    throw new ValidationError(
      "threads",
      `got ${JSON.stringify(threads)}`,
      `an integer in 1…${MAX_THREADS}`,
    );
  const local = builtinEngine(spec);
  const pools: EngineThreads[] = [];
  let closed = false;
  let info: EngineInfo | undefined;
  const pool = (): EngineThreads => {
    if (closed) throw new Error("parallel engine: run after close()");
    const last = pools[pools.length - 1];
    if (last && !last.broken) return last;
    const fresh = new EngineThreads(spec, threads);
    pools.push(fresh);
    return fresh;
  };
  const engineInfo = (): EngineInfo => {
    if (local) return { name: local.name, describe: local.describe() };
    if (!info) {
      const [r] = pool().call([{ thread: 0, task: { type: "info" } }]);
      if (!r.ok || !r.info) throw new Error("parallel engine: no engine info");
      info = r.info;
    }
    return info;
  };
  return {
    threads,
    get name() {
      return engineInfo().name;
    },
    get liveThreads() {
      return pools.reduce((sum, p) => sum + p.live, 0);
    },
    describe: () => ({ ...engineInfo().describe, threads }),
    run(layer, u, shape, runOptions = {}): LayerResult {
      const { spec: ls } = layer;
      const { batch, channels, rows, cols } = shape;
      const per = channels * rows * cols;
      if (!(Number.isInteger(batch) && batch >= 1))
        throw new ValidationError(`layers.${ls.name}.input`, `has batch ${batch}`, "batch ≥ 1");
      if (u.length !== batch * per)
        throw new ValidationError(
          `layers.${ls.name}.input`,
          `has ${u.length} values`,
          `batch×C_in×H×W = ${batch}×${channels}×${rows}×${cols}`,
        );
      runOptions.checkInterrupt?.();
      const p = pool();
      const key = layerKey(layer);
      const n = ls.c_out * rows * cols;
      const keep = runOptions.keepStates === true;
      const y = sharedArray(batch * n);
      const x = keep ? sharedArray(batch * n) : undefined;
      const w = keep ? sharedArray(batch * n) : undefined;
      const input = p.share(u);
      const tasks = sliceBatch(batch, threads).map(([k0, k1], thread) => {
        const task: RunTask = {
          type: "run",
          key,
          layer: p.firstTime(thread, key) ? layerData(layer) : undefined,
          input: input.buffer,
          inputOffset: input.offset,
          shape: { channels, rows, cols },
          perOutput: n,
          k0,
          k1,
          keepStates: keep,
          y: y.buffer,
          x: x?.buffer,
          w: w?.buffer,
        };
        return { thread, task };
      });
      const replies = p.call(tasks, runOptions.checkInterrupt);
      return { y, x, w: replies.every((r) => r.ok && r.w) ? w : undefined };
    },
    async ready() {
      await pool().ready();
    },
    async close() {
      closed = true;
      await Promise.all(pools.map((p) => p.terminate()));
    },
  };
}

/** [k0, k1) slices of a batch for at most `threads` threads, sizes differing by at most one. */
export function sliceBatch(batch: number, threads: number): [number, number][] {
  const t = Math.min(batch, threads);
  const base = Math.floor(batch / t);
  const extra = batch % t;
  const slices: [number, number][] = [];
  let k0 = 0;
  for (let i = 0; i < t; i++) {
    const k1 = k0 + base + (i < extra ? 1 : 0);
    slices.push([k0, k1]);
    k0 = k1;
  }
  return slices;
}

/** A layer's cache key: its name and SHA-256 of its manifest entry and templates. */
export function layerKey(layer: TrainedCellLayer): string {
  const h = createHash("sha256").update(JSON.stringify(layer.spec));
  for (const a of [layer.A, layer.B, layer.z])
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return `${layer.spec.name}\u0000${h.digest("hex")}`;
}

/** The layer as sent to a thread: its own copies (not views of a larger buffer, which would travel whole). */
function layerData(layer: TrainedCellLayer): LayerData {
  return { spec: layer.spec, A: layer.A.slice(), B: layer.B.slice(), z: layer.z.slice() };
}

function sharedArray(length: number): Float64Array<SharedArrayBuffer> {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}
