import type { Schedule } from "./schedule.js";

/**
 * What every sampler consumes: ε(x_t, t) → the (guided) noise prediction for a batch of n
 * samples at timestep index t (an integer of 0…n_T), N×C×H×W like x. The sampler never sees the
 * network, the class labels or the guidance weight (guidance.ts builds this from a network).
 */
export type EpsFn = (
  x: Float64Array,
  tIndex: number,
  n: number,
) => Float64Array | Promise<Float64Array>;

/** The shape of a batch of images, NCHW. */
export interface SampleShape {
  readonly batch: number;
  readonly channels: number;
  readonly rows: number;
  readonly cols: number;
}

/** The standard normal noise z of the ancestral steps: z for the step x_t → x_{t−1}, N×C×H×W. */
export interface AncestralNoise {
  z(t: number): Float64Array;
}

/** One step done: x is x at the next timestep (the sampler's result after the last step). */
export interface StepInfo {
  /** 0-based step number. */
  readonly step: number;
  /** How many steps the sampler runs. */
  readonly steps: number;
  /** The timestep the step started from. */
  readonly t: number;
  /** The state after the step (a copy the callback may keep). */
  readonly x: Float64Array;
}

export interface SamplerOptions {
  /**
   * DDIM: the number S of timesteps τ visited (1…n_T). DDPM: the chain starts at t = steps
   * (n_T, the default, for sampling from pure noise; fewer for a truncated chain from a given
   * x_steps, as the golden data has).
   */
  readonly steps?: number;
  /** The ancestral noise (DDPM); DDIM is deterministic and ignores it. */
  readonly noise?: AncestralNoise;
  /** Called before every network pass; throws (e.g. InterruptedError) to stop the sampler. */
  readonly checkInterrupt?: () => void;
  /** Called after every step. */
  readonly onStep?: (info: StepInfo) => void;
}

/** A sampler: x_T (N×C×H×W) → x_0, named after its paper, in its symbols. */
export type Sampler = (
  eps: EpsFn,
  schedule: Schedule,
  x_T: Float64Array,
  shape: SampleShape,
  options?: SamplerOptions,
) => Promise<Float64Array>;

/** The number of values of a batch of images. */
export function sampleSize(shape: SampleShape): number {
  return shape.batch * shape.channels * shape.rows * shape.cols;
}
