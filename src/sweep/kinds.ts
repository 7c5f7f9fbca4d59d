/**
 * The job kinds a sweep can run, by name. Every executor's worker resolves a job's kind here,
 * so a kind registered here runs under every executor.
 */
import { ValidationError } from "../core/errors.js";
import { didYouMean } from "../core/unknownFields.js";
import type { JobKind } from "./jobKind.js";
import { hardwareSampleKind } from "./kinds/hardwareSample.js";
import { simulateKind } from "./kinds/simulate.js";

const KINDS: Readonly<Record<string, JobKind>> = {
  simulate: simulateKind as JobKind,
  "hardware-sample": hardwareSampleKind as JobKind,
};

export const KIND_NAMES: readonly string[] = Object.keys(KINDS);

/** The kind named `name`; a ValidationError naming the field `kind` otherwise. */
export function jobKind(name: unknown): JobKind {
  if (typeof name === "string" && Object.hasOwn(KINDS, name)) return KINDS[name];
  const near = typeof name === "string" ? didYouMean(name, KIND_NAMES) : undefined;
  throw new ValidationError(
    "kind",
    `got ${name === undefined ? "nothing" : JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ""}`,
    `one of ${KIND_NAMES.join(", ")}`,
  );
}
