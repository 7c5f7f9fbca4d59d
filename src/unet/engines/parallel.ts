import { createHash } from "node:crypto";
import { ValidationError } from "../../core/errors.js";
import type { LayerEngine, LayerResult, TrainedCellLayer } from "../layerEngine.js";
import type { LayerData, RunTask } from "./parallelProtocol.js";
import { builtinEngine, type EngineSpec, engineFromSpec } from "./parallelSpec.js";
import { EngineThreads } from "./parallelThreads.js";

/** The most threads (the calling one included) one parallel engine may use. */
export const MAX_THREADS = 256;

export interface ParallelEngineOptions {
  /**
   * Threads (1…MAX_THREADS): the calling thread and threads − 1 worker threads; a batch is split
   * into at most this many slices.
   */
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
   * Builds the calling thread's engine of a module spec, starts the worker threads (if not yet)
   * and resolves when every one has loaded its modules. Await it before the first run and after
   * an interrupt: a run blocks its thread, and module loading may need that thread's event loop
   * (tsx's hooks, from the TypeScript sources).
   */
  ready(): Promise<void>;
}

/**
 * The engine of `spec` on `threads` threads: the calling thread and threads − 1 worker threads.
 * A batch is split into contiguous slices of nearly equal size, one per thread; the calling
 * thread posts the others' slices, runs the first itself with its own engine of the same spec,
 * then waits for the rest (each slice is run by the same engine as a single-thread run and the
 * batch elements are independent arrays, so the bits are the same). Inputs and outputs are in
 * SharedArrayBuffers (an input that is not already shared is copied once into a shared scratch
 * buffer; the outputs are shared arrays); a layer's templates are sent to each worker once,
 * keyed by layer name and SHA-256 of its spec and templates. While it waits, the calling thread
 * runs `checkInterrupt` every WAIT_SLICE_MS (its own slice calls it as any engine run does):
 * when it throws, every worker is terminated at once (the next run starts fresh ones) and the
 * error is rethrown. An error of a slice surfaces with its class, message and fields (the
 * calling thread's own first, once the workers have replied). The workers start at the first
 * run; whoever owns the forward calls close() when done (the threads are unref'd, so a
 * forgotten close never keeps a process alive). With threads = 1 every run is the calling
 * thread's. An engine of a module spec is built on the calling thread by ready(), which must be
 * awaited before the first run.
 */
export function parallelEngine(spec: EngineSpec, options: ParallelEngineOptions): ParallelEngine {
  const { threads } = options;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS))
    throw new ValidationError(
      "threads",
      `got ${JSON.stringify(threads)}`,
      `an integer in 1…${MAX_THREADS}`,
    );
  // The calling thread's engine: built here for a built-in spec, by ready() for a module spec
  // (or the reason it could not be built, thrown where the engine is used).
  let local: LayerEngine | undefined = builtinEngine(spec);
  let localError: unknown;
  const localEngine = (): LayerEngine => {
    if (local) return local;
    if (localError !== undefined) throw localError;
    throw new Error(
      "parallel engine: await ready() before the first use of a module engine (the calling thread builds its own there)",
    );
  };
  const workers = threads - 1;
  const pools: EngineThreads[] = [];
  let closed = false;
  const pool = (): EngineThreads => {
    if (closed) throw new Error("parallel engine: run after close()");
    const last = pools[pools.length - 1];
    if (last && !last.broken) return last;
    const fresh = new EngineThreads(spec, workers);
    pools.push(fresh);
    return fresh;
  };
  return {
    threads,
    get name() {
      return localEngine().name;
    },
    get liveThreads() {
      return pools.reduce((sum, p) => sum + p.live, 0);
    },
    describe: () => ({ ...localEngine().describe(), threads }),
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
      const check = runOptions.checkInterrupt;
      check?.();
      const here = localEngine();
      const slices = sliceBatch(batch, threads);
      if (slices.length === 1) return here.run(layer, u, shape, runOptions);
      const p = pool();
      const key = layerKey(layer);
      const n = ls.c_out * rows * cols;
      const keep = runOptions.keepStates === true;
      const y = sharedArray(batch * n);
      const x = keep ? sharedArray(batch * n) : undefined;
      const w = keep ? sharedArray(batch * n) : undefined;
      const input = p.share(u);
      const posted = p.post(
        slices.slice(1).map(([k0, k1], i) => {
          const task: RunTask = {
            type: "run",
            key,
            layer: p.firstTime(i, key) ? layerData(layer) : undefined,
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
          return { thread: i, task };
        }),
      );
      // The first slice here, meanwhile. An interrupt stops the workers at once; another error
      // waits for their replies (so the threads stay in step for the next run), then surfaces.
      const [, k1] = slices[0];
      let interrupt: { error: unknown } | undefined;
      let mine: LayerResult;
      try {
        mine = here.run(
          layer,
          u.subarray(0, k1 * per),
          { batch: k1, channels, rows, cols },
          {
            keepStates: keep,
            checkInterrupt: check
              ? () => {
                  try {
                    check();
                  } catch (e) {
                    interrupt = { error: e };
                    throw e;
                  }
                }
              : undefined,
          },
        );
      } catch (e) {
        if (interrupt) {
          void p.terminate();
          throw e;
        }
        try {
          p.collect(posted, check);
        } catch {
          // the calling thread's error is the one reported
        }
        throw e;
      }
      const replies = p.collect(posted, check);
      y.set(mine.y);
      if (x && mine.x) x.set(mine.x);
      const allW = mine.w !== undefined && replies.every((r) => r.ok && r.w);
      if (w && allW) w.set(mine.w!);
      return { y, x, w: allW ? w : undefined };
    },
    async ready() {
      if (!local && localError === undefined)
        try {
          local = await engineFromSpec(spec);
        } catch (e) {
          localError = e;
        }
      if (workers > 0) await pool().ready();
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
