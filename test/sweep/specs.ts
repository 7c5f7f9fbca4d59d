/** Sweep specs of the executor tests: small simulate sweeps of realistic per-job cost. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inProcessExecutor } from "../../src/sweep/inProcess.js";
import { runSweep } from "../../src/sweep/runSweep.js";
import { readSweepSpec } from "../../src/sweep/spec.js";
import { results } from "./processes.js";

/** 12 jobs (2 templates × 2 σ × 3 replicates on 16×16 images), one of which fails on request. */
export const FAILING_KEY = "corner,size=16,T=5,sigmaA=0.02,sigmaB=0.05,rep=1";
export const REFERENCE = {
  format: "cellspice-sweep",
  version: 1,
  kind: "simulate",
  seed: 11,
  grid: { template: ["edge", "corner"], size: [16], sigmaA: [0.02], sigmaB: [0, 0.05] },
  replicates: 3,
  fail: [FAILING_KEY],
};

/**
 * REFERENCE on 64×64 images (2–3 s of job time in all): long enough that every worker of a
 * two-worker run takes jobs (an idle BullMQ worker looks for them every IDLE_WAIT_S), with its
 * own failing key.
 */
export const FAILING_KEY_64 = FAILING_KEY.replace("size=16", "size=64");
export const SHARED = {
  ...REFERENCE,
  grid: { ...REFERENCE.grid, size: [64] },
  fail: [FAILING_KEY_64],
};

/** 8 jobs on 40×40 images: long enough to kill a worker mid-job (24×24 became too short once the solver sped up). */
export const SLOWER = {
  format: "cellspice-sweep",
  version: 1,
  kind: "simulate",
  seed: 5,
  grid: { template: ["edge"], size: [40], sigmaB: [0.02, 0.05] },
  replicates: 4,
};

/**
 * SLOWER on 64×64 images (each job about 2.5× longer): with both workers taking jobs at once, the
 * victim of a takeover test still has a next job to start after the first row is collected.
 */
export const SLOWER_64 = { ...SLOWER, grid: { ...SLOWER.grid, size: [64] } };

export function writeSpec(dir: string, name: string, spec: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/**
 * The rows of an undisturbed in-process run of `spec`, computed here (not through the CLI):
 * the reference every executor's rows must equal.
 */
export async function undisturbedResults(
  dir: string,
  name: string,
  spec: unknown,
): Promise<string[]> {
  const path = join(dir, `${name}.undisturbed.jsonl`);
  await runSweep({
    sweep: readSweepSpec(spec, name),
    rowsPath: path,
    executor: inProcessExecutor(),
  });
  return results(path);
}
