/**
 * `cellspice sweep SPEC --status`: how far a sweep has got, read from its rows file (and, for a
 * BullMQ sweep, its queue: redis/queueStatus.ts). Works while the sweep runs (it only reads)
 * and after it was interrupted.
 */
import type { JobError } from "./outcome.js";
import { readRows, rowsLockOwner } from "./rowsFile.js";
import type { Sweep } from "./spec.js";

export interface RowsStatus {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly pending: number;
  /** The process writing the rows now, if any. */
  readonly writer?: { readonly host: string; readonly pid: number; readonly since: string };
  /** A torn last line (a writer killed mid-line; the next run drops it). */
  readonly tornLine: boolean;
  readonly failures: readonly { readonly key: string; readonly error?: JobError }[];
  /** The keys with a line in the rows file. */
  readonly collected: ReadonlySet<string>;
}

export function rowsStatus(sweep: Sweep, rowsPath: string): RowsStatus {
  const content = readRows(rowsPath);
  let done = 0;
  let failed = 0;
  const failures: { key: string; error?: JobError }[] = [];
  for (const job of sweep.jobs) {
    const line = content.lines.get(job.key);
    if (line?.status === "done") done++;
    else if (line?.status === "failed") {
      failed++;
      failures.push({ key: job.key, error: line.error });
    }
  }
  return {
    total: sweep.jobs.length,
    done,
    failed,
    pending: sweep.jobs.length - done - failed,
    writer: rowsLockOwner(rowsPath),
    tornLine: content.torn,
    failures,
    collected: new Set(content.lines.keys()),
  };
}
