/**
 * What the parallel engine's threads say to each other. The thread that runs the forward posts
 * one task per worker, then blocks (Atomics.wait) on the shared reply counter until every worker
 * has posted its reply on its port and counted it; it reads the replies synchronously
 * (receiveMessageOnPort). Batches travel in SharedArrayBuffers: a task names its slice of the
 * shared input and the worker writes its slice of the shared outputs; only a layer's templates
 * are copied, once per worker.
 */
import type { MessagePort } from "node:worker_threads";
import { CellspiceError, SolverError, ValidationError } from "../../core/errors.js";
import type { CellLayerSpec } from "../../trained/unetExport.js";
import type { EngineSpec } from "./parallelSpec.js";

/** What a worker thread starts with (workerData). */
export interface ThreadData {
  readonly spec: EngineSpec;
  /** Int32Array(1): replies posted so far by every worker of the pool. */
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** A layer's templates as sent to a worker (once; it keeps them under `key`). */
export interface LayerData {
  readonly spec: CellLayerSpec;
  readonly A: Float64Array;
  readonly B: Float64Array;
  readonly z: Float64Array;
}

/** Run the layer on batch elements [k0, k1); offsets and lengths in float64 elements. */
export interface RunTask {
  readonly type: "run";
  readonly key: string;
  /** Present the first time this worker sees `key`. */
  readonly layer?: LayerData;
  readonly input: SharedArrayBuffer;
  /** Where element 0 of the batch starts in `input`. */
  readonly inputOffset: number;
  readonly shape: { readonly channels: number; readonly rows: number; readonly cols: number };
  /** Output values per element (C_out × H × W). */
  readonly perOutput: number;
  readonly k0: number;
  readonly k1: number;
  readonly keepStates: boolean;
  readonly y: SharedArrayBuffer;
  readonly x?: SharedArrayBuffer;
  readonly w?: SharedArrayBuffer;
}

export type Task = RunTask;

export type Reply =
  | { readonly ok: true; readonly w?: boolean }
  /** `fatal`: the worker cannot go on (its start failed, it is exiting). */
  | { readonly ok: false; readonly error: WireError; readonly fatal?: boolean };

/** An error as it crosses threads: its class by name, its message and structured fields. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
  readonly field?: string;
  readonly valid?: string;
  readonly reason?: string;
}

export function toWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const base = { name: e.name, message: e.message, stack: e.stack };
  if (e instanceof ValidationError)
    return { ...base, code: e.code, details: { ...e.details }, field: e.field, valid: e.valid };
  if (e instanceof SolverError)
    return { ...base, code: e.code, details: { ...e.details }, reason: e.reason };
  if (e instanceof CellspiceError) return { ...base, code: e.code, details: { ...e.details } };
  return base;
}

/**
 * The error again, of the same class where it is one of cellspice's (so that the CLI maps it to
 * the same exit code and field), with the worker's message and stack.
 */
export function fromWire(w: WireError): Error {
  let e: Error;
  if (w.name === "ValidationError" && w.field !== undefined)
    e = new ValidationError(w.field, "", w.valid ?? "", w.details);
  else if (w.name === "SolverError" && w.reason !== undefined)
    e = new SolverError(
      w.reason as SolverError["reason"],
      w.message,
      (w.details ?? { t: Number.NaN, method: "" }) as ConstructorParameters<typeof SolverError>[2],
    );
  else if (w.code !== undefined) {
    e = new CellspiceError(w.code, w.message, w.details);
    e.name = w.name;
  } else {
    e = new Error(w.message);
    e.name = w.name;
  }
  e.message = w.message;
  if (w.stack) e.stack = `${w.stack}\n    (in a parallel-engine worker thread)`;
  return e;
}
