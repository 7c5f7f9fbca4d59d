/**
 * The "simulate" job kind: a classic template (src/cells library) run by cellspice's own solver
 * on a random binary image, ideal and with transconductor mismatch (./mismatch.ts), over a grid
 * of templates × image sizes × transients T × mismatch σ × replicates. A row says how far the
 * mismatched array's output is from the ideal one: cells, idealBlack and black (cells with
 * x(T) > 0), matchFraction (cells whose sign of x(T) is the ideal one), maxAbsDx
 * (max |x(T) − x_ideal(T)|), unsettled (cells with |x(T)| < 1) and the solver's steps. A job
 * costs two solves: about 0.05–0.5 s.
 *
 *   "grid": { "template": ["edge"], "size": [16, 24], "T": [5], "sigmaA": [0, 0.02],
 *             "sigmaB": [0, 0.02, 0.05] },
 *   "replicates": 3, "density": 0.5, "fail": []
 *
 * Each job's random stream gives, in this order of indices: the image (uniform(p) < density
 * is black), then A's die-level draws normal(0 … k²−1), then each cell's control draws
 * (normal(k² …)). `fail` lists job keys that throw a deterministic error (to test executors).
 */
import { CLASSIC_NAMES, classicArray, classicTemplate } from "../../cells/library.js";
import { type CellArray, cellCount } from "../../cells/spec.js";
import { createCellSystem } from "../../cells/system.js";
import type { RandomStream } from "../../core/counterRandom.js";
import { CellspiceError, ValidationError } from "../../core/errors.js";
import { rejectUnknownFields } from "../../core/unknownFields.js";
import { defaultMethod } from "../../engines/typescript.js";
import { solve } from "../../solvers/solve.js";
import type { OdeSystem } from "../../solvers/types.js";
import type { JobContext, JobKind, SweepJob, SweepRow } from "../jobKind.js";
import { readAxis, readName, readNumber, readObject } from "../specFields.js";
import { controlMismatchCurrent, mismatchedTemplate, withOffsetCurrent } from "./mismatch.js";

export interface SimulateSpec {
  readonly template: readonly string[];
  readonly size: readonly number[];
  /** Transients in τ; undefined: each template's settle time. */
  readonly T: readonly number[] | undefined;
  readonly sigmaA: readonly number[];
  readonly sigmaB: readonly number[];
  readonly replicates: number;
  readonly density: number;
  readonly fail: readonly string[];
}

export interface SimulateParams {
  readonly template: string;
  readonly size: number;
  readonly T: number;
  readonly sigmaA: number;
  readonly sigmaB: number;
  readonly replicate: number;
  readonly density: number;
  readonly fail: boolean;
}

const FIELDS = ["grid", "replicates", "density", "fail"] as const;
const GRID_FIELDS = ["template", "size", "T", "sigmaA", "sigmaB"] as const;
const SIGMA = { min: 0, max: 0.5 };

export const simulateKind: JobKind<SimulateSpec> = {
  name: "simulate",
  fields: FIELDS,
  validate(spec) {
    const doc = readObject(spec, "spec");
    rejectUnknownFields(doc, FIELDS);
    if (doc.grid === undefined)
      throw new ValidationError("grid", "missing", `an object with ${GRID_FIELDS.join(", ")}`);
    const grid = readObject(doc.grid, "grid");
    rejectUnknownFields(grid, GRID_FIELDS, "grid");
    for (const required of ["template", "size"] as const) {
      if (grid[required] === undefined)
        throw new ValidationError(`grid.${required}`, "missing", "a non-empty list");
    }
    const fail = doc.fail === undefined ? [] : doc.fail;
    if (!Array.isArray(fail) || fail.some((k) => typeof k !== "string"))
      throw new ValidationError("fail", "not a list of job keys", "a list of job keys (strings)");
    return {
      template: readAxis(grid.template, "grid.template", (v, f) => readName(v, f, CLASSIC_NAMES)),
      size: readAxis(grid.size, "grid.size", (v, f) =>
        readNumber(v, f, { min: 3, max: 512, integer: true }),
      ),
      T:
        grid.T === undefined
          ? undefined
          : readAxis(grid.T, "grid.T", (v, f) =>
              readNumber(v, f, { min: 0, max: 1e4, minExclusive: true }),
            ),
      sigmaA: readAxis(grid.sigmaA ?? [0], "grid.sigmaA", (v, f) => readNumber(v, f, SIGMA)),
      sigmaB: readAxis(grid.sigmaB ?? [0], "grid.sigmaB", (v, f) => readNumber(v, f, SIGMA)),
      replicates: readNumber(doc.replicates ?? 1, "replicates", {
        min: 1,
        max: 100000,
        integer: true,
      }),
      density: readNumber(doc.density ?? 0.5, "density", { min: 0, max: 1 }),
      fail: fail as string[],
    };
  },
  expand(spec) {
    const jobs: SweepJob[] = [];
    for (const template of spec.template) {
      const Ts = spec.T ?? [classicTemplate(template).settleTime];
      for (const size of spec.size)
        for (const T of Ts)
          for (const sigmaA of spec.sigmaA)
            for (const sigmaB of spec.sigmaB)
              for (let replicate = 0; replicate < spec.replicates; replicate++) {
                const key = `${template},size=${size},T=${T},sigmaA=${sigmaA},sigmaB=${sigmaB},rep=${replicate}`;
                const params: SimulateParams = {
                  template,
                  size,
                  T,
                  sigmaA,
                  sigmaB,
                  replicate,
                  density: spec.density,
                  fail: spec.fail.includes(key),
                };
                jobs.push({ key, kind: "simulate", params: { ...params } });
              }
    }
    const keys = new Set(jobs.map((j) => j.key));
    spec.fail.forEach((key, i) => {
      if (!keys.has(key))
        throw new ValidationError(
          `fail[${i}]`,
          `no job has the key ${JSON.stringify(key)}`,
          `a job key, e.g. ${JSON.stringify(jobs[0]?.key)}`,
        );
    });
    return jobs;
  },
  async run(job, ctx) {
    return simulateJob(job.params as unknown as SimulateParams, job.key, ctx);
  },
};

/** One job: the ideal and the mismatched array on the same image, compared at t = T. */
export function simulateJob(p: SimulateParams, key: string, ctx: JobContext): SweepRow {
  if (p.fail) {
    throw new CellspiceError(
      "requested-failure",
      `job ${key} fails on request (the spec's "fail" list)`,
      { key },
    );
  }
  const random = ctx.random;
  const ideal = classicArray(classicTemplate(p.template), randomImage(p.size, p.density, random));
  const n = cellCount(ideal);
  const k2 = ideal.A.size * ideal.A.size;
  const mismatched: CellArray = { ...ideal, A: mismatchedTemplate(ideal.A, p.sigmaA, random, 0) };
  const offset = controlMismatchCurrent(ideal, p.sigmaB, random, k2);
  const xIdeal = finalState(createCellSystem(ideal), ideal, p.T);
  ctx.checkInterrupt();
  const run = finalState(withOffsetCurrent(createCellSystem(mismatched), offset), mismatched, p.T);
  let matching = 0;
  let maxAbsDx = 0;
  let unsettled = 0;
  let black = 0;
  let idealBlack = 0;
  for (let c = 0; c < n; c++) {
    const x = run.x[c];
    if (Math.sign(x) === Math.sign(xIdeal.x[c])) matching++;
    if (Math.abs(x) < 1) unsettled++;
    if (x > 0) black++;
    if (xIdeal.x[c] > 0) idealBlack++;
    maxAbsDx = Math.max(maxAbsDx, Math.abs(x - xIdeal.x[c]));
  }
  return {
    cells: n,
    idealBlack,
    black,
    matchFraction: matching / n,
    maxAbsDx,
    unsettled,
    steps: run.steps,
  };
}

/** A rows × cols binary image: pixel p black (+1) where uniform(p) < density. */
function randomImage(size: number, density: number, random: RandomStream) {
  const data = new Float64Array(size * size);
  for (let p = 0; p < data.length; p++) data[p] = random.uniform(p) < density ? 1 : -1;
  return { rows: size, cols: size, data };
}

/**
 * x(T) of a classic (memristor-free) array from x(0), by the default method at the TypeScript
 * engine's default tolerances (rtol 1e-8, atol 1e-10).
 */
function finalState(system: OdeSystem, array: CellArray, T: number) {
  const y0 = Float64Array.from(array.x0);
  const r = solve(system, {
    method: defaultMethod(array),
    t0: 0,
    t1: T,
    y0,
    tEval: [T],
    rtol: 1e-8,
    atol: 1e-10,
  });
  return { x: r.y.subarray(0, cellCount(array)), steps: r.stats.steps };
}
