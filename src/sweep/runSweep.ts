/**
 * Runs a sweep, resumably: the jobs that already have a line in the rows file are skipped, the
 * rest go to the executor, and each outcome is appended (rowsFile.ts) as it comes. When every
 * job has its line, the file is rewritten once in the spec's job order, so that two complete
 * runs of a sweep give files that differ only in their `run` fields, whatever the executor and
 * the number of workers.
 */
import { ValidationError } from "../core/errors.js";
import type { Executor } from "./executor.js";
import type { SweepJob } from "./jobKind.js";
import type { JobError, JobOutcome } from "./outcome.js";
import { openRowsFile, type RowLine } from "./rowsFile.js";
import type { Sweep } from "./spec.js";

export interface SweepCounts {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly pending: number;
}

export interface RunSweepOptions {
  readonly sweep: Sweep;
  readonly rowsPath: string;
  readonly executor: Executor;
  readonly signal?: AbortSignal;
  /** Run the jobs that failed before again (their lines are removed first). */
  readonly retryFailed?: boolean;
  /** Before any job runs: what the rows file already held. */
  readonly onBegin?: (state: SweepCounts & { readonly tornLineDropped: boolean }) => void;
  /** After each new line is on disk. */
  readonly onOutcome?: (outcome: JobOutcome, counts: SweepCounts) => void;
}

export interface SweepSummary extends SweepCounts {
  /** Lines written by this run. */
  readonly newlyDone: number;
  readonly newlyFailed: number;
  /** The failures of this run, each once. */
  readonly failures: readonly { readonly key: string; readonly error: JobError }[];
}

export async function runSweep(o: RunSweepOptions): Promise<SweepSummary> {
  const { sweep, executor } = o;
  const rows = openRowsFile(o.rowsPath);
  try {
    const byKey = new Map(sweep.jobs.map((j) => [j.key, j]));
    for (const line of rows.lines.values()) {
      const job = byKey.get(line.key);
      if (job !== undefined) checkSameJob(line, job, sweep, o.rowsPath);
    }
    if (o.retryFailed) {
      const keep = [...rows.lines.values()].filter(
        (l) => l.status !== "failed" || !byKey.has(l.key),
      );
      if (keep.length < rows.lines.size) rows.rewrite(keep.map((l) => l.key));
    }
    const counts = { total: sweep.jobs.length, done: 0, failed: 0, pending: 0 };
    for (const job of sweep.jobs) {
      const status = rows.lines.get(job.key)?.status;
      if (status === "done") counts.done++;
      else if (status === "failed") counts.failed++;
    }
    const pending = sweep.jobs.filter((j) => !rows.lines.has(j.key));
    counts.pending = pending.length;
    o.onBegin?.({ ...counts, tornLineDropped: rows.torn });
    let newlyDone = 0;
    let newlyFailed = 0;
    const failures: { key: string; error: JobError }[] = [];
    await executor.run(pending, {
      seed: sweep.seed,
      sweepId: sweep.id,
      kind: sweep.kind.name,
      signal: o.signal,
      onOutcome: (outcome) => {
        const job = byKey.get(outcome.key);
        if (job === undefined || o.signal?.aborted) return;
        if (!rows.append(toLine(job, sweep.seed, outcome))) return;
        counts.pending--;
        if (outcome.status === "done") {
          counts.done++;
          newlyDone++;
        } else {
          counts.failed++;
          newlyFailed++;
          if (outcome.error) failures.push({ key: outcome.key, error: outcome.error });
        }
        o.onOutcome?.(outcome, { ...counts });
      },
    });
    if (counts.pending === 0) {
      const now = [...rows.lines.keys()];
      const extra = now.filter((k) => !byKey.has(k));
      const ordered = [...sweep.jobs.map((j) => j.key), ...extra];
      if (ordered.some((k, i) => now[i] !== k)) rows.rewrite(ordered);
    }
    return { ...counts, newlyDone, newlyFailed, failures };
  } finally {
    rows.close();
  }
}

function toLine(job: SweepJob, seed: number | string, o: JobOutcome): RowLine {
  const base = { key: job.key, kind: job.kind, seed, params: job.params };
  return o.status === "done"
    ? { ...base, status: "done", row: o.row, run: o.run }
    : { ...base, status: "failed", error: o.error, run: o.run };
}

/** A line of the rows file must come from the same job: same kind, seed and parameters. */
function checkSameJob(line: RowLine, job: SweepJob, sweep: Sweep, path: string): void {
  const differs =
    line.kind !== job.kind
      ? `its kind (${line.kind}, the spec's ${job.kind})`
      : line.seed !== sweep.seed
        ? `its seed (${JSON.stringify(line.seed)}, the spec's ${JSON.stringify(sweep.seed)})`
        : firstDifference(line.params, job.params, "params");
  if (differs !== null) {
    throw new ValidationError(
      "--out",
      `${path} holds a row for ${JSON.stringify(job.key)} from another sweep: ${differs} differs`,
      "a new rows file, or the spec (and model) that wrote this one",
    );
  }
}

/**
 * The first place where two JSON values differ, as `path (rows file X, spec Y)`, or null when
 * they are equal (JSON equality: what the rows file holds against the freshly expanded job).
 */
function firstDifference(had: unknown, now: unknown, path: string): string | null {
  if (JSON.stringify(had) === JSON.stringify(now)) return null;
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(had) && isObject(now)) {
    for (const k of new Set([...Object.keys(now), ...Object.keys(had)])) {
      const d = firstDifference(had[k], now[k], `${path}.${k}`);
      if (d !== null) return d;
    }
  }
  const show = (v: unknown) => {
    const text = v === undefined ? "nothing" : JSON.stringify(v);
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
  };
  return `${path} (rows file ${show(had)}, spec ${show(now)})`;
}
