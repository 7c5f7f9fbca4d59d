/**
 * What running one job gives: its row, or the error it failed with, and how it ran. The
 * result (key, status, row or error) is a pure function of (sweep seed, job) under every
 * executor; `run` (executor, worker, attempt, time) is not and is kept apart from it.
 */
import { CellspiceError, ValidationError } from "../core/errors.js";
import type { SweepRow } from "./jobKind.js";

/** A job's error as plain JSON (it crosses threads, processes and Redis). */
export interface JobError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly field?: string;
}

export interface RunInfo {
  readonly executor: "inprocess" | "pool" | "redis";
  /** Who ran it: `host:pid` and, in a pool, `/thread`. */
  readonly worker: string;
  /** 1 for the first try; a job whose worker died is retried. */
  readonly attempt: number;
  /** Wall time of the job, ms. */
  readonly ms: number;
  /** BullMQ: how often the job was taken over from a worker that stopped renewing its lock. */
  readonly stalls?: number;
}

export interface JobOutcome {
  readonly key: string;
  readonly status: "done" | "failed";
  readonly row?: SweepRow;
  readonly error?: JobError;
  readonly run: RunInfo;
}

/** The plain-JSON form of an error thrown by a job. */
export function toJobError(e: unknown): JobError {
  if (e instanceof ValidationError)
    return { name: e.name, message: e.message, code: e.code, field: e.field };
  if (e instanceof CellspiceError) return { name: e.name, message: e.message, code: e.code };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: "Error", message: String(e) };
}
