/**
 * The sweep spec (docs/sweeps.md): a JSON file
 *
 *   { "format": "cellspice-sweep", "version": 1, "kind": "simulate", "seed": 7, …the kind's fields }
 *
 * read into the job kind, its validated fields and the full, ordered job list. Unknown fields
 * are refused with a did-you-mean; a grid with no points is refused.
 */
import { createHash } from "node:crypto";
import { ValidationError } from "../core/errors.js";
import { rejectUnknownFields } from "../core/unknownFields.js";
import type { JobKind, SweepJob } from "./jobKind.js";
import { jobKind } from "./kinds.js";
import { readObject } from "./specFields.js";

export const SWEEP_FORMAT = "cellspice-sweep";
export const SWEEP_VERSION = 1;
const COMMON_FIELDS = ["format", "version", "kind", "seed"] as const;

export interface Sweep {
  readonly kind: JobKind;
  /** The sweep seed: every job's random stream is randomStream(seed, job.key). */
  readonly seed: number | string;
  /** The kind's validated fields. */
  readonly spec: unknown;
  /** All jobs, in the kind's fixed order, with distinct keys. */
  readonly jobs: readonly SweepJob[];
  /** A digest of (kind, seed, jobs): names the sweep's Redis queue. */
  readonly id: string;
}

/** Reads a sweep spec from JSON text; `source` (the file) names it in errors. */
export function parseSweepSpec(text: string, source: string): Sweep {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(source, `not valid JSON (${(e as Error).message})`, "a JSON object");
  }
  return readSweepSpec(value, source);
}

/** Validates a parsed sweep spec and expands its jobs. */
export function readSweepSpec(value: unknown, source: string): Sweep {
  const doc = readObject(value, source);
  if (doc.format !== SWEEP_FORMAT)
    throw new ValidationError("format", `got ${JSON.stringify(doc.format)}`, `"${SWEEP_FORMAT}"`);
  if (doc.version !== SWEEP_VERSION)
    throw new ValidationError("version", `got ${JSON.stringify(doc.version)}`, `${SWEEP_VERSION}`);
  const kind = jobKind(doc.kind);
  const seed = readSeed(doc.seed);
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc))
    if (!(COMMON_FIELDS as readonly string[]).includes(k)) own[k] = v;
  if (kind.fields !== undefined) rejectUnknownFields(doc, [...COMMON_FIELDS, ...kind.fields]);
  const spec = kind.validate(own, source);
  const jobs = kind.expand(spec);
  if (jobs.length === 0)
    throw new ValidationError("grid", "the grid has no points", "at least one value on every axis");
  const keys = new Set<string>();
  for (const job of jobs) {
    if (keys.has(job.key))
      throw new ValidationError("grid", `two points have the key ${job.key}`, "distinct points");
    keys.add(job.key);
  }
  return { kind, seed, spec, jobs, id: sweepId(kind.name, seed, jobs) };
}

function readSeed(seed: unknown): number | string {
  if (typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0) return seed;
  if (typeof seed === "string" && seed.length > 0) return seed;
  throw new ValidationError(
    "seed",
    `got ${seed === undefined ? "nothing" : JSON.stringify(seed)}`,
    "an integer in [0, 2^53) or a non-empty string",
  );
}

/** The first 16 hex digits of SHA-256 over (kind, seed, every job's key and parameters). */
export function sweepId(kind: string, seed: number | string, jobs: readonly SweepJob[]): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([kind, seed]));
  for (const job of jobs) hash.update(`\n${JSON.stringify([job.key, job.params])}`);
  return hash.digest("hex").slice(0, 16);
}
