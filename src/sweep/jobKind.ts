import type { RandomStream } from "../core/counterRandom.js";

/**
 * The contract between a sweep's executor (in-process, local pool, BullMQ) and the work it runs.
 * A job kind knows how to expand a validated spec into independent jobs and how to run one job
 * into one row; the executor knows nothing of what a job computes. A job is plain JSON, so it
 * can cross a worker thread, a process or Redis unchanged; its row is plain JSON too.
 */
export interface SweepJob {
  /** Unique within the sweep and stable across re-runs: the key rows are stored under. */
  readonly key: string;
  /** The job kind's name (the registry in src/sweep/kinds.ts resolves it in every worker). */
  readonly kind: string;
  /** Everything the job needs, as JSON (paths of models and data, parameter values, seeds). */
  readonly params: Record<string, unknown>;
}

export interface JobContext {
  /** The job's own random stream, derived from (sweep seed, job key): same under any executor. */
  readonly random: RandomStream;
  /** Throws when the sweep is being stopped; long jobs call it between steps. */
  readonly checkInterrupt: () => void;
  /** Optional progress within the job (fraction 0..1). */
  readonly progress?: (fraction: number) => void;
}

/** A row: what one job measured. Executors add key, kind, timing and worker fields. */
export type SweepRow = Record<string, unknown>;

export interface JobKind<Spec = unknown> {
  readonly name: string;
  /**
   * The kind's own top-level spec fields, beside the common `format`, `version`, `kind` and
   * `seed`. When given, the spec reader refuses any other field with a did-you-mean over all
   * of them; without it, `validate` must refuse unknown fields itself.
   */
  readonly fields?: readonly string[];
  /** Validates the kind-specific part of a sweep spec (ValidationError naming the field). */
  validate(spec: unknown, source: string): Spec;
  /** All jobs of the sweep, in a fixed order. */
  expand(spec: Spec): SweepJob[];
  /** Runs one job. Must be deterministic given (job, ctx.random). */
  run(job: SweepJob, ctx: JobContext): Promise<SweepRow>;
}
