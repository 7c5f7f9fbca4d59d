import { ValidationError } from "../core/errors.js";
import { guidedEps, type NoisePredictor } from "./guidance.js";
import type { NoiseSource } from "./noise.js";
import type { Sampler, StepInfo } from "./sampler.js";
import type { Schedule } from "./schedule.js";

/** A class-conditional sampling run: every class of `classes` in order, `perClass` samples each. */
export interface DrawSamplesOptions {
  readonly sampler: Sampler;
  readonly network: NoisePredictor;
  readonly schedule: Schedule;
  readonly classes: readonly number[];
  readonly perClass: number;
  /** One image's channels, rows, cols. */
  readonly image: { readonly channels: number; readonly rows: number; readonly cols: number };
  /** Guidance weight w (ε̃ = (1 + w)·ε(x, c) − w·ε(x, ∅)). */
  readonly w: number;
  /** The sampler's steps (DDIM: S; DDPM: the chain's start, n_T). */
  readonly steps?: number;
  readonly noise: NoiseSource;
  /** Samples per sampler call (the network sees 2× that with guidance). */
  readonly batch: number;
  readonly checkInterrupt?: () => void;
  /** After every step of every batch: the batch's first sample, its size, and the step. */
  readonly onStep?: (start: number, count: number, info: StepInfo) => void;
}

/** The samples x_0 (N×C×H×W, class-major) and their class labels. */
export interface DrawnSamples {
  readonly x0: Float64Array;
  readonly labels: Int32Array;
}

/** Runs the sampler over the samples of a class-conditional run, `batch` at a time. */
export async function drawSamples(o: DrawSamplesOptions): Promise<DrawnSamples> {
  if (!(Number.isInteger(o.perClass) && o.perClass >= 1))
    throw new ValidationError("per-class", `got ${o.perClass}`, "an integer ≥ 1");
  if (!(Number.isInteger(o.batch) && o.batch >= 1))
    throw new ValidationError("batch", `got ${o.batch}`, "an integer ≥ 1");
  if (o.classes.length === 0)
    throw new ValidationError("classes", "is empty", "at least one class");
  const n = o.classes.length * o.perClass;
  const pixels = o.image.channels * o.image.rows * o.image.cols;
  const labels = Int32Array.from({ length: n }, (_, k) => o.classes[Math.floor(k / o.perClass)]);
  const x0 = new Float64Array(n * pixels);
  for (let start = 0; start < n; start += o.batch) {
    const count = Math.min(o.batch, n - start);
    const c = labels.slice(start, start + count);
    const eps = guidedEps(o.network, c, o.w, o.schedule.nT);
    const out = await o.sampler(
      eps,
      o.schedule,
      o.noise.x_T(start, count),
      { batch: count, ...o.image },
      {
        steps: o.steps,
        noise: o.noise.ancestral(start, count),
        checkInterrupt: o.checkInterrupt,
        onStep: o.onStep ? (info) => o.onStep?.(start, count, info) : undefined,
      },
    );
    x0.set(out, start * pixels);
  }
  return { x0, labels };
}
